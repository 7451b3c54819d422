"""For supervisors: the unit's submitted plans, to approve or return with a note."""

from __future__ import annotations

import asyncio

import flet as ft

from app.core.i18n import fmt_date, translator
from app.core.i18n.labels import kind_label
from app.core.plans.changes import PlanChanges
from app.core.plans.render import action_when, criterion_summary
from app.device.ui import controls, services
from app.device.ui.shell import Shell, route_for

_ = translator("ui")


def review_card(shell: Shell, item: services.ReviewItem) -> ft.Control:
    state = shell.state
    plan = item.plan
    note = ft.TextField(
        label=_("Note for the officer"),
        key=f"note-{plan.id}",
        multiline=True,
        min_lines=2,
        max_lines=5,
        max_length=2000,
    )

    async def decide(approve: bool) -> None:
        officer = state.officer
        assert officer is not None
        text = (note.value or "").strip()
        if not approve and not text:
            note.error = _("Say what to correct.")
            shell.page.update()
            return
        try:
            syncs = state.sync is not None
            if approve:
                await asyncio.to_thread(
                    services.approve_plan, state.engine, officer, plan.id, text, syncs=syncs
                )
            else:
                await asyncio.to_thread(
                    services.return_plan, state.engine, officer, plan.id, text, syncs=syncs
                )
        except (PermissionError, ValueError) as exc:
            shell.error(str(exc))
            shell.page.update()
            return
        await shell.refresh()
        shell.toast(_("Plan approved.") if approve else _("Plan returned."), key="reviewed")
        shell.follow_sync()
        shell.page.update()

    async def approve(_event: ft.ControlEvent) -> None:
        await decide(True)

    async def send_back(_event: ft.ControlEvent) -> None:
        await decide(False)

    async def open_plan(_event: ft.ControlEvent) -> None:
        await shell.go(route_for("/plan", id=plan.id))

    period = _("{start} – {end}", start=fmt_date(plan.period_start), end=fmt_date(plan.period_end))
    lines: list[ft.Control] = [
        ft.Text(plan.title or _("Untitled plan"), size=17, weight=ft.FontWeight.BOLD),
        controls.muted(
            _("Area no. {area} · {officer}", area=item.area_label, officer=item.officer_name)
        ),
        controls.muted(period),
    ]
    if plan.review_note:  # a resubmission: what the supervisor asked for last time
        lines.append(
            ft.Text(
                _("Your previous note: {note}", note=plan.review_note),
                color=controls.WARN_COLOR,
                key=f"previous-note-{plan.id}",
            )
        )
    if item.changes is not None:
        lines.append(changes_since_returned(plan.id, item.changes))
    lines += [
        *whole_plan(item),
        controls.action_button(
            _("Open the plan"),
            open_plan,
            key=f"open-plan-{plan.id}",
            icon=ft.Icons.OPEN_IN_NEW,
            kind="outlined",
        ),
        note,
        ft.Column(  # one under the other: "Zwróć do poprawy" does not fit half the width
            [
                controls.action_button(
                    _("Approve"),
                    approve,
                    key=f"approve-{plan.id}",
                    icon=ft.Icons.CHECK,
                ),
                controls.action_button(
                    _("Return"),
                    send_back,
                    key=f"return-{plan.id}",
                    icon=ft.Icons.UNDO,
                    kind="outlined",
                ),
            ],
            spacing=8,
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        ),
    ]
    return controls.card(*lines, identifier=f"review-{plan.id}")


def _part_labels() -> dict[str, str]:
    return {
        "text": _("wording"),
        "kind": _("kind"),
        "dates": _("dates"),
        "hours": _("hours"),
        "days": _("days"),
        "frequency": _("frequency"),
        "place": _("place"),
    }


