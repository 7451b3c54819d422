"""A seeded, realistic half-year of entries for a plan: demo data, tests and benchmarks.

The plan's own actions drive it — daily checks on most due days within their hours,
n-times-a-week tasks about n times a week, deadline tasks a few times before their date —
plus contacts with the plan's partners and, for a reduction criterion, the odd intervention
at the criterion place. The same plan, seed, count and cut-off give the same entries with
the same ids, so a second run with the same arguments is refused instead of doubling them.

A :class:`Profile` says how a period went (how diligently the work was logged, how often the
problem showed up), so the demo can have plans on track and plans behind.
:func:`store_history` is the demo's way in: the whole period is drawn first, so an entry's
id and content never depend on the cut-off, and only the entries not stored yet are written
(in bulk, with name-based revision ids, so the device's and the service's copies match).
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from math import cos, radians

from pydantic_core import PydanticUndefined
from sqlalchemy import insert
from sqlalchemy.engine import Connection
from sqlmodel import Session, SQLModel, col, select

from app.core.model import Action, Entry, EntryIn, EntryKind, EntryRevision, Place, Plan
from app.core.model.clock import LOCAL_TZ, local_day_bounds, to_local, to_utc, utcnow
from app.core.model.ids import stable_id
from app.core.plans.progress import frequency_units
from app.core.schedule.service import TaskMode, due_days
from app.core.schedule.windows import action_mode, action_window
from app.core.store.entries import log_entry
from app.core.store.errors import Conflict
from app.core.store.plans import read_plan
from app.core.store.versions import allocate, assigns_versions

DEVICE_ID = "generator"
CHECK_RATE = 0.85
"""Share of due days on which a daily check is logged."""
SECOND_CHECK_RATE = 0.15
PARTNER_EVERY_DAYS = 30
INTERVENTION_EVERY_DAYS = 16
POOR_GPS_RATE = 0.08

_DEADLINE_TIMES: dict[EntryKind, tuple[int, int]] = {
    EntryKind.meeting: (3, 5),
    EntryKind.talk: (6, 12),
    EntryKind.leaflets: (3, 6),
    EntryKind.announcement: (2, 4),
    EntryKind.request_letter: (1, 1),
}

_NOTES: dict[EntryKind, tuple[str, ...]] = {
    EntryKind.place_check: (
        "",
        "",
        "Spokój, brak osób spożywających alkohol.",
        "Grupa młodzieży, przeprowadzono rozmowę.",
        "Zaśmiecony teren przy ławkach — zgłoszono do administracji.",
    ),
    EntryKind.foot_patrol: ("", "Obchód rejonu, rozmowy z mieszkańcami.", "Bez uwag."),
    EntryKind.talk: (
        "Rozmowy o bezpiecznych zachowaniach i reagowaniu na wykroczenia.",
        "Informowanie o metodach działania oszustów.",
        "",
    ),
    EntryKind.meeting: (
        "Spotkanie w sali PZERiI — prelekcja o oszustwach „na wnuczka”.",
        "Debata z mieszkańcami o bezpieczeństwie w rejonie.",
    ),
    EntryKind.leaflets: ("Kolportaż ulotek informacyjnych.", "Ulotki w klatkach schodowych."),
    EntryKind.announcement: (
        "Komunikat w lokalnym radiu.",
        "Ogłoszenie parafialne po mszy.",
        "Informacja na stronie internetowej komendy.",
    ),
    EntryKind.request_letter: ("Wniosek o dyslokację patroli prewencyjnych przekazany.",),
    EntryKind.intervention: (
        "Interwencja — zakłócanie porządku.",
        "Interwencja — spożywanie alkoholu w miejscu niedozwolonym.",
    ),
    EntryKind.other: ("",),
}


@dataclass(frozen=True)
class Profile:
    """How a period went: ``effort`` scales how often the plan's work was done and logged,
    ``trouble`` how often the problem showed up (offences and interventions)."""

    effort: float = 1.0
    trouble: float = 1.0


@dataclass(frozen=True)
class _Spec:
    """One entry to store, before it gets its id."""

    kind: EntryKind
    occurred_at: datetime
    action_id: str | None = None
    place_id: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    note: str = ""


def _chance(rng: random.Random, p: float, low: int, high: int) -> int:
    return rng.randint(low, high) if rng.random() < p else 0


def _counts(
    kind: EntryKind, rng: random.Random, leaflets_too: bool, trouble: float = 1.0
) -> dict[str, int]:
    """Plausible counters for one entry of a kind (counts only, never identities)."""
    if kind == EntryKind.place_check:
        offences = _chance(rng, min(1.0, 0.08 * trouble), 1, 2)
        fines = rng.randint(0, offences)
        return {
            "persons_legitimised": _chance(rng, 0.3, 1, 4),
            "offences": offences,
            "fines": fines,
            "cautions": offences - fines,
            "interventions": _chance(rng, min(1.0, 0.04 * trouble), 1, 1),
        }
    if kind == EntryKind.foot_patrol:
        return {
            "persons_legitimised": _chance(rng, 0.2, 1, 3),
            "residents_spoken": _chance(rng, 0.2, 1, 2),
            "cautions": _chance(rng, 0.05, 1, 1),
        }
    if kind == EntryKind.talk:
        spoken = rng.randint(2, 8)
        return {"residents_spoken": spoken, "leaflets": rng.randint(0, spoken) * leaflets_too}
    if kind == EntryKind.meeting:
        spoken = rng.randint(8, 20)
        return {"residents_spoken": spoken, "leaflets": spoken * leaflets_too}
    if kind == EntryKind.leaflets:
        return {"leaflets": rng.randint(15, 50)}
    if kind == EntryKind.intervention:
        offences = rng.randint(0, 2)
        fines = rng.randint(0, offences)
        return {
            "interventions": 1,
            "offences": offences,
            "fines": fines,
            "cautions": offences - fines,
            "persons_legitimised": rng.randint(1, 4),
        }
    return {}


class _Builder:
    """Collects entry specs for one plan with one random stream."""

    def __init__(
        self, plan: Plan, rng: random.Random, cutoff: datetime, profile: Profile = Profile()
    ) -> None:
        self.plan, self.rng, self.cutoff, self.profile = plan, rng, cutoff, profile
        self.specs: list[_Spec] = []
        self.last_day = min(plan.period_end, to_local(cutoff).date())

    def at(self, day: date, start: time = time(8), end: time = time(20)) -> datetime:
        """A random local instant on ``day`` between ``start`` and ``end`` (may pass midnight)."""
        first = datetime.combine(day, start)
        span = (datetime.combine(day, end) - first) % timedelta(days=1) or timedelta(hours=12)
        moment = first + timedelta(minutes=self.rng.randrange(int(span.total_seconds() // 60)))
        return to_utc(moment.replace(tzinfo=LOCAL_TZ))

    def add(
        self,
        kind: EntryKind,
        when: datetime,
        *,
        action_id: str | None = None,
        place_id: str | None = None,
        note: str | None = None,
    ) -> None:
        if when > self.cutoff:
            return
        leaflets_too = "leaflets" in self.plan.criterion_measures or kind == EntryKind.meeting
        spec = _Spec(
            kind=kind,
            occurred_at=when,
            action_id=action_id,
            place_id=place_id,
            counts=_counts(kind, self.rng, leaflets_too, self.profile.trouble),
            note=self.rng.choice(_NOTES.get(kind, ("",))) if note is None else note,
        )
        self.specs.append(spec)

    def days(self, first: date, last: date) -> list[date]:
        last = min(last, self.last_day)
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def action(self, action: Action) -> None:
        first, last = action_window(action, self.plan)
        hours = (action.time_from, action.time_to) if action.time_from and action.time_to else ()
        kind, link = EntryKind(action.kind), {"action_id": action.id, "place_id": action.place_id}
        mode, effort = action_mode(action), self.profile.effort
        if mode is TaskMode.daily:
            last = min(last, self.last_day)
            for day in due_days(action, self.plan, first, last) if last >= first else []:
                for _ in range(1 + (self.rng.random() < SECOND_CHECK_RATE)):
                    if self.rng.random() < CHECK_RATE * effort:
                        self.add(kind, self.at(day, *hours), **link)
        elif mode is TaskMode.frequency:
            assert action.freq_per is not None and action.freq_times is not None
            for start, end in frequency_units(action.freq_per, first, min(last, self.last_day)):
                days = self.days(start, end)
                if action.weekdays:
                    days = [d for d in days if d.weekday() in action.weekdays] or days
                planned = round(action.freq_times * effort)
                times = max(0, planned + self.rng.choice((-1, 0, 0, 0, 1)))
                for day in sorted(self.rng.choices(days, k=times)):
                    self.add(kind, self.at(day, *hours), **link)
        else:
            low, high = _DEADLINE_TIMES.get(EntryKind(action.kind), (1, 2))
            days = self.days(first, last)
            times = max(1, round(self.rng.randint(low, high) * effort))
            for day in sorted(self.rng.sample(days, k=min(len(days), times))):
                self.add(kind, self.at(day, *hours), **link)

    def every(self, days: int, make: Callable[[date], None]) -> None:
        """Roughly every ``days`` days over the period (gaps of half to one and a half)."""

        def gap() -> timedelta:
            return timedelta(days=max(1, round(self.rng.uniform(0.5, 1.5) * days)))

        day = self.plan.period_start + timedelta(days=gap().days // 2)
        while day <= self.last_day:
            make(day)
            day += gap()


def _position(place: Place | None, rng: random.Random) -> dict[str, object]:
    """A GPS fix near the entry's place (sometimes a poor one); none without a place."""
    position: dict[str, object] = {}
    if place is not None:
        reach = place.radius_m * 0.6
        north, east = rng.uniform(-reach, reach), rng.uniform(-reach, reach)
        poor = rng.random() < POOR_GPS_RATE
        position = {
            "lat": round(place.lat + north / 111_320, 6),
            "lon": round(place.lon + east / (111_320 * cos(radians(place.lat))), 6),
            "accuracy_m": round(rng.uniform(120, 300) if poor else rng.uniform(4, 35), 1),
            "gps_poor": poor,
        }
    return position


