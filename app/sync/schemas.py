"""Request and response shapes of the sync API. Requests refuse unknown fields.

Entry content is validated by the model's own ``EntryIn`` (counts, coordinates, times,
lengths), so the app, the API and imports accept exactly the same entries.
"""

import json
import re
from datetime import date, datetime, time
from itertools import pairwise
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from app.model import ActionIn, ChannelIn, EntryIn, PartnerIn, PlanIn, Role
from app.model.clock import local_today, utcnow
from app.model.enums import COUNT_FIELDS, CriterionKind, EntryKind, Measure, PlanStatus
from app.model.limits import EARLIEST, check_instant, check_plan_period
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
_SURROGATE = re.compile("[\ud800-\udfff]")
"""A UTF-16 surrogate left alone (``"\\ud800"`` in JSON): no text encoding can store it."""


def refuse_nul(data: Any) -> Any:
    """No NUL characters and no lone surrogates anywhere in a request: PostgreSQL cannot store
    NUL in text, and a lone surrogate is not a character (it cannot be encoded as UTF-8).

    Checked on the body as JSON text (one pass in C; a batch holds thousands of values)."""
    text = json.dumps(data, default=str, ensure_ascii=False)
    if "\\u0000" in text and _NUL.search(text):
        raise ValueError("text must not contain NUL characters")
    if _SURROGATE.search(text):
        raise ValueError("text must be valid Unicode (a lone surrogate was sent)")
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


class ErrorOut(BaseModel):
    detail: str


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


def _both_or_neither(a: str, b: str) -> list[dict[str, Any]]:
    """JSON Schema: when ``a`` is given (not null), ``b`` must be given too, and back."""
    return [
        {
            "if": {"properties": {x: {"not": {"type": "null"}}}, "required": [x]},
            "then": {"properties": {y: {"not": {"type": "null"}}}, "required": [y]},
        }
        for x, y in ((a, b), (b, a))
    ]


def _needs(field: str, value: Any, required: str) -> dict[str, Any]:
    """JSON Schema: when ``field`` is ``value``, ``required`` must be given (not null)."""
    return {
        "if": {"properties": {field: {"const": value}}, "required": [field]},
        "then": {"properties": {required: {"not": {"type": "null"}}}, "required": [required]},
    }


_NUMBERS = ("lat", "lon", "accuracy_m")


class EntryContentIn(EntryIn):
    """An entry's content as a device sends it: ``EntryIn`` with unknown fields refused and
    JSON types taken as they are (no ``"3"`` for a count, no ``1`` for a flag).

    Built by pydantic's own constructor: SQLModel's would validate each entry of a batch a
    second time (it is only needed for table rows)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "allOf": [
                *_both_or_neither("lat", "lon"),
                {
                    "if": {
                        "properties": {"accuracy_m": {"not": {"type": "null"}}},
                        "required": ["accuracy_m"],
                    },
                    "then": {
                        "properties": {"lat": {"not": {"type": "null"}}},
                        "required": ["lat"],
                    },
                },
            ],
            "description": "Also enforced (not expressible here): occurred_at within the plan's "
            "period (less a week's grace) and not after now plus 24 h; a time zone on every "
            "instant; references to plans, actions and places in the caller's reach, an "
            "action of the plan named.",
        },
    )
    __init__ = BaseModel.__init__

    @model_validator(mode="before")
    @classmethod
    def _json_types(cls, data: Any) -> Any:
        """Counts are JSON integers, ``gps_poor`` a JSON boolean, positions JSON numbers."""
        if not isinstance(data, dict):
            return data
        for name in COUNT_FIELDS:
            value = data.get(name, 0)
            if type(value) is not int:
                raise ValueError(f"{name}: a count must be a whole number (a JSON integer)")
        if type(data.get("gps_poor", False)) is not bool:
            raise ValueError("gps_poor must be true or false")
        for name in _NUMBERS:
            value = data.get(name)
            if value is not None and type(value) not in (int, float):
                raise ValueError(f"{name} must be a number")
        return data


class MutationIn(Exact):
    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [_needs("deleted", True, "base_revision_id")],
            "description": "recorded_at, when given, carries a time zone and lies between the "
            "plan's start (less a week) and now plus 24 h.",
        }
    )

    mutation_id: StrictInt = Field(ge=1, le=MAX_INT)
    type: Literal["entry"]
    entry_id: Uuid
    revision_id: Uuid
    base_revision_id: Uuid | None = None
    deleted: StrictBool = False
    recorded_at: datetime | None = Field(default=None, description="device clock when recorded")
    content: EntryContentIn

    @model_validator(mode="after")
    def _edits_name_their_base(self) -> Self:
        if self.deleted and self.base_revision_id is None:
            raise ValueError("a delete must name the revision it deletes (base_revision_id)")
        if self.recorded_at is not None:
            if self.recorded_at.tzinfo is None:
                raise ValueError("recorded_at needs a time zone")
            check_instant("recorded_at", self.recorded_at, utcnow(), not_before=EARLIEST)
        return self


class PushIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={"description": "Mutation ids increase strictly within a batch."}
    )

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


class PushOut(BaseModel):
    results: list[MutationResult]
    last_mutation_id: int


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
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "allOf": [
                _needs("deadline", True, "end_date"),
                *_both_or_neither("time_from", "time_to"),
                *_both_or_neither("freq_times", "freq_per"),
            ],
            "description": "Also enforced: end_date not before start_date, both within the "
            "plan's period.",
        },
    )

    time_from: LocalTime = None
    time_to: LocalTime = None
    deadline: StrictBool = Field(default=False, description="a one-off task due by end_date")

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
    """A whole plan as a device or a supervisor sends it (unknown fields refused).

    Also enforced (not expressible in the schema): ``id``, when given, equals the plan id in
    the address; the period is ordered, at most 366 days long, starts in 2000 or later and at
    most two years ahead; actions lie within it; places named are shared or of the plan's
    area; the status asked for follows the workflow (draft → submitted → approved/returned)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="after")
    def _sensible_period(self) -> Self:
        check_plan_period(self.period_start, self.period_end, local_today())
        return self

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
