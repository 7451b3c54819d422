"""What changed in a plan since its supervisor returned it.

When a plan is returned, its content is kept as it was (``Plan.returned_content``, a plain
JSON document that syncs with the plan). On the resubmission the reviewer sees, section by
section, what the officer changed since: the period, the threat, the goal and its criterion,
the actions added, removed or changed, the partners and the channels.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import JsonValue

from app.core.model.plans import PlanBase
from app.core.store.plans import PlanDocument

Snapshot = dict[str, JsonValue]

SECTION_FIELDS: dict[int, tuple[str, ...]] = {
    1: ("threat", "diagnosis"),
    2: ("goal",),
}
CRITERION_FIELDS = (
    "criterion_kind",
    "criterion_measures",
    "criterion_target",
    "criterion_place_id",
    "criterion_text",
)
"""The criterion as written (the baseline is entered apart, at any stage, and signed)."""
ACTION_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text",),
    "kind": ("kind",),
    "dates": ("start_date", "end_date", "deadline"),
    "hours": ("time_from", "time_to"),
    "days": ("weekdays",),
    "frequency": ("freq_times", "freq_per"),
    "place": ("place_id",),
}
"""An action's parts as the reviewer reads them, each with the fields it is made of."""


def snapshot(doc: PlanDocument) -> Snapshot:
    """The plan's content (its five sections, title and period) as plain JSON."""
    plan_fields = set(PlanBase.model_fields) - {"criterion_baseline"}
    data: Snapshot = doc.plan.model_dump(mode="json", include=plan_fields, warnings=False)
    data["actions"] = [
        a.model_dump(mode="json", exclude={"plan_id", "position"}, warnings=False)
        for a in doc.actions
    ]
    data["partners"] = [
        p.model_dump(mode="json", exclude={"plan_id", "position"}, warnings=False)
        for p in doc.partners
    ]
    data["channels"] = [
        c.model_dump(mode="json", exclude={"plan_id", "position"}, warnings=False)
        for c in doc.channels
    ]
    return data


@dataclass(frozen=True)
class ActionChange:
    text: str
    parts: tuple[str, ...]
    """Keys of ``ACTION_FIELDS`` that changed, in that order."""


@dataclass(frozen=True)
class PlanChanges:
    sections: tuple[int, ...] = ()
    """The numbers (1–5) of the sections that changed, in order."""
    title: str | None = None
    """The title as returned, when it changed."""
    period: tuple[date, date] | None = None
    """The period as returned, when it changed."""
    criterion: bool = False
    actions_added: tuple[str, ...] = ()
    actions_removed: tuple[str, ...] = ()
    actions_changed: tuple[ActionChange, ...] = ()
    partners_added: tuple[str, ...] = ()
    partners_removed: tuple[str, ...] = ()
    partners_changed: tuple[str, ...] = ()
    channels_added: tuple[str, ...] = ()
    channels_removed: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.sections or self.title is not None or self.period is not None)


def _rows(data: Snapshot, name: str) -> list[dict[str, JsonValue]]:
    rows = data.get(name)
    if not isinstance(rows, list):
        return []
    return [row for row in rows if isinstance(row, dict)]


def _pair(
    before: list[dict[str, JsonValue]], after: list[dict[str, JsonValue]], label: str
) -> tuple[
    list[tuple[dict[str, JsonValue], dict[str, JsonValue]]],
    list[dict[str, JsonValue]],
    list[dict[str, JsonValue]],
]:
    """Rows matched by id, then the rest by their label; the unmatched are added or removed."""
    old = {str(r.get("id")): r for r in before}
    pairs = []
    added = []
    for row in after:
        match = old.pop(str(row.get("id")), None)
        if match is None:
            added.append(row)
        else:
            pairs.append((match, row))
    removed = list(old.values())
    for row in list(added):
        same = next((r for r in removed if r.get(label) == row.get(label)), None)
        if same is not None:
            removed.remove(same)
            added.remove(row)
            pairs.append((same, row))
    return pairs, added, removed


def _text(row: dict[str, JsonValue], label: str) -> str:
    return str(row.get(label) or "")


def diff(before: Snapshot, after: Snapshot) -> PlanChanges:
    """What changed from ``before`` (the plan as returned) to ``after`` (as resubmitted)."""
    sections: list[int] = []
    for number, names in SECTION_FIELDS.items():
        if any(before.get(n) != after.get(n) for n in names):
            sections.append(number)
    criterion = any(before.get(n) != after.get(n) for n in CRITERION_FIELDS)
    if criterion and 2 not in sections:
        sections.append(2)

    pairs, added, removed = _pair(_rows(before, "actions"), _rows(after, "actions"), "text")
    changed = []
    for old, new in pairs:
        parts = tuple(
            part
            for part, names in ACTION_FIELDS.items()
            if any(old.get(n) != new.get(n) for n in names)
        )
        if parts:
            changed.append(ActionChange(_text(new, "text"), parts))
    if added or removed or changed:
        sections.append(3)

    p_pairs, p_added, p_removed = _pair(_rows(before, "partners"), _rows(after, "partners"), "name")
    p_changed = [_text(new, "name") for old, new in p_pairs if old.get("tasks") != new.get("tasks")]
    p_changed += [
        _text(new, "name")
        for old, new in p_pairs
        if old.get("name") != new.get("name") and old.get("tasks") == new.get("tasks")
    ]
    if p_added or p_removed or p_changed:
        sections.append(4)

    c_pairs, c_added, c_removed = _pair(_rows(before, "channels"), _rows(after, "channels"), "text")
    c_edited = [(old, new) for old, new in c_pairs if old.get("text") != new.get("text")]
    c_added += [new for _old, new in c_edited]
    c_removed += [old for old, _new in c_edited]
    if c_added or c_removed:
        sections.append(5)

    period = None
    if (before.get("period_start"), before.get("period_end")) != (
        after.get("period_start"),
        after.get("period_end"),
    ):
        start, end = before.get("period_start"), before.get("period_end")
        if isinstance(start, str) and isinstance(end, str):
            period = (date.fromisoformat(start), date.fromisoformat(end))
    title = None
    if before.get("title") != after.get("title"):
        title = str(before.get("title") or "")

    return PlanChanges(
        sections=tuple(sorted(sections)),
        title=title,
        period=period,
        criterion=criterion,
        actions_added=tuple(_text(r, "text") for r in added),
        actions_removed=tuple(_text(r, "text") for r in removed),
        actions_changed=tuple(changed),
        partners_added=tuple(_text(r, "name") for r in p_added),
        partners_removed=tuple(_text(r, "name") for r in p_removed),
        partners_changed=tuple(p_changed),
        channels_added=tuple(_text(r, "text") for r in c_added),
        channels_removed=tuple(_text(r, "text") for r in c_removed),
    )


def since_returned(doc: PlanDocument) -> PlanChanges | None:
    """What changed since the plan was last returned; ``None`` if it never was."""
    before = doc.plan.returned_content
    if not before:
        return None
    return diff(before, snapshot(doc))
