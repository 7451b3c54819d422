"""The plan as an .ics calendar, read back with icalendar and expanded with dateutil."""

from datetime import UTC, date, datetime, timedelta

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar, Event
from sqlmodel import Session

from app.core.i18n import set_language
from app.core.model import Action, Plan
from app.core.model.clock import LOCAL_TZ
from app.core.reports.ical import PRODID, plan_calendar
from app.core.schedule.windows import due_days
from app.core.store.errors import NotFound
from tests.schedule.conftest import (
    CHECK,
    EARLY_DEADLINE,
    LUBARTOW,
    MONTHLY,
    NIGHT,
    NIGHT_CHECK,
    REQUEST,
    TALKS,
    WEEKENDS,
)

pytestmark = pytest.mark.db


def events(session: Session, plan_id: str) -> dict[str, Event]:
    calendar = Calendar.from_ical(plan_calendar(session, plan_id))
    return {str(event["UID"]).removesuffix("@rejon"): event for event in calendar.walk("VEVENT")}


def occurrences(event: Event) -> list[date]:
    """The event's days, as a calendar app expands them."""
    start = event.decoded("DTSTART")
    if not isinstance(start, datetime):
        start = datetime.combine(start, datetime.min.time())
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=start)
    return [moment.date() for moment in rule]


def due(session: Session, action_id: str) -> list[date]:
    action = session.get(Action, action_id)
    assert action is not None
    return due_days(action, session.get(Plan, action.plan_id))


def test_the_calendar_header(demo: Session) -> None:
    calendar = Calendar.from_ical(plan_calendar(demo, LUBARTOW))
    assert str(calendar["PRODID"]) == PRODID
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Warsaw"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Warsaw"]
    assert "Plac zabaw Nivea" in str(calendar["X-WR-CALNAME"])
    # the same plan gives the same bytes, so re-importing updates rather than duplicates
    assert plan_calendar(demo, LUBARTOW) == plan_calendar(demo, LUBARTOW)


def test_a_daily_check_at_its_hours(demo: Session) -> None:
    check = events(demo, LUBARTOW)[CHECK]
    assert str(check["SUMMARY"]).startswith("Kontrola miejsca: Kontrole placu zabaw Nivea")
    assert check.decoded("DTSTART") == datetime(2025, 1, 1, 7, tzinfo=LOCAL_TZ)
    assert check.decoded("DTEND") == datetime(2025, 1, 1, 22, tzinfo=LOCAL_TZ)
    rule = check["RRULE"]
    assert rule["FREQ"] == ["DAILY"]
    assert rule["UNTIL"] == [datetime(2025, 6, 30, 5, tzinfo=UTC)]  # 7:00 CEST on the last day
    assert "BYDAY" not in rule
    assert "Plac zabaw Nivea" in str(check["LOCATION"])
    assert occurrences(check) == due(demo, CHECK)


def test_a_deadline_is_an_all_day_event_with_a_reminder(demo: Session) -> None:
    request = events(demo, LUBARTOW)[REQUEST]
    assert str(request["SUMMARY"]).startswith("Termin: Wniosek / pismo: Wniosek o dyslokację")
    assert request.decoded("DTSTART") == date(2025, 6, 30)
    assert request.decoded("DTEND") == date(2025, 7, 1)
    assert "RRULE" not in request
    (alarm,) = request.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -timedelta(days=7)
    assert str(alarm["ACTION"]) == "DISPLAY"


def test_twice_a_week_recurs_weekly_all_day(demo: Session) -> None:
    talks = events(demo, LUBARTOW)[TALKS]
    assert talks.decoded("DTSTART") == date(2025, 1, 1)
    assert talks["RRULE"]["FREQ"] == ["WEEKLY"]
    assert talks["RRULE"]["UNTIL"] == [date(2025, 6, 30)]
    assert "2× w tygodniu" in str(talks["DESCRIPTION"])
    assert len(occurrences(talks)) == 26


def test_night_windows_weekdays_and_months(demo: Session) -> None:
    found = events(demo, NIGHT)
    assert set(found) == {NIGHT_CHECK, EARLY_DEADLINE, MONTHLY, WEEKENDS}
    night = found[NIGHT_CHECK]
    assert night.decoded("DTSTART") == datetime(2025, 1, 1, 21, tzinfo=LOCAL_TZ)
    assert night.decoded("DTEND") == datetime(2025, 1, 2, 2, tzinfo=LOCAL_TZ)
    assert night["RRULE"]["BYDAY"] == ["MO", "TU", "WE", "TH", "FR"]
    assert occurrences(night) == due(demo, NIGHT_CHECK)
    weekends = found[WEEKENDS]
    assert weekends.decoded("DTSTART") == date(2025, 4, 5)
    assert weekends["RRULE"]["UNTIL"] == [date(2025, 4, 27)]
    assert occurrences(weekends) == due(demo, WEEKENDS)
    monthly = found[MONTHLY]
    assert monthly["RRULE"]["FREQ"] == ["MONTHLY"]
    assert len(occurrences(monthly)) == 6
    assert found[EARLY_DEADLINE].decoded("DTSTART") == date(2025, 3, 31)


def test_english_when_asked_and_unknown_plans(demo: Session) -> None:
    set_language("en")
    try:
        request = events(demo, LUBARTOW)[REQUEST]
    finally:
        set_language("pl")
    assert str(request["SUMMARY"]).startswith("Deadline: Request / letter:")
    with pytest.raises(NotFound):
        plan_calendar(demo, "no-such-plan")