def _resample(
    specs: list[_Spec], count: int, rng: random.Random, first: datetime, last: datetime
) -> list[_Spec]:
    """``count`` entries with the natural mix: a sample of it, or it repeated with jitter
    (kept within the period and before the cut-off)."""
    if count <= len(specs):
        return sorted(rng.sample(specs, k=count), key=lambda s: s.occurred_at)
    extra = []
    for template in rng.choices(specs, k=count - len(specs)):
        moved = template.occurred_at + timedelta(minutes=rng.randint(-180, 180))
        extra.append(replace(template, occurred_at=min(max(moved, first), last)))
    return sorted(specs + extra, key=lambda s: s.occurred_at)


@dataclass(frozen=True)
class _Drawn:
    """One generated entry, ready to store."""

    entry_id: str
    spec: _Spec
    position: dict[str, object]
    recorded_at: datetime

    def fields(self, plan_id: str) -> dict[str, object]:
        spec = self.spec
        return {
            "kind": spec.kind,
            "occurred_at": spec.occurred_at,
            "plan_id": plan_id,
            "action_id": spec.action_id,
            "place_id": spec.place_id,
            "note": spec.note,
            **spec.counts,
            **self.position,
        }

    def entry_in(self, plan_id: str) -> EntryIn:
        """As typed input: checked like any entry (not in the future by the real clock)."""
        return EntryIn(**self.fields(plan_id))  # type: ignore[arg-type]


