"""What is due on a day: the tasks of the approved plans, with their status from the entries.

Three kinds of task come from a plan's actions:

- *daily* — every day of the action's window (on its weekdays), within its hours if any;
  done once an entry of that service day counts for it, overdue once its hours have passed;
- *deadline* — shown from the action's start until it is done; done by an entry at any time
  from its start, overdue after the deadline if never done;
- *frequency* — n times per day / ISO week / month: "done 1 of 2 this week", overdue only
  when the unit's last day has passed short of n.

An entry counts for the service day it falls in (see ``windows``) whatever its hour: the
hours only say when a task is open and when it is missed. A day is judged as of ``now``
(default: the current instant) clamped to that day: a past day is seen as finished, a future
day as not yet begun. Between midnight and the end of a night window (21:00–02:00) the
previous day's night task is the one shown, open now.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from functools import lru_cache

from sqlalchemy import Select, bindparam
from sqlmodel import Session, col, select

from app.core.model import Action, EntryKind, FrequencyUnit, Plan, PlanStatus
from app.core.model.clock import LOCAL_TZ, to_utc, utcnow
from app.core.schedule.counting import CountRange, count_ranges, entry_counts_for_action
from app.core.schedule.windows import (
    ONE_DAY,
    TaskMode,
    action_mode,
    action_window,
    crosses_midnight,
    day_times,
    due_days,
    is_due,
    unit_bounds,
)

__all__ = [
    "Task",
    "TaskMode",
    "TaskStatus",
    "due_days",
    "entry_counts_for_action",
    "tasks_for_day",
]


class TaskStatus(StrEnum):
    todo = "todo"
    done = "done"
    overdue = "overdue"


_STATUS_ORDER = {TaskStatus.overdue: 0, TaskStatus.todo: 1, TaskStatus.done: 2}


@dataclass(frozen=True)
class Task:
    """One thing due on ``day``: what, where, when, how many are needed and how many are done.

    ``due`` is the last day to do it (a deadline task's deadline, a frequency task's end of
    week or month; None for a daily task). ``done`` counts entries up to ``required``.
    ``open_now`` is true while ``now`` lies within the task's hours (tasks with hours only).
    """

    plan_id: str
    action_id: str
    text: str
    kind: EntryKind
    place_id: str | None
    mode: TaskMode
    day: date
    time_from: time | None
    time_to: time | None
    due: date | None
    required: int
    done: int
    status: TaskStatus
    open_now: bool
    per: FrequencyUnit | None = None
    """A frequency task's unit (day / week / month), for 'done 1 of 2 this week'."""


@dataclass(frozen=True)
class _Pending:
    """A task before its entries are counted: the ranges to count and how to judge them."""

    plan: Plan
    action: Action
    mode: TaskMode
    day: date
    due: date | None
    required: int
    ranges: tuple[CountRange, ...]
    overdue_after: datetime
    """Not done by this instant means overdue."""


def _visible_on(action: Action, plan: Plan, day: date) -> bool:
    """Whether the action has a task on ``day`` (before counting whether it is already done).

    A missed deadline stays on the list every day until the plan ends.
    """
    if not plan.period_start <= day <= plan.period_end:
        return False
    if action_mode(action) == TaskMode.deadline and day > action_window(action, plan)[1]:
        return True
    return is_due(action, plan, day)


def _task_day(action: Action, plan: Plan, day: date, now: datetime) -> date | None:
    """The service day whose task the action shows on ``day``: ``day`` itself or, after midnight
    while last night's window is still open, the night that began the day before."""
    if crosses_midnight(action) and now.astimezone(LOCAL_TZ).date() == day:
        night = day - ONE_DAY
        times = day_times(action, night)
        if times.open_from <= now < times.open_until and _visible_on(action, plan, night):
            return night
    return day if _visible_on(action, plan, day) else None


