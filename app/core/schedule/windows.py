"""When an action can be done: its date window, its due days and each day's hours.

Every instant belongs to exactly one *service day* of an action. For ordinary hours
(7:00–22:00) or none, that is the calendar day. For hours that cross midnight (21:00–02:00)
the service day D runs from D 02:00 to D+1 02:00, so a check logged at 01:00 on D+1 is part
of D's night. Local times are Europe/Warsaw; every instant returned here is aware UTC.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from dateutil.relativedelta import relativedelta
from dateutil.rrule import DAILY, rrule

from app.core.model import Action, FrequencyUnit, Plan
from app.core.model.clock import LOCAL_TZ, to_utc

ONE_DAY = timedelta(days=1)


class TaskMode(StrEnum):
    """How an action is due: every day of its window, once by a deadline, or n times per unit."""

    daily = "daily"
    deadline = "deadline"
    frequency = "frequency"


def action_mode(action: Action) -> TaskMode:
    if action.deadline:
        return TaskMode.deadline
    if action.freq_times and action.freq_per:
        return TaskMode.frequency
    return TaskMode.daily


def action_window(action: Action, plan: Plan) -> tuple[date, date]:
    """The action's first and last day; unset ends fall back to the plan's period."""
    return action.start_date or plan.period_start, action.end_date or plan.period_end


def crosses_midnight(action: Action) -> bool:
    """21:00–02:00 ends on the next day; equal ends mean a full 24 hours from that time."""
    return (
        action.time_from is not None
        and action.time_to is not None
        and action.time_to <= action.time_from
    )


def _instant(day: date, at: time) -> datetime:
    """A local wall-clock time on a day, as aware UTC (DST gaps resolve like zoneinfo does)."""
    return to_utc(datetime.combine(day, at, LOCAL_TZ))


def day_rule(
    action: Action, plan: Plan, start: date | None = None, end: date | None = None
) -> rrule:
    """The recurrence of the action's days: daily within its window, on its weekdays only."""
    first, last = action_window(action, plan)
    first, last = max(first, start or first), min(last, end or last)
    return rrule(
        DAILY,
        dtstart=datetime.combine(first, time.min),
        until=datetime.combine(last, time.min),
        byweekday=tuple(action.weekdays) if action.weekdays else None,
    )


def due_days(
    action: Action, plan: Plan, start: date | None = None, end: date | None = None
) -> list[date]:
    """The days the action can be done: its window, on its weekdays, clipped to [start, end].

    For a daily action these are the days it is due; a deadline or frequency action is
    shown on these days until it is done.
    """
    return [moment.date() for moment in day_rule(action, plan, start, end)]


def is_due(action: Action, plan: Plan, day: date) -> bool:
    return bool(due_days(action, plan, day, day))


@dataclass(frozen=True)
class DayTimes:
    """An action's instants on one service day (aware UTC)."""

    span_start: datetime
    span_end: datetime
    open_from: datetime
    open_until: datetime
    timed: bool


def day_times(action: Action, day: date) -> DayTimes:
    """The service day (whose entries count for it) and the hours it is open on ``day``."""
    if action.time_from is None or action.time_to is None:
        start, end = _instant(day, time.min), _instant(day + ONE_DAY, time.min)
        return DayTimes(start, end, start, end, timed=False)
    if crosses_midnight(action):
        return DayTimes(
            span_start=_instant(day, action.time_to),
            span_end=_instant(day + ONE_DAY, action.time_to),
            open_from=_instant(day, action.time_from),
            open_until=_instant(day + ONE_DAY, action.time_to),
            timed=True,
        )
    return DayTimes(
        span_start=_instant(day, time.min),
        span_end=_instant(day + ONE_DAY, time.min),
        open_from=_instant(day, action.time_from),
        open_until=_instant(day, action.time_to),
        timed=True,
    )


def unit_bounds(day: date, unit: FrequencyUnit) -> tuple[date, date]:
    """The first and last day of the day, ISO week (Mon–Sun) or calendar month holding ``day``."""
    if unit == FrequencyUnit.day:
        return day, day
    if unit == FrequencyUnit.week:
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    first = day.replace(day=1)
    return first, first + relativedelta(months=1, days=-1)
