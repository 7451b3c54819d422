"""Request and response shapes of the sync API. Requests refuse unknown fields.

Entry content is validated by the model's own ``EntryIn`` (counts, coordinates, times,
lengths), so the app, the API and imports accept exactly the same entries.
"""

import json
import re
from datetime import date, datetime, time
from enum import StrEnum
from itertools import pairwise
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from app.model import ActionIn, ChannelIn, EntryIn, PartnerIn, PlanIn, Role
from app.model.enums import CriterionKind, EntryKind, Measure, PlanStatus
from app.model.places import PlaceBase
from app.model.plans import ActionBase

MAX_INT = 2**31 - 1
"""Mutation ids and versions are 32-bit integer columns on every backend."""
MAX_BATCH = 500
MAX_PAGE = 1000
UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"

Uuid = Annotated[str, StringConstraints(pattern=UUID_PATTERN)]
ClientId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._:-]{1,64}$")]


_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")
"""``\u0000`` in JSON text, unless its backslash is itself escaped (a literal backslash)."""


def refuse_nul(data: Any) -> Any:
    """No NUL characters anywhere in a request: PostgreSQL cannot store them in text.

    Checked on the body as JSON text (one pass in C; a batch holds thousands of values)."""
    text = json.dumps(data, default=str)
    if "\\u0000" in text and _NUL.search(text):
        raise ValueError("text must not contain NUL characters")
    return data


class Exact(BaseModel):
    """Part of a request body: unknown fields refused (its body checks for NUL)."""

    model_config = ConfigDict(extra="forbid")


class Strict(Exact):
    """A request body: unknown fields refused, no NUL characters anywhere in it."""

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        return refuse_nul(data)


REFUSAL_HEADER = "Rejon-Refusal"
"""Set on the service's own refusals (with the code): a device settles a change as refused
only on an answer that carries it. A proxy's, a captive portal's or another server's error
page does not, and is a temporary failure to retry."""


class RefusalCode(StrEnum):
    """Why the service refused a request or a change: devices explain it in their language."""

    invalid = "invalid"
    """The body does not satisfy the contract (422)."""
    too_large = "too_large"
    not_found = "not_found"
    conflict = "conflict"
    not_allowed = "not_allowed"
    unknown_plan = "unknown_plan"
    unknown_action = "unknown_action"
    unknown_place = "unknown_place"
    unknown_area = "unknown_area"
    wrong_plan = "wrong_plan"
    """An action named with a plan it does not belong to."""
    outside_areas = "outside_areas"
    not_yours = "not_yours"
    entry_exists = "entry_exists"
    unknown_entry = "unknown_entry"
    unknown_base = "unknown_base"
    revision_reused = "revision_reused"
    """A revision id already stored with other content (or for another entry)."""


class ErrorOut(BaseModel):
    detail: str
    code: RefusalCode | None = None


# accounts ------------------------------------------------------------------------------


class LoginIn(Strict):
    badge: str = Field(min_length=1, max_length=20, pattern=r"^[0-9A-Za-z-]+$")
    password: str = Field(min_length=1, max_length=200)
    client_id: ClientId | None = None


class UnitOut(BaseModel):
    id: str
    name: str
    city: str
    server_version: int | None


class AreaOut(BaseModel):
    id: str
    unit_id: str
    number_text: str
    number: int
    name: str
    server_version: int | None


class OfficerOut(BaseModel):
    """An officer as other devices see them: never a password hash."""

    id: str
    badge: str
    name: str
    role: Role
    unit_id: str
    active: bool
    area_ids: list[str]
    server_version: int | None


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime
    officer: OfficerOut
    unit: UnitOut


# push ----------------------------------------------------------------------------------


class EntryContentIn(EntryIn):
    """An entry's content as a device sends it: ``EntryIn`` with unknown fields refused.

    Built by pydantic's own constructor: SQLModel's would validate each entry of a batch a
    second time (it is only needed for table rows)."""

    model_config = ConfigDict(extra="forbid")
    __init__ = BaseModel.__init__


class MutationIn(Exact):
    mutation_id: int = Field(ge=1, le=MAX_INT)
    type: Literal["entry"]
    entry_id: Uuid
    revision_id: Uuid
    base_revision_id: Uuid | None = None
    deleted: bool = False
    recorded_at: datetime | None = Field(default=None, description="device clock when recorded")
    content: EntryContentIn

    @model_validator(mode="after")
    def _edits_name_their_base(self) -> Self:
        if self.deleted and self.base_revision_id is None:
            raise ValueError("a delete must name the revision it deletes (base_revision_id)")
        if self.recorded_at is not None and self.recorded_at.tzinfo is None:
            raise ValueError("recorded_at needs a time zone")
        return self