def _draw(
    session: Session,
    plan: Plan,
    *,
    seed: int,
    count: int | None,
    cutoff: datetime,
    profile: Profile,
    namespace: str = "generated",
) -> list[_Drawn]:
    """The plan's entries up to ``cutoff``, each with its name-based id, in time order."""
    doc = read_plan(session, plan.id)
    rng = random.Random(
        f"{plan.id}/{seed}" if namespace == "generated" else f"{namespace}/{plan.id}/{seed}"
    )
    builder = _Builder(plan, rng, cutoff, profile)
    for action in doc.actions:
        builder.action(action)
    for partner in doc.partners:
        note = f"Kontakt z partnerem: {partner.name} — bieżąca współpraca."
        builder.every(
            PARTNER_EVERY_DAYS,
            lambda day, note=note: builder.add(
                EntryKind.partner_contact, builder.at(day), note=note
            ),
        )
    if plan.criterion_kind == "reduce_by_percent" and plan.criterion_place_id and profile.trouble:
        place_id = plan.criterion_place_id
        builder.every(
            max(1, round(INTERVENTION_EVERY_DAYS / profile.trouble)),
            lambda day: builder.add(
                EntryKind.intervention, builder.at(day, time(17), time(23)), place_id=place_id
            ),
        )
    specs = sorted(builder.specs, key=lambda s: s.occurred_at)
    if count is not None:
        first = local_day_bounds(plan.period_start)[0]
        last = min(cutoff, local_day_bounds(plan.period_end)[1] - timedelta(minutes=1))
        specs = _resample(specs, count, rng, first, last) if specs else []
    places = {p: session.get(Place, p) for p in {s.place_id for s in specs} if p}
    drawn = []
    for number, spec in enumerate(specs):
        position = _position(places.get(spec.place_id or ""), rng)
        recorded = min(spec.occurred_at + timedelta(minutes=rng.randint(0, 20)), cutoff)
        entry_id = stable_id(namespace, plan.id, str(seed), str(count), str(number))
        drawn.append(_Drawn(entry_id, spec, position, recorded))
    return drawn


