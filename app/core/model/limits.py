"""Plausible values: the limits every writer of entries and plans applies (app, API, imports).

One place for them, so the model's rules and the sync service's agree. Instants are compared
in UTC; a value whose conversion to UTC overflows is implausible by definition.
"""

from datetime import UTC, date, datetime, timedelta

MAX_FUTURE = timedelta(hours=24)
"""Clock-skew allowance: an instant later than now plus this is refused."""
PLAN_GRACE = timedelta(days=7)
"""An entry may be dated this long before its plan's period starts (preparations)."""
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
"""Nothing this service records happened before this instant."""
PLAN_MAX_SPAN = timedelta(days=366)
"""A priority action plan runs a half-year; a year at most."""
PLAN_MAX_AHEAD = timedelta(days=2 * 366)
"""A plan may be prepared this far ahead of today, not further."""


def as_utc(value: datetime) -> datetime:
    """``value`` in UTC, or ValueError when that falls outside the calendar (year 1 at +01:00)."""
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{value.isoformat()} is outside the supported range") from None


def check_instant(name: str, value: datetime, now: datetime, *, not_before: datetime) -> None:
    """``not_before`` ≤ value ≤ now + ``MAX_FUTURE``; ValueError with a clear message if not."""
    utc = as_utc(value)
    if utc > now + MAX_FUTURE:
        raise ValueError(f"{name} {utc:%Y-%m-%d %H:%M} UTC is in the future")
    if utc < not_before:
        raise ValueError(f"{name} {utc:%Y-%m-%d %H:%M} UTC is before {not_before:%Y-%m-%d}")


def earliest_for_plan(period_start: date) -> datetime:
    """The first instant an entry of a plan starting on ``period_start`` may carry."""
    return max(EARLIEST, datetime.combine(period_start, datetime.min.time(), UTC) - PLAN_GRACE)


def check_plan_period(start: date, end: date, today: date) -> None:
    """A sensible span: ordered, at most ``PLAN_MAX_SPAN``, not before 2000, not far ahead."""
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    if end - start > PLAN_MAX_SPAN:
        raise ValueError(f"the period {start}–{end} is longer than {PLAN_MAX_SPAN.days} days")
    if start < EARLIEST.date():
        raise ValueError(f"the period starts ({start}) before {EARLIEST.date()}")
    if start > today + PLAN_MAX_AHEAD:
        raise ValueError(f"the period starts ({start}) more than two years ahead")
