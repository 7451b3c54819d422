"""Time conventions: stored instants are aware UTC; people see Europe/Warsaw."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Europe/Warsaw")


def utcnow() -> datetime:
    return datetime.now(UTC)


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
    return datetime.now(LOCAL_TZ).date()


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants [start, end) of a local calendar day (DST-safe)."""
    start = datetime.combine(day, time.min, LOCAL_TZ)
    end = datetime.combine(day + timedelta(days=1), time.min, LOCAL_TZ)
    return to_utc(start), to_utc(end)