def _pending(action: Action, plan: Plan, day: date) -> _Pending:
    mode = action_mode(action)
    times = day_times(action, day)
    start, end = action_window(action, plan)

    def counting(since: datetime, cap: int) -> CountRange:
        return CountRange(plan.id, action.id, action.kind, since, times.span_end, cap)

    if mode == TaskMode.daily:
        ranges = (counting(times.span_start, 1),)
        return _Pending(plan, action, mode, day, None, 1, ranges, times.open_until)
    if mode == TaskMode.deadline:
        # [0]: done on an earlier day (then the task is gone); [1]: done on this day
        earlier = CountRange(
            plan.id,
            action.id,
            action.kind,
            day_times(action, start).span_start,
            times.span_start,
            1,
        )
        ranges = (earlier, counting(times.span_start, 1))
        overdue_after = day_times(action, end).open_until
        return _Pending(plan, action, mode, day, end, 1, ranges, overdue_after)
    first, last = unit_bounds(day, action.freq_per)  # type: ignore[arg-type]
    first, last = max(first, start), min(last, end)
    required = action.freq_times or 1
    ranges = (counting(day_times(action, first).span_start, required),)
    overdue_after = day_times(action, last).open_until
    return _Pending(plan, action, mode, day, last, required, ranges, overdue_after)


def _judge(pending: _Pending, counts: Sequence[int], now: datetime) -> Task | None:
    """The task with its status, or None when a deadline task was already done earlier."""
    action = pending.action
    if pending.mode == TaskMode.deadline:
        done_earlier, done = counts
        if done_earlier:
            return None
    else:
        (done,) = counts
    times = day_times(action, pending.day)
    moment = min(max(now, times.span_start), times.span_end)
    if done >= pending.required:
        status = TaskStatus.done
    elif moment >= pending.overdue_after:
        status = TaskStatus.overdue
    else:
        status = TaskStatus.todo
    return Task(
        plan_id=pending.plan.id,
        action_id=action.id,
        text=action.text,
        kind=action.kind,
        place_id=action.place_id,
        mode=pending.mode,
        day=pending.day,
        time_from=action.time_from,
        time_to=action.time_to,
        due=pending.due,
        required=pending.required,
        done=done,
        status=status,
        open_now=times.timed and times.open_from <= now < times.open_until,
        per=action.freq_per if pending.mode == TaskMode.frequency else None,
    )


@lru_cache(maxsize=8)
def _actions_query(by_officer: bool, by_plans: bool) -> Select:
    """Actions of the approved plans running on ``day`` (or ending the day before, for last
    night's window), in plan and action order; built once per shape, then only bound."""
    query = (
        select(Action, Plan)
        .join(Plan, col(Plan.id) == col(Action.plan_id))
        .where(
            Plan.status == PlanStatus.approved,
            col(Plan.period_start) <= bindparam("day"),
            col(Plan.period_end) >= bindparam("day_before"),
        )
    )
    if by_officer:
        query = query.where(Plan.officer_id == bindparam("officer_id"))
    if by_plans:
        query = query.where(col(Plan.id).in_(bindparam("plan_ids", expanding=True)))
    return query.order_by(
        col(Plan.period_start), col(Plan.title), col(Plan.id), col(Action.position)
    )


def _active_actions(
    session: Session, day: date, officer_id: str | None, plan_ids: list[str] | None
) -> list[tuple[Action, Plan]]:
    query = _actions_query(officer_id is not None, plan_ids is not None)
    params = {
        "day": day,
        "day_before": day - ONE_DAY,
        "officer_id": officer_id,
        "plan_ids": plan_ids,
    }
    return [(action, plan) for action, plan in session.exec(query, params=params)]


def tasks_for_day(
    session: Session,
    day: date,
    *,
    officer_id: str | None = None,
    plan_ids: list[str] | None = None,
    now: datetime | None = None,
) -> list[Task]:
    """The tasks of the approved plans on ``day``: open now first, then overdue, to do, done.

    ``now`` (aware, or naive Warsaw time) is the moment the day is judged at.
    """
    now = to_utc(now) if now is not None else utcnow()
    pending = []
    for action, plan in _active_actions(session, day, officer_id, plan_ids):
        task_day = _task_day(action, plan, day, now)
        if task_day is not None:
            pending.append(_pending(action, plan, task_day))
    counts = count_ranges(session, [r for p in pending for r in p.ranges])
    tasks, offset = [], 0
    for item in pending:
        task = _judge(item, counts[offset : offset + len(item.ranges)], now)
        offset += len(item.ranges)
        if task is not None:
            tasks.append(task)
    # sorted() is stable: within a group, tasks keep their plan and action order
    return sorted(tasks, key=lambda t: (not t.open_now, _STATUS_ORDER[t.status]))
