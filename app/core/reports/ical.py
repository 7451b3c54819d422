"""A plan as an iCalendar file, so the officer sees its actions in the phone's calendar.

One event per action, with the action's id as its UID: importing the file again after the
plan changes updates the events instead of duplicating them.
"""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from icalendar import Alarm, Calendar, Event, Timezone, vRecur
from sqlmodel import Session

from app.core.i18n import translator
from app.core.i18n.labels import frequency_label, kind_label
from app.core.model import Action, FrequencyUnit, Place, Plan
from app.core.model.clock import LOCAL_TZ, to_local, to_utc
from app.core.plans.render import action_when
from app.core.schedule.windows import (
    ONE_DAY,
    TaskMode,
    action_mode,
    action_window,
    crosses_midnight,
    due_days,
)
from app.core.store.plans import read_plan

_ = translator("schedule")

PRODID = "-//Rejon//Plan działania priorytetowego//PL"
_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_FREQ = {FrequencyUnit.day: "DAILY", FrequencyUnit.week: "WEEKLY", FrequencyUnit.month: "MONTHLY"}
DEADLINE_REMINDER = timedelta(days=7)


def _recurrence(freq: str, until: date | datetime, weekdays: list[int] | None) -> vRecur:
    rule: dict[str, Any] = {"FREQ": freq, "UNTIL": until}
    if weekdays:
        rule["BYDAY"] = [_BYDAY[day] for day in weekdays]
    return vRecur(rule)


def _daily_event(event: Event, action: Action, days: list[date]) -> None:
    """Every due day, at the action's hours (a night window ends the next morning)."""
    first, last = days[0], days[-1]
    if action.time_from is None or action.time_to is None:
        event.add("dtstart", first)
        event.add("dtend", first + ONE_DAY)
        event.add("rrule", _recurrence("DAILY", last, action.weekdays))
        return
    end_day = first + ONE_DAY if crosses_midnight(action) else first
    event.add("dtstart", datetime.combine(first, action.time_from, LOCAL_TZ))
    event.add("dtend", datetime.combine(end_day, action.time_to, LOCAL_TZ))
    # RFC 5545: with a zoned DTSTART, UNTIL is in UTC (the start of the last occurrence)
    until = to_utc(datetime.combine(last, action.time_from, LOCAL_TZ))
    event.add("rrule", _recurrence("DAILY", until, action.weekdays))


def _deadline_event(event: Event, action: Action, deadline: date, summary: str) -> None:
    event.add("summary", _("Deadline: {summary}", summary=summary))
    event.add("dtstart", deadline)
    event.add("dtend", deadline + ONE_DAY)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", _("In a week: {summary}", summary=summary))
    alarm.add("trigger", -DEADLINE_REMINDER)
    event.add_component(alarm)


def _frequency_event(event: Event, action: Action, first: date, last: date) -> None:
    """A reminder on the first day of each day / week / month of the window."""
    unit = FrequencyUnit(action.freq_per)  # type: ignore[arg-type]
    event.add("dtstart", first)
    event.add("dtend", first + ONE_DAY)
    weekdays = action.weekdays if unit == FrequencyUnit.day else None
    event.add("rrule", _recurrence(_FREQ[unit], last, weekdays))


def _event(session: Session, action: Action, plan: Plan, stamp: datetime) -> Event | None:
    """The action's event, or None when its weekdays leave no day in its window."""
    event = Event()
    event.add("uid", f"{action.id}@rejon")
    event.add("dtstamp", stamp)
    summary = f"{kind_label(action.kind)}: {action.text}"
    description = [action_when(action, plan), plan.title]
    mode = action_mode(action)
    last = action_window(action, plan)[1]
    if mode == TaskMode.deadline:
        _deadline_event(event, action, last, summary)
    else:
        days = due_days(action, plan)
        if not days:
            return None
        event.add("summary", summary)
        if mode == TaskMode.daily:
            _daily_event(event, action, days)
        else:
            description.insert(0, frequency_label(action.freq_times, action.freq_per))  # type: ignore[arg-type]
            _frequency_event(event, action, days[0], last)
    event.add("description", "\n".join(part for part in description if part))
    place = session.get(Place, action.place_id) if action.place_id else None
    if place is not None:
        event.add("location", ", ".join(part for part in (place.name, place.address) if part))
        event.add("geo", (place.lat, place.lon))
    return event


def plan_calendar(session: Session, plan_id: str) -> bytes:
    """The plan's actions as an .ics file (Europe/Warsaw), Polish by default."""
    doc = read_plan(session, plan_id)
    plan = doc.plan
    stamp = to_local(plan.updated_at).astimezone(UTC)
    calendar = Calendar.new(prodid=PRODID, uid=plan.id, name=plan.title or plan.id)
    calendar.add("x-wr-timezone", str(LOCAL_TZ))
    # transitions of the plan's years and the next, not the default 1970–2038 list
    calendar.add_component(
        Timezone.from_tzid(
            str(LOCAL_TZ),
            first_date=date(plan.period_start.year - 1, 1, 1),
            last_date=date(plan.period_end.year + 2, 1, 1),
        )
    )
    for action in doc.actions:
        event = _event(session, action, plan, stamp)
        if event is not None:
            calendar.add_component(event)
    return calendar.to_ical()
