"""Time conventions: stored instants are aware UTC; people see Europe/Warsaw.

The process has one clock. Everything that asks "now" — the Today screen, saving an entry,
the "not in the future" rules of the model, token expiry in an embedded sync service — asks
it here, so a demonstration on a fixed day (``rejon run --date``) is one consistent day and
not a present that contradicts its own rules.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Europe/Warsaw")

Clock = Callable[[], datetime]
"""A source of aware datetimes (any time zone)."""


def real_clock() -> datetime:
    return datetime.now(LOCAL_TZ)


def fixed_day_clock(day: date) -> Clock:
    """A clock whose date is ``day`` and whose time of day runs (demos, browser tests)."""

    def clock() -> datetime:
        return datetime.combine(day, datetime.now(LOCAL_TZ).time(), LOCAL_TZ)

    return clock


_clock: Clock = real_clock


def set_clock(clock: Clock | None) -> None:
    """Make ``clock`` the process's clock (``None``: the real one again)."""
    global _clock
    _clock = clock or real_clock


def local_now() -> datetime:
    """Aware Warsaw time by the process's clock."""
    return _clock().astimezone(LOCAL_TZ)


def utcnow() -> datetime:
    return _clock().astimezone(UTC)


def to_utc(value: datetime) -> datetime:
    """Aware UTC from an aware datetime, or from a naive one meant as Warsaw local time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    return value.astimezone(UTC)


def to_local(value: datetime) -> datetime:
    """Aware Warsaw time; a naive value is taken as UTC (as some databases return it)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LOCAL_TZ)


def local_today() -> date:
    return local_now().date()


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants [start, end) of a local calendar day (DST-safe)."""
    start = datetime.combine(day, time.min, LOCAL_TZ)
    end = datetime.combine(day + timedelta(days=1), time.min, LOCAL_TZ)
    return to_utc(start), to_utc(end)