class PushIn(Strict):
    client_id: ClientId
    mutations: list[MutationIn] = Field(min_length=1, max_length=MAX_BATCH)

    @model_validator(mode="after")
    def _ids_increase(self) -> Self:
        ids = [m.mutation_id for m in self.mutations]
        if any(b <= a for a, b in pairwise(ids)):
            raise ValueError("mutation ids must increase within a batch")
        return self


class MutationResult(BaseModel):
    mutation_id: int
    status: Literal["applied", "duplicate", "conflict"]
    revision_id: str
    server_version: int | None = None
    needs_review: bool = False
    detail: str = ""
    code: RefusalCode | None = None
    """Set on a conflict: why this change was not stored."""


class PushOut(BaseModel):
    results: list[MutationResult]
    last_mutation_id: int


class PlaceWriteIn(PlaceBase):
    """A named place as a device creates it (``PUT /places/{id}``): the model's own rules,
    unknown fields refused, no NUL characters."""

    model_config = ConfigDict(extra="forbid")
    __init__ = BaseModel.__init__

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        return refuse_nul(data)


# pull ----------------------------------------------------------------------------------


class PlaceOut(BaseModel):
    id: str
    name: str
    aliases: list[str]
    address: str
    lat: float
    lon: float
    radius_m: float
    area_id: str | None
    server_version: int | None


LocalTime = Annotated[
    time | None,
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$"},
                {"type": "null"},
            ],
            "description": "wall-clock time in Warsaw, HH:MM[:SS], no offset",
        }
    ),
]
"""A plan's daily hours: local wall-clock times (JSON Schema's "time" format needs an offset)."""


class ActionOut(ActionBase):
    id: str
    position: int
    time_from: LocalTime = None
    time_to: LocalTime = None


class PartnerOut(BaseModel):
    id: str
    name: str
    tasks: str
    position: int


class ChannelOut(BaseModel):
    id: str
    text: str
    position: int


class PlanOut(BaseModel):
    """A plan with its sections, one document; its version moves when any section changes."""

    id: str
    area_id: str
    officer_id: str
    title: str
    period_start: date
    period_end: date
    threat: str
    diagnosis: str
    goal: str
    criterion_kind: CriterionKind
    criterion_measures: list[Measure]
    criterion_target: int | None
    criterion_baseline: int | None
    criterion_place_id: str | None
    criterion_text: str
    status: PlanStatus
    review_note: str
    created_at: datetime
    updated_at: datetime
    server_version: int | None
    actions: list[ActionOut]
    partners: list[PartnerOut]
    channels: list[ChannelOut]


class RevisionOut(BaseModel):
    """One stored revision, plus the state of its entry's head when it was read."""

    id: str
    entry_id: str
    seq: int
    base_revision_id: str | None
    officer_id: str
    device_id: str
    recorded_at: datetime
    deleted: bool
    server_version: int
    kind: EntryKind
    occurred_at: datetime
    plan_id: str | None
    action_id: str | None
    place_id: str | None
    lat: float | None
    lon: float | None
    accuracy_m: float | None
    gps_poor: bool
    persons_legitimised: int
    leaflets: int
    residents_spoken: int
    interventions: int
    offences: int
    fines: int
    cautions: int
    note: str
    entry_officer_id: str
    entry_device_id: str
    entry_needs_review: bool


class ChangesOut(BaseModel):
    since: int
    next_cursor: int
    has_more: bool
    scope: str = Field(description="changes when the caller's reach changes: pull from 0 again")
    last_mutation_id: int | None = Field(description="last mutation acknowledged for client_id")
    units: list[UnitOut]
    areas: list[AreaOut]
    officers: list[OfficerOut]
    places: list[PlaceOut]
    plans: list[PlanOut]
    revisions: list[RevisionOut]


# plans ---------------------------------------------------------------------------------


class ActionWriteIn(ActionIn):
    model_config = ConfigDict(extra="forbid")

    time_from: LocalTime = None
    time_to: LocalTime = None

    @field_validator("time_from", "time_to")
    @classmethod
    def _wall_clock(cls, value: time | None) -> time | None:
        if value is not None and value.tzinfo is not None:
            raise ValueError("daily hours are local wall-clock times, without an offset")
        return value


class PartnerWriteIn(PartnerIn):
    model_config = ConfigDict(extra="forbid")


class ChannelWriteIn(ChannelIn):
    model_config = ConfigDict(extra="forbid")


class PlanWriteIn(PlanIn):
    """A whole plan as a device or a supervisor sends it (unknown fields refused)."""

    model_config = ConfigDict(extra="forbid")

    review_note: str = Field(default="", max_length=2000, description="with approved/returned")

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        return refuse_nul(data)

    actions: list[ActionWriteIn] = Field(default_factory=list, max_length=200)
    partners: list[PartnerWriteIn] = Field(default_factory=list, max_length=200)
    channels: list[ChannelWriteIn] = Field(default_factory=list, max_length=200)


class ReviewIn(Strict):
    decision: Literal["approve", "return"]
    note: str = Field(default="", max_length=2000)