def generate_entries(
    session: Session,
    plan_id: str,
    *,
    seed: int = 0,
    count: int | None = None,
    until: datetime | None = None,
    profile: Profile = Profile(),
) -> int:
    """Store a generated half-year of entries for a plan; returns how many were stored.

    ``until`` (default: now) cuts the period off, so a current plan gets no future entries.
    ``count`` asks for exactly that many entries with the same mix (benchmarks).
    """
    if count is not None and count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    plan = read_plan(session, plan_id).plan
    drawn = _draw(session, plan, seed=seed, count=count, cutoff=until or utcnow(), profile=profile)
    for item in drawn:
        try:
            log_entry(
                session,
                item.entry_in(plan.id),
                officer_id=plan.officer_id,
                device_id=DEVICE_ID,
                entry_id=item.entry_id,
                recorded_at=item.recorded_at,
                queue=False,
            )
        except Conflict:
            raise Conflict(
                f"entries with seed {seed} were already generated for plan {plan.id[:8]}; "
                "use another --seed"
            ) from None
    return len(drawn)


def store_history(
    session: Session, plan_id: str, *, until: datetime, seed: int = 0, profile: Profile = Profile()
) -> int:
    """Store the plan's demo history recorded before ``until`` that is not stored yet.

    The whole period is drawn whatever ``until`` is, so a later cut-off only adds entries:
    the same plan, seed and profile always give the same entry with the same id and content.
    Rows are written with two bulk inserts (entries, then their first revisions) with
    name-based revision ids, and get server versions in a sync service's store; returns how
    many entries were added.
    """
    plan = read_plan(session, plan_id).plan
    period_end = local_day_bounds(plan.period_end)[1]
    drawn = [
        item
        for item in _draw(
            session,
            plan,
            seed=seed,
            count=None,
            cutoff=period_end,
            profile=profile,
            namespace="demo-history",
        )
        if item.recorded_at < until
    ]
    ids = [item.entry_id for item in drawn]
    stored: set[str] = set()
    for chunk in range(0, len(ids), 500):
        query = select(Entry.id).where(col(Entry.id).in_(ids[chunk : chunk + 500]))
        stored.update(session.exec(query))
    missing = [item for item in drawn if item.entry_id not in stored]
    if not missing:
        return 0
    session.flush()  # the plan and its parents first: they take the lower versions
    now = utcnow()
    heads, revisions = [], []
    for item in missing:
        revision_id = stable_id("demo-history-revision", item.entry_id)
        common = {"officer_id": plan.officer_id, "device_id": DEVICE_ID}
        heads.append(
            {
                **_ENTRY_DEFAULTS,
                "id": item.entry_id,
                "current_revision_id": revision_id,
                "created_at": now,
                **common,
            }
        )
        # fixed data, drawn valid: a demo day set ahead of the real clock (``--date``) must load
        revision = {
            **_REVISION_DEFAULTS,
            **item.fields(plan.id),
            "id": revision_id,
            "entry_id": item.entry_id,
            "recorded_at": item.recorded_at,
            **common,
        }
        revisions.append(revision)
    bind = session.get_bind()
    if assigns_versions(bind.engine if isinstance(bind, Connection) else bind):
        first = allocate(session, len(revisions))  # a sync service's store: pullable at once
        for offset, revision in enumerate(revisions):
            revision["server_version"] = first + offset
    # Core inserts: building two thousand ORM objects took most of `rejon run`'s start-up
    session.execute(insert(Entry), heads)
    session.execute(insert(EntryRevision), revisions)
    return len(missing)


def _column_defaults(model: type[SQLModel]) -> dict[str, object]:
    """The model's plain field defaults (a Core insert does not apply them); fields made by a
    factory (ids, times) are always given."""
    return {
        name: info.default
        for name, info in model.model_fields.items()
        if info.default_factory is None and info.default is not PydanticUndefined
    }


_ENTRY_DEFAULTS = _column_defaults(Entry)
_REVISION_DEFAULTS = _column_defaults(EntryRevision)
