"""The time geometry of an action: due days (rrule), service days, hours, frequency units."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.model import Action, FrequencyUnit, Plan
from app.core.schedule.windows import (
    TaskMode,
    action_mode,
    crosses_midnight,
    day_times,
    due_days,
    unit_bounds,
)

PLAN = Plan(
    id="p",
    area_id="a",
    officer_id="o",
    period_start=date(2025, 1, 1),
    period_end=date(2025, 6, 30),
    threat="t",
    goal="g",
)


def make(**fields: object) -> Action:
    return Action(id="x", plan_id="p", text="t", **fields)


def test_a_daily_action_is_due_every_day_of_the_period() -> None:
    days = due_days(make(), PLAN)
    assert days[0] == date(2025, 1, 1) and days[-1] == date(2025, 6, 30)
    assert len(days) == 181


def test_weekdays_and_the_action_window_limit_the_days() -> None:
    action = make(start_date=date(2025, 3, 1), end_date=date(2025, 3, 31), weekdays=[0, 2])
    days = due_days(action, PLAN)
    assert all(day.weekday() in (0, 2) for day in days)
    assert days[0] == date(2025, 3, 3) and days[-1] == date(2025, 3, 31)  # Mon 3rd … Mon 31st
    assert len(days) == 9
    assert due_days(action, PLAN, date(2025, 3, 10), date(2025, 3, 12)) == [
        date(2025, 3, 10),
        date(2025, 3, 12),
    ]
    assert due_days(action, PLAN, date(2025, 4, 1)) == []


def test_modes() -> None:
    assert action_mode(make()) == TaskMode.daily
    assert action_mode(make(deadline=True, end_date=date(2025, 3, 1))) == TaskMode.deadline
    assert action_mode(make(freq_times=2, freq_per=FrequencyUnit.week)) == TaskMode.frequency


def test_day_hours_in_utc_across_the_dst_change() -> None:
    check = make(time_from=time(7), time_to=time(22))
    winter, summer = day_times(check, date(2025, 3, 29)), day_times(check, date(2025, 3, 31))
    assert winter.open_from == datetime(2025, 3, 29, 6, tzinfo=UTC)
    assert summer.open_from == datetime(2025, 3, 31, 5, tzinfo=UTC)
    assert (winter.span_start, winter.span_end) == (
        datetime(2025, 3, 28, 23, tzinfo=UTC),
        datetime(2025, 3, 29, 23, tzinfo=UTC),
    )
    assert winter.timed and not day_times(make(), date(2025, 3, 29)).timed


def test_a_night_window_belongs_to_the_evening_it_starts() -> None:
    night = make(time_from=time(21), time_to=time(2))
    assert crosses_midnight(night)
    times = day_times(night, date(2025, 2, 10))
    assert times.open_from == datetime(2025, 2, 10, 20, tzinfo=UTC)
    assert times.open_until == datetime(2025, 2, 11, 1, tzinfo=UTC)
    assert times.span_start == datetime(2025, 2, 10, 1, tzinfo=UTC)
    assert times.span_end == times.open_until


@given(
    day=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    hours=st.one_of(st.none(), st.tuples(st.integers(0, 23), st.integers(0, 23))),
)
def test_service_days_tile_time_without_gaps(day: date, hours: tuple[int, int] | None) -> None:
    """Consecutive service days meet exactly, so every instant counts for one day only
    (equal hours mean 24 hours; 02:00–03:00 on the spring DST day is empty, as it is)."""
    fields = {} if hours is None else {"time_from": time(hours[0]), "time_to": time(hours[1])}
    action = make(**fields)
    today, tomorrow = day_times(action, day), day_times(action, day + timedelta(days=1))
    assert today.span_end == tomorrow.span_start
    assert today.span_start <= today.open_from <= today.open_until <= today.span_end


@pytest.mark.parametrize(
    ("unit", "first", "last"),
    [
        (FrequencyUnit.day, date(2025, 5, 14), date(2025, 5, 14)),
        (FrequencyUnit.week, date(2025, 5, 12), date(2025, 5, 18)),
        (FrequencyUnit.month, date(2025, 5, 1), date(2025, 5, 31)),
    ],
)
def test_frequency_units(unit: FrequencyUnit, first: date, last: date) -> None:
    assert unit_bounds(date(2025, 5, 14), unit) == (first, last)
    assert unit_bounds(date(2024, 2, 10), FrequencyUnit.month) == (
        date(2024, 2, 1),
        date(2024, 2, 29),
    )