def change_lines(changes: PlanChanges) -> list[str]:
    """What changed since the plan was returned, in the plan's order, one line each."""
    if changes.empty:
        return [_("Nothing changed since it was returned.")]
    lines: list[str] = []
    if changes.title is not None:
        lines.append(_("Title changed (was: {title})", title=changes.title or "—"))
    if changes.period is not None:
        start, end = changes.period
        lines.append(
            _(
                "Period changed (was: {start} – {end})",
                start=fmt_date(start),
                end=fmt_date(end),
            )
        )
    if 1 in changes.sections:
        lines.append(_("1. The threat or its diagnosis changed"))
    if 2 in changes.sections:
        lines.append(
            _("2. The goal's criterion changed") if changes.criterion else _("2. The goal changed")
        )
    parts = _part_labels()
    lines += [_("3. Action added: {text}", text=text) for text in changes.actions_added]
    lines += [_("3. Action removed: {text}", text=text) for text in changes.actions_removed]
    lines += [
        _(
            "3. Action changed: {text} ({parts})",
            text=change.text,
            parts=", ".join(parts[p] for p in change.parts),
        )
        for change in changes.actions_changed
    ]
    lines += [_("4. Partner added: {name}", name=name) for name in changes.partners_added]
    lines += [_("4. Partner removed: {name}", name=name) for name in changes.partners_removed]
    lines += [
        _("4. Partner's tasks changed: {name}", name=name) for name in changes.partners_changed
    ]
    lines += [_("5. Channel added: {text}", text=text) for text in changes.channels_added]
    lines += [_("5. Channel removed: {text}", text=text) for text in changes.channels_removed]
    return lines


def changes_since_returned(plan_id: str, changes: PlanChanges) -> ft.Control:
    return ft.Container(
        content=ft.Column(
            [
                controls.heading(_("Changed since it was returned"), 15),
                *(
                    ft.Text(line, size=14, key=f"change-{plan_id}-{n}")
                    for n, line in enumerate(change_lines(changes))
                ),
            ],
            spacing=4,
        ),
        key=f"changes-{plan_id}",
        padding=8,
        border=ft.Border.all(1, controls.WARN_COLOR),
        border_radius=8,
    )


def whole_plan(item: services.ReviewItem) -> list[ft.Control]:
    """The five sections as the supervisor decides on them: the threat and how it was
    diagnosed, the goal with its criterion (baseline, place), every action with its window,
    days and frequency, the partners with their tasks, and the channels."""
    plan = item.plan
    criterion = criterion_summary(plan)
    if plan.criterion_baseline is not None:
        criterion += " · " + _("previous period: {value}", value=plan.criterion_baseline)
    if plan.criterion_place_id and plan.criterion_place_id in item.places:
        criterion += " · " + item.places[plan.criterion_place_id]
    lines: list[ft.Control] = [
        controls.heading(_("1. The diagnosed threat"), 15),
        ft.Text(plan.threat, size=15),
    ]
    if plan.diagnosis:
        lines.append(controls.muted(_("How diagnosed: {text}", text=plan.diagnosis), size=14))
    lines += [
        controls.heading(_("2. The goal to achieve"), 15),
        ft.Text(plan.goal, size=15),
        controls.muted(criterion, size=14, key=f"review-criterion-{plan.id}"),
        controls.heading(_("3. Actions with their dates"), 15),
    ]
    for number, action in enumerate(item.actions, start=1):
        when = f"{kind_label(action.kind)} · {action_when(action, plan)}"
        if action.place_id and action.place_id in item.places:
            when += f" · {item.places[action.place_id]}"
        lines += [
            ft.Text(f"{number}. {action.text}", size=15, weight=ft.FontWeight.W_600),
            controls.muted(when, size=14, key=f"review-action-{action.id}"),
        ]
    if not item.actions:
        lines.append(controls.muted(_("(empty)"), size=14))
    doc = item.doc
    partners = doc.partners if doc is not None else []
    channels = doc.channels if doc is not None else []
    lines.append(controls.heading(_("4. Partners and their tasks"), 15))
    lines += [
        ft.Text(f"{p.name} — {p.tasks}" if p.tasks else p.name, size=14) for p in partners
    ] or [controls.muted(_("(empty)"), size=14)]
    lines.append(controls.heading(_("5. How residents are informed"), 15))
    lines += [ft.Text(f"• {c.text}", size=14) for c in channels] or [
        controls.muted(_("(empty)"), size=14)
    ]
    return lines


async def view(shell: Shell, _query: dict[str, str]) -> ft.View:
    state = shell.state
    officer = state.officer
    assert officer is not None
    items = await asyncio.to_thread(services.review_queue, state.engine, officer)
    body: list[ft.Control] = [review_card(shell, item) for item in items]
    if not body:
        body = [controls.muted(_("No plans waiting for approval."), key="no-reviews")]
    return shell.overlay_view("/approvals", _("Plans to approve"), body)
