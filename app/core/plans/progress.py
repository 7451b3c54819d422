"""How far a plan is from its goal, and each action from its schedule.

One computation for every place a figure appears — the app's plan screen and charts, the
CLI, the realization report, the exports' cross-checks and the supervisor's overview — so
they can never disagree. Only entry revisions in force count (edits replace, deletes remove).
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import TypeVar

from sqlmodel import Session, col, select

from app.core.i18n import fmt_number, fmt_percent, translator
from app.core.i18n.labels import measure_label
from app.core.model import (
    COUNT_FIELDS,
    Action,
    CriterionKind,
    EntryKind,
    EntryRevision,
    FrequencyUnit,
    Measure,
    Officer,
    Place,
    Plan,
    PlanStatus,
    ServiceArea,
    Unit,
)
from app.core.model.clock import local_day_bounds, local_today, to_local
from app.core.model.enums import ACTION_COUNTER, KIND_COUNTERS
from app.core.schedule.service import TaskMode, due_days, entry_counts_for_action
from app.core.schedule.windows import action_mode, action_window, day_times, unit_bounds
from app.core.store.entries import EntryFigures, counted_total, current_entries, entry_figures
from app.core.store.errors import NotFound
from app.core.store.plans import PlanDocument, read_plan

_ = translator("reports")

Counted = EntryRevision | EntryFigures
"""An entry as progress counts it: the ORM revision (the report's, which it lists too) or the
plain row of its figures (:func:`entry_figures`, what the app and CLI read)."""
CountedT = TypeVar("CountedT", EntryRevision, EntryFigures)


class BaselineSource(StrEnum):
    entered = "entered"
    previous_plan = "previous_plan"


@dataclass(frozen=True)
class CriterionProgress:
    """The criterion's measured state. ``value``/``baseline`` are counts of the measures.

    ``share_done``: at_least — value / target; reduce_by_percent — the share of the allowed
    count already used (value / allowed). ``limit`` is the line the value is held against
    (the target, or the allowed count). ``met`` is decided at the period's end, or earlier
    once it can no longer change (a target already reached, a limit already exceeded).
    """

    kind: CriterionKind
    measures: list[Measure]
    target: int | None
    value: int | None
    baseline: int | None
    share_done: float | None
    elapsed_share: float
    on_track: bool | None
    met: bool | None
    summary: str
    limit: float | None = None
    baseline_source: BaselineSource | None = None
    place_id: str | None = None
    computed_baseline: int | None = None
    """The previous plan's count over the same scope, when there is one (whatever was entered)."""
    baseline_by: str = ""
    """Who entered the baseline (name and badge), when it was entered."""
    baseline_at: datetime | None = None


@dataclass(frozen=True)
class ActionProgress:
    """One action against its schedule: ``done`` of ``due`` so far, in the mode's units.

    daily — days; frequency — occurrences (at most ``freq_times`` per unit count);
    deadline — 1. ``times`` and ``totals`` are over every counting entry of the period.
    """

    action_id: str
    text: str
    kind: EntryKind
    due: int
    done: int
    times: int
    totals: dict[str, int]
    mode: TaskMode = TaskMode.daily
    start: date | None = None
    end: date | None = None
    days: list[date] = field(default_factory=list)
    """Local days with at least one counting entry, in order."""


@dataclass(frozen=True)
class WeekCount:
    """Entries of a plan in one ISO week (starting ``week_start``, a Monday), by kind."""

    week_start: date
    counts: dict[EntryKind, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class PlanProgress:
    plan_id: str
    criterion: CriterionProgress
    actions: list[ActionProgress]
    series: list[tuple[date, int]]
    """The criterion's measure, cumulative by day, from the period's start to ``as_of``."""
    weekly: list[WeekCount] = field(default_factory=list)
    period_start: date | None = None
    period_end: date | None = None
    as_of: date | None = None
    """The last day counted: ``today`` clamped into the period."""
    entries: int = 0
    """Entries of the plan in force within its period."""
    totals: dict[str, int] = field(default_factory=dict)
    """Every counter summed over those entries."""


@dataclass(frozen=True)
class ActionLag:
    """An action short of its schedule on the days already over: ``missed`` occurrences
    (days, or times in a finished week or month); ``overdue``: a deadline passed undone."""

    action_id: str
    text: str
    missed: int
    overdue: bool


@dataclass(frozen=True)
class OverviewRow:
    """One plan as the supervisor's overview lists it; ``lagging``: its actions behind
    (a plan in force only), most missed first."""

    plan_id: str
    title: str
    area_number: str
    area_name: str
    officer_badge: str
    officer_name: str
    period_start: date
    period_end: date
    status: PlanStatus
    criterion: CriterionProgress
    lagging: tuple[ActionLag, ...] = ()


@dataclass(frozen=True)
class CounterUse:
    """What one counter of the log form feeds, for the plan and action chosen.

    ``goal``: the plan's criterion sums it. ``actions``: the plan's actions an entry with
    this counter above zero fulfils (the chosen one included), by id. ``usual``: entries of
    the chosen kind usually fill it.
    """

    name: str
    goal: bool
    actions: tuple[str, ...]
    usual: bool

    @property
    def counts(self) -> bool:
        return self.goal or bool(self.actions)


def form_counters(
    plan: Plan | None, actions: Sequence[Action], kind: EntryKind, action_id: str | None
) -> list[CounterUse]:
    """Every entry counter in the order the log form shows it: those that count towards the
    goal first, then those that fulfil an action, then the ones the kind usually fills
    (``KIND_COUNTERS``), then the rest.

    An action counts a counter when it is the action's own (``ACTION_COUNTER``) and an entry
    with it fulfils the action (see ``entry_counts_for_action``): the chosen action, an action
    of another kind, or one of this kind while the entry is linked to none.
    """
    goal = (
        set(counter_measures(plan.criterion_measures))
        if plan is not None and plan.criterion_kind != CriterionKind.qualitative
        else set()
    )
    kind = EntryKind(kind)
    fulfils: dict[str, list[str]] = defaultdict(list)
    for action in actions:
        counter = ACTION_COUNTER.get(EntryKind(action.kind))
        if counter is None or (plan is not None and action.plan_id != plan.id):
            continue
        same_kind_elsewhere = action.kind == kind and action_id not in (None, action.id)
        if not same_kind_elsewhere:
            fulfils[counter].append(action.id)
    usual = KIND_COUNTERS[kind]
    uses = [
        CounterUse(name, name in goal, tuple(fulfils.get(name, ())), name in usual)
        for name in COUNT_FIELDS
    ]

    def rank(use: CounterUse) -> tuple[int, int]:
        group = 0 if use.goal else 1 if use.actions else 2 if use.usual else 3
        within = usual.index(use.name) if use.usual else COUNT_FIELDS.index(use.name)
        return group, within

    return sorted(uses, key=rank)


def counter_measures(measures: Iterable[Measure | str]) -> list[str]:
    """The measures that entries count (``kmzb_reports`` comes from elsewhere)."""
    return [str(m) for m in measures if str(m) in COUNT_FIELDS]


def measure_sum(entry: Counted, measures: Sequence[str]) -> int:
    return sum(getattr(entry, name) for name in measures)


def entry_day(entry: Counted) -> date:
    """The local (Warsaw) calendar day an entry happened on."""
    return to_local(entry.occurred_at).date()


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """UTC instants [since, until) covering local days ``start`` … ``end``."""
    return local_day_bounds(start)[0], local_day_bounds(end)[1]


def elapsed_share(plan: Plan, today: date) -> float:
    """The share of the period's days begun by ``today`` (the start day counts as one)."""
    total = (plan.period_end - plan.period_start).days + 1
    if today < plan.period_start:
        return 0.0
    elapsed = (min(today, plan.period_end) - plan.period_start).days + 1
    return elapsed / total


def _bounds(plan: Plan, last_day: date | None) -> tuple[datetime, datetime]:
    end = plan.period_end if last_day is None else min(last_day, plan.period_end)
    return period_bounds(plan.period_start, end)


def _in_order(rows: list[CountedT]) -> list[CountedT]:
    return sorted(rows, key=lambda e: (e.occurred_at, e.entry_id))


def plan_entries(session: Session, plan: Plan, last_day: date | None = None) -> list[EntryRevision]:
    """The plan's entries in force within its period (up to ``last_day``), oldest first."""
    since, until = _bounds(plan, last_day)
    return _in_order(current_entries(session, plan_id=plan.id, since=since, until=until))


def plan_figures(session: Session, plan: Plan, last_day: date | None = None) -> list[EntryFigures]:
    """What :func:`plan_entries` gives, as plain rows of the figures progress counts."""
    since, until = _bounds(plan, last_day)
    return _in_order(entry_figures(session, plan_id=plan.id, since=since, until=until))


def criterion_entries(
    session: Session, plan: Plan, last_day: date | None = None, place_id: str | None = None
) -> list[EntryFigures]:
    """Entries the criterion counts: every entry at the criterion place, else the plan's.

    ``place_id`` overrides the plan's own place (a previous plan measured at this one's).
    """
    place_id = place_id or plan.criterion_place_id
    if place_id is None:
        return plan_figures(session, plan, last_day)
    since, until = _bounds(plan, last_day)
    return _in_order(entry_figures(session, place_id=place_id, since=since, until=until))


def previous_plan(session: Session, plan: Plan) -> Plan | None:
    """The plan of the same area whose period ends the day before this one starts.

    Approved or closed plans win over drafts when an area has several candidates.
    """
    query = select(Plan).where(
        Plan.area_id == plan.area_id,
        Plan.period_end == plan.period_start - timedelta(days=1),
        Plan.id != plan.id,
    )
    rank = {PlanStatus.closed: 0, PlanStatus.approved: 1}
    candidates = sorted(session.exec(query), key=lambda p: (rank.get(p.status, 2), p.id))
    return candidates[0] if candidates else None


def computed_baseline(session: Session, plan: Plan) -> int | None:
    """The previous plan's count of this plan's measures over the same scope (the place, or
    the plan's entries). A previous period with no entries in scope at all gives none: it
    means the period was not recorded here, not that nothing happened."""
    previous = previous_plan(session, plan)
    if previous is None:
        return None
    since, until = _bounds(previous, None)
    scope = (
        {"plan_id": previous.id}
        if plan.criterion_place_id is None
        else {"place_id": plan.criterion_place_id}
    )
    measures = counter_measures(plan.criterion_measures)
    count, total = counted_total(session, measures, since=since, until=until, **scope)
    return total if count else None


def baseline_for(session: Session, plan: Plan) -> tuple[int | None, BaselineSource | None]:
    """The entered baseline (a correction wins), else the previous plan's count."""
    if plan.criterion_baseline is not None:
        return plan.criterion_baseline, BaselineSource.entered
    computed = computed_baseline(session, plan)
    return computed, (BaselineSource.previous_plan if computed is not None else None)


def _measures_text(plan: Plan) -> str:
    return " + ".join(measure_label(m) for m in plan.criterion_measures)


def _uncounted_note(plan: Plan) -> str:
    missing = [m for m in plan.criterion_measures if str(m) not in COUNT_FIELDS]
    if not missing:
        return ""
    names = ", ".join(measure_label(m) for m in missing)
    return " " + _("({names} not recorded in entries, not counted.)", names=names)


def _at_least(plan: Plan, value: int, elapsed: float, ended: bool) -> CriterionProgress:
    target = plan.criterion_target or 0
    expected = target * elapsed
    on_track = value >= expected
    met: bool | None = True if value >= target else (False if ended else None)
    head = _(
        "{measures}: {value} of {target} ({share})",
        measures=_measures_text(plan),
        value=fmt_number(value),
        target=fmt_number(target),
        share=fmt_percent(value / target),
    )
    if met is True:
        state = _("goal met") if ended else _("goal already met")
    elif met is False:
        state = _("goal not met")
    elif on_track:
        state = _("on track (expected {expected} by now)", expected=fmt_number(round(expected, 1)))
    else:
        state = _(
            "behind schedule (expected {expected} by now)", expected=fmt_number(round(expected, 1))
        )
    return CriterionProgress(
        kind=CriterionKind.at_least,
        measures=[Measure(m) for m in plan.criterion_measures],
        target=target,
        value=value,
        baseline=None,
        share_done=value / target,
        elapsed_share=elapsed,
        on_track=on_track,
        met=met,
        summary=f"{head} — {state}.{_uncounted_note(plan)}",
        limit=float(target),
        place_id=plan.criterion_place_id,
    )


def _reduce(
    plan: Plan,
    value: int,
    baseline: int | None,
    source: BaselineSource | None,
    elapsed: float,
    ended: bool,
    place_name: str | None,
) -> CriterionProgress:
    percent = plan.criterion_target or 0
    where = _(" at {place}", place=place_name) if place_name else ""
    common = {
        "kind": CriterionKind.reduce_by_percent,
        "measures": [Measure(m) for m in plan.criterion_measures],
        "target": percent,
        "value": value,
        "elapsed_share": elapsed,
        "place_id": plan.criterion_place_id,
    }
    if baseline is None:
        summary = _(
            "{measures}{where}: {value} this period; no baseline data — enter the previous "
            "period's figure to measure the −{percent}% target.",
            measures=_measures_text(plan),
            where=where,
            value=fmt_number(value),
            percent=percent,
        )
        return CriterionProgress(
            baseline=None,
            share_done=None,
            on_track=None,
            met=None,
            summary=summary + _uncounted_note(plan),
            **common,
        )
    allowed = baseline * (1 - percent / 100)
    on_track = value <= allowed * elapsed
    met: bool | None = False if value > allowed else (True if ended else None)
    head = _(
        "{measures}{where}: {value} this period against {baseline} in the previous one "
        "(target −{percent}%, at most {allowed})",
        measures=_measures_text(plan),
        where=where,
        value=fmt_number(value),
        baseline=fmt_number(baseline),
        percent=percent,
        allowed=fmt_number(allowed),
    )
    if met is True:
        state = _("goal met")
    elif met is False:
        state = _("goal not met") if ended else _("limit already exceeded")
    elif on_track:
        state = _("on track")
    else:
        state = _(
            "above the pace allowed so far ({allowed} by now)",
            allowed=fmt_number(round(allowed * elapsed, 1)),
        )
    if source is BaselineSource.previous_plan:
        state += " " + _("(baseline from the previous plan's entries)")
    return CriterionProgress(
        baseline=baseline,
        share_done=value / allowed if allowed > 0 else None,
        on_track=on_track,
        met=met,
        summary=f"{head} — {state}.{_uncounted_note(plan)}",
        limit=allowed,
        baseline_source=source,
        **common,
    )


def criterion_progress(
    session: Session, plan: Plan, entries: Sequence[Counted], today: date
) -> CriterionProgress:
    """The criterion over ``entries`` (those :func:`criterion_entries` gives)."""
    elapsed = elapsed_share(plan, today)
    ended = today >= plan.period_end
    if plan.criterion_kind == CriterionKind.qualitative:
        return CriterionProgress(
            kind=CriterionKind.qualitative,
            measures=[Measure(m) for m in plan.criterion_measures],
            target=None,
            value=None,
            baseline=None,
            share_done=None,
            elapsed_share=elapsed,
            on_track=None,
            met=None,
            summary=_("Qualitative goal: the plan sets no numeric criterion to measure."),
        )
    measures = counter_measures(plan.criterion_measures)
    value = sum(measure_sum(e, measures) for e in entries)
    if plan.criterion_kind == CriterionKind.at_least:
        return _at_least(plan, value, elapsed, ended)
    baseline, source = baseline_for(session, plan)
    place = session.get(Place, plan.criterion_place_id) if plan.criterion_place_id else None
    progress = _reduce(plan, value, baseline, source, elapsed, ended, place.name if place else None)
    entered = source is BaselineSource.entered
    return replace(
        progress,
        computed_baseline=baseline
        if source is BaselineSource.previous_plan
        else (computed_baseline(session, plan) if entered else None),
        baseline_by=plan.criterion_baseline_by if entered else "",
        baseline_at=plan.criterion_baseline_at if entered else None,
    )


def service_day(
    action: Action, moment: datetime, span_start: Callable[[date], datetime] | None = None
) -> date:
    """The action's day an instant belongs to, as the schedule counts it: the early hours of a
    window that crosses midnight (21:00–02:00) belong to the night that began the day before.

    ``span_start``: the action's window start on a day, when the caller keeps them."""
    local = to_local(moment)
    day = local.date()
    start = span_start(day) if span_start else day_times(action, day).span_start
    return day - timedelta(days=1) if local < start else day


def frequency_units(unit: FrequencyUnit, first: date, last: date) -> list[tuple[date, date]]:
    """Calendar units (days, ISO weeks, months) overlapping ``first`` … ``last``, clipped."""
    units = []
    day = first
    while day <= last:
        unit_start, unit_end = unit_bounds(day, unit)
        units.append((max(unit_start, first), min(unit_end, last)))
        day = unit_end + timedelta(days=1)
    return units


def _frequency_figures(
    action: Action, per_day: Counter[date], first: date, last_so_far: date
) -> tuple[int, int]:
    assert action.freq_times is not None and action.freq_per is not None
    due = done = 0
    for unit_start, unit_end in frequency_units(action.freq_per, first, last_so_far):
        count = sum(n for day, n in per_day.items() if unit_start <= day <= unit_end)
        due += action.freq_times
        done += min(count, action.freq_times)
    return due, done


def _counting(
    action: Action, plan: Plan, entries: Sequence[Counted]
) -> tuple[list[Counted], Counter[date]]:
    """The entries that count for the action, and how many fall on each of its service days."""
    counting = [e for e in entries if entry_counts_for_action(e, action, plan)]
    span_start = cache(lambda day: day_times(action, day).span_start)
    return counting, Counter(service_day(action, e.occurred_at, span_start) for e in counting)


def action_lag(
    action: Action, plan: Plan, entries: Sequence[Counted], today: date
) -> ActionLag | None:
    """What the action missed on the days before ``today`` (a day, week or month still under
    way is not missed yet); ``None`` when nothing was."""
    _entries, per_day = _counting(action, plan, entries)
    mode = action_mode(action)
    first, last = action_window(action, plan)
    if mode is TaskMode.deadline:
        missed = int(last < today and not any(day >= first for day in per_day))
    elif mode is TaskMode.frequency:
        assert action.freq_times is not None and action.freq_per is not None
        missed = sum(
            max(0, action.freq_times - sum(n for d, n in per_day.items() if start <= d <= end))
            for start, end in frequency_units(action.freq_per, first, last)
            if end < today
        )
    else:
        yesterday = min(last, today - timedelta(days=1))
        due = due_days(action, plan, first, yesterday) if yesterday >= first else []
        missed = len(set(due) - per_day.keys())
    if not missed:
        return None
    return ActionLag(action.id, action.text, missed, overdue=mode is TaskMode.deadline)


def action_progress(
    action: Action, plan: Plan, entries: Sequence[Counted], today: date
) -> ActionProgress:
    """One action's figures from the plan's entries in force (see :class:`ActionProgress`)."""
    counting, per_day = _counting(action, plan, entries)
    mode = action_mode(action)
    first, last = action_window(action, plan)
    last_so_far = min(last, today)
    if mode is TaskMode.deadline:
        done = 1 if any(day >= first for day in per_day) else 0
        due = 1 if done or today >= first else 0
    elif mode is TaskMode.frequency:
        due, done = _frequency_figures(action, per_day, first, last_so_far)
    else:
        due_list = due_days(action, plan, first, last_so_far) if last_so_far >= first else []
        due, done = len(due_list), len(set(due_list) & per_day.keys())
    totals = {name: sum(getattr(e, name) for e in counting) for name in COUNT_FIELDS}
    return ActionProgress(
        action_id=action.id,
        text=action.text,
        kind=EntryKind(action.kind),
        due=due,
        done=done,
        times=len(counting),
        totals=totals,
        mode=mode,
        start=first,
        end=last,
        days=sorted(per_day),
    )


def cumulative_series(
    entries: Sequence[Counted], measures: Sequence[str], start: date, as_of: date
) -> list[tuple[date, int]]:
    """The measure summed up to and including each day from ``start`` to ``as_of``."""
    per_day: dict[date, int] = defaultdict(int)
    for entry in entries:
        per_day[entry_day(entry)] += measure_sum(entry, measures)
    series, running, day = [], 0, start
    while day <= as_of:
        running += per_day.get(day, 0)
        series.append((day, running))
        day += timedelta(days=1)
    return series


def weekly_counts(entries: Sequence[Counted], start: date, as_of: date) -> list[WeekCount]:
    """Entries per ISO week by kind, every week from ``start``'s to ``as_of``'s (zeros kept)."""
    if as_of < start:
        return []
    by_week: dict[date, Counter[EntryKind]] = defaultdict(Counter)
    for entry in entries:
        day = entry_day(entry)
        by_week[day - timedelta(days=day.weekday())][EntryKind(entry.kind)] += 1
    week = start - timedelta(days=start.weekday())
    weeks = []
    while week <= as_of:
        weeks.append(WeekCount(week, dict(by_week.get(week, Counter()))))
        week += timedelta(weeks=1)
    return weeks


def plan_progress(session: Session, plan_id: str, today: date | None = None) -> PlanProgress:
    """Everything the app, the CLI and the report show about a plan's progress on ``today``."""
    doc = read_plan(session, plan_id)
    today = today or local_today()
    entries = plan_figures(session, doc.plan, min(today, doc.plan.period_end))
    return progress_of(session, doc, entries, today)


def progress_of(
    session: Session, doc: PlanDocument, entries: Sequence[Counted], today: date
) -> PlanProgress:
    """Progress from a plan already read and its entries up to ``min(today, period_end)``
    (as :func:`plan_entries` or :func:`plan_figures` give them): the report reads both once
    and reuses them."""
    plan = doc.plan
    as_of = min(today, plan.period_end)
    scope = entries if plan.criterion_place_id is None else criterion_entries(session, plan, as_of)
    measures = counter_measures(plan.criterion_measures)
    series = (
        cumulative_series(scope, measures, plan.period_start, as_of)
        if plan.criterion_kind != CriterionKind.qualitative
        else []
    )
    return PlanProgress(
        plan_id=plan.id,
        criterion=criterion_progress(session, plan, scope, today),
        actions=[action_progress(a, plan, entries, today) for a in doc.actions],
        series=series,
        weekly=weekly_counts(entries, plan.period_start, as_of),
        period_start=plan.period_start,
        period_end=plan.period_end,
        as_of=as_of,
        entries=len(entries),
        totals={name: sum(getattr(e, name) for e in entries) for name in COUNT_FIELDS},
    )


def unit_overview(session: Session, unit_id: str, today: date | None = None) -> list[OverviewRow]:
    """Every plan of a unit's areas with its headline progress, for the supervisor."""
    if session.get(Unit, unit_id) is None:
        raise NotFound(f"no unit {unit_id}")
    today = today or local_today()
    areas = {
        a.id: a for a in session.exec(select(ServiceArea).where(ServiceArea.unit_id == unit_id))
    }
    query = (
        select(Plan)
        .where(col(Plan.area_id).in_(list(areas)))
        .order_by(col(Plan.period_start).desc(), Plan.id)
    )
    plans = sorted(session.exec(query), key=lambda p: areas[p.area_id].number)
    rows = []
    for plan in plans:
        area = areas[plan.area_id]
        officer = session.get(Officer, plan.officer_id)
        scope = criterion_entries(session, plan, today)
        criterion = criterion_progress(session, plan, scope, today)
        rows.append(
            OverviewRow(
                plan_id=plan.id,
                title=plan.title,
                area_number=area.number_text,
                area_name=area.name,
                officer_badge=officer.badge if officer else "",
                officer_name=officer.name if officer else "",
                period_start=plan.period_start,
                period_end=plan.period_end,
                status=PlanStatus(plan.status),
                criterion=criterion,
                lagging=lagging_actions(session, plan, today),
            )
        )
    return rows


def lag_text(lag: ActionLag) -> str:
    """One action behind, in words: the app's overview and the CLI say it alike."""
    if lag.overdue:
        return _("{action} — deadline passed", action=lag.text)
    return _("{action} — missing: {count}", action=lag.text, count=lag.missed)


def lagging_actions(session: Session, plan: Plan, today: date) -> tuple[ActionLag, ...]:
    """The actions of an approved plan in force that are behind, most missed first."""
    if plan.status != PlanStatus.approved or not plan.period_start <= today <= plan.period_end:
        return ()
    doc = read_plan(session, plan.id)
    entries = plan_figures(session, plan, today)
    lags = [lag for a in doc.actions if (lag := action_lag(a, plan, entries, today))]
    return tuple(sorted(lags, key=lambda lag: (not lag.overdue, -lag.missed)))


class Attention(StrEnum):
    """What a plan of the unit asks of its supervisor, most pressing first."""

    to_review = "to_review"
    """Submitted: waits for the supervisor's decision."""
    behind = "behind"
    no_data = "no_data"
    """In force, but nothing measured yet to tell its pace (not the same as behind)."""
    not_started = "not_started"
    """Approved, its period not begun: neither behind nor on track."""
    on_track = "on_track"
    with_officer = "with_officer"
    """A draft, or returned: the officer's turn."""
    closed = "closed"


_ATTENTION_ORDER = list(Attention)


def attention(row: OverviewRow, today: date) -> Attention:
    if row.status == PlanStatus.submitted:
        return Attention.to_review
    if row.status in (PlanStatus.draft, PlanStatus.returned):
        return Attention.with_officer
    if row.status == PlanStatus.closed or row.period_end < today:
        return Attention.closed
    if row.period_start > today:
        return Attention.not_started
    if row.criterion.on_track is None:
        return Attention.no_data
    return Attention.on_track if row.criterion.on_track else Attention.behind


def by_attention(rows: list[OverviewRow], today: date) -> list[OverviewRow]:
    """The unit's plans, what needs the supervisor first: to review, behind, no data, not
    started, on track, with the officer, then the closed ones (newest first); within each,
    the most action occurrences missed first, then by area, as ``unit_overview`` lists them.
    The state follows the criterion; the actions behind are shown beside it."""

    def key(pair: tuple[int, OverviewRow]) -> tuple[int, int, int, int]:
        index, row = pair
        state = attention(row, today)
        newest = -row.period_end.toordinal() if state == Attention.closed else 0
        missed = -sum(lag.missed for lag in row.lagging)
        return (_ATTENTION_ORDER.index(state), newest, missed, index)

    ranked = sorted(enumerate(rows), key=key)
    return [row for _index, row in ranked]


def days_left(row: OverviewRow, today: date) -> int | None:
    """Days to the plan's end, today counted, for a plan in force; ``None`` otherwise."""
    if row.period_start <= today <= row.period_end and row.status == PlanStatus.approved:
        return (row.period_end - today).days + 1
    return None


def find_unit(session: Session, *, name: str | None = None, badge: str | None = None) -> Unit:
    """A unit by (part of) its name or city, or the unit of the officer with ``badge``."""
    if badge:
        officer = session.exec(select(Officer).where(Officer.badge == badge)).first()
        if officer is None:
            raise NotFound(f"no officer with badge {badge}")
        unit = session.get(Unit, officer.unit_id)
        if unit is None:
            raise NotFound(f"officer {badge} has no unit")
        return unit
    if not name or not name.strip():
        raise ValueError("give a unit name or a supervisor's badge")
    needle = name.strip().casefold()
    units = list(session.exec(select(Unit)))
    exact = [u for u in units if needle in (u.name.casefold(), u.city.casefold())]
    matches = exact or [u for u in units if needle in f"{u.name} {u.city}".casefold()]
    if len(matches) != 1:
        raise NotFound(f"{len(matches)} units match {name!r}")
    return matches[0]
