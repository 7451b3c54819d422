"""Activity entries: what an officer did, where and when — counts only, never identities.

An entry is a stable UUID (``Entry``, the head) and an append-only list of immutable
revisions (``EntryRevision``). Editing appends a revision, deleting appends a tombstone
revision; the head only points at the revision in force.
"""

from datetime import datetime
from typing import Any, Self

from pydantic import model_validator
from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from app.core.model.clock import utcnow
from app.core.model.enums import COUNT_FIELDS, EntryKind, enum_type
from app.core.model.ids import new_id
from app.core.model.limits import EARLIEST, check_instant
from app.core.model.limits import MAX_FUTURE as MAX_FUTURE  # where it was defined before

MAX_COUNT = 10_000
"""A sane ceiling for one entry's counter; anything above is a typing error."""
NOTE_MAX = 2000


def _count() -> int:
    return Field(default=0, ge=0, le=MAX_COUNT)


class EntryValues(SQLModel):
    """What the officer records, field by field: the one list of an entry's content, which the
    stored revision, the device's input and the pulled output all derive from."""

    kind: EntryKind = Field(sa_type=enum_type(EntryKind))
    occurred_at: datetime = Field(description="when it happened (aware; stored as UTC)")
    plan_id: str | None = Field(default=None, foreign_key="plan.id", max_length=36)
    action_id: str | None = Field(default=None, foreign_key="action.id", max_length=36)
    place_id: str | None = Field(default=None, foreign_key="place.id", max_length=36)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    accuracy_m: float | None = Field(default=None, ge=0, le=100_000)
    gps_poor: bool = Field(default=False, description="fix worse than the device threshold")
    persons_legitimised: int = _count()
    leaflets: int = _count()
    residents_spoken: int = _count()
    interventions: int = _count()
    offences: int = _count()
    fines: int = _count()
    cautions: int = _count()
    note: str = Field(default="", max_length=NOTE_MAX)

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in COUNT_FIELDS}


class EntryContent(EntryValues):
    """What the officer records; validated once here for the app, the API and imports."""

    @model_validator(mode="before")
    @classmethod
    def _whole_numbers_only(cls, data: Any) -> Any:
        """Counts are people and leaflets: 2.5 or True is a mistake, not a number to round.
        (One check of all counts: a sync batch validates hundreds of entries.)"""
        if isinstance(data, dict):
            values = [(name, data[name]) for name in COUNT_FIELDS if name in data]
        else:
            values = [(name, getattr(data, name, 0)) for name in COUNT_FIELDS]
        for name, value in values:
            if isinstance(value, bool | float) or (
                isinstance(value, str) and not value.strip().isdigit()
            ):
                raise ValueError(f"{name}: a count must be a whole number, got {value!r}")
        return data

    @model_validator(mode="after")
    def _position_and_time_are_sane(self) -> Self:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("a GPS position needs both latitude and longitude")
        if self.lat is None and self.accuracy_m is not None:
            raise ValueError("GPS accuracy given without a position")
        if self.occurred_at.tzinfo is None:
            raise ValueError("occurred_at needs a time zone (e.g. 2024-03-01T18:30:00+01:00)")
        return self

    @model_validator(mode="after")
    def _not_in_the_future(self) -> Self:
        """Against the process's clock (a push checks instants against the plan instead)."""
        check_instant("occurred_at", self.occurred_at, utcnow(), not_before=EARLIEST)
        return self


class EntryIn(EntryContent):
    """An entry as captured on the device, before it is stored."""


class Entry(SQLModel, table=True):
    """The head of an entry: identity, owner and the revision currently in force."""

    id: str = Field(primary_key=True, max_length=36, description="client-generated UUID")
    officer_id: str = Field(foreign_key="officer.id", max_length=36, index=True)
    device_id: str = Field(max_length=64)
    current_revision_id: str = Field(max_length=36, index=True)
    current_seq: int = 1
    deleted: bool = False
    needs_review: bool = Field(default=False, description="concurrent edits were merged")
    created_at: datetime = Field(default_factory=utcnow)


class EntryRevision(EntryContent, table=True):
    """One immutable version of an entry. Never updated, never deleted."""

    __tablename__ = "entry_revision"
    __table_args__ = (
        *(CheckConstraint(f"{name} >= 0", name=f"ck_rev_{name}_nonneg") for name in COUNT_FIELDS),
        CheckConstraint("lat IS NULL OR (lat >= -90 AND lat <= 90)", name="ck_rev_lat"),
        CheckConstraint("lon IS NULL OR (lon >= -180 AND lon <= 180)", name="ck_rev_lon"),
        Index("ix_rev_plan_time", "plan_id", "occurred_at"),
        # the Today screen counts an action's linked and unlinked entries by index seeks
        Index("ix_rev_plan_action_time", "plan_id", "action_id", "occurred_at"),
        Index("ix_rev_plan_kind_action_time", "plan_id", "kind", "action_id", "occurred_at"),
        Index("ix_rev_place_time", "place_id", "occurred_at"),
        Index("ix_rev_officer_time", "officer_id", "occurred_at"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    entry_id: str = Field(foreign_key="entry.id", max_length=36, index=True)
    seq: int = Field(default=1, description="order within the entry; the highest is in force")
    base_revision_id: str | None = Field(default=None, max_length=36)
    officer_id: str = Field(foreign_key="officer.id", max_length=36)
    device_id: str = Field(max_length=64)
    recorded_at: datetime = Field(default_factory=utcnow, description="device clock when recorded")
    deleted: bool = False
    server_version: int | None = Field(default=None, index=True)
