"""Request and response shapes of the sync API. Requests refuse unknown fields.

Entry content is validated by the model's own ``EntryIn`` (counts, coordinates, times,
lengths), so the app, the API and imports accept exactly the same entries.
"""

import json
import re
from collections.abc import Mapping
from datetime import datetime, time
from enum import StrEnum
from itertools import pairwise
from types import MappingProxyType
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    StrictBool,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

from app.core.model import ActionIn, ChannelIn, EntryIn, PartnerIn, PlanIn, Role
from app.core.model.entries import EntryValues
from app.core.model.enums import COUNT_FIELDS, PlanStatus
from app.core.model.places import PlaceBase
from app.core.model.plans import ActionBase, PlanBase

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
    """No NUL characters and no lone surrogates anywhere in a request: PostgreSQL cannot store
    NUL in text, and a lone surrogate is not a character (it cannot be encoded as UTF-8).

    Checked on the body as JSON text (one pass in C; a batch holds thousands of values)."""
    text = json.dumps(data, default=str, ensure_ascii=False)
    if "\\u0000" in text and _NUL.search(text):
        raise ValueError("text must not contain NUL characters")
    try:
        text.encode()  # in C; a UTF-16 surrogate left alone (``"\\ud800"`` in JSON) fails
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode (a lone surrogate was sent)") from None
    return data


def _json_integer(value: Any) -> Any:
    """A JSON number with no fraction (``3`` or ``3.0``, the same number in JSON), never a
    string or a boolean: pydantic would take ``"3"`` and ``true`` as integers."""
    if isinstance(value, bool | str):
        raise ValueError("must be a JSON integer")
    return value


JsonInt = Annotated[int, BeforeValidator(_json_integer)]


class Exact(BaseModel):
    """Part of a request body: unknown fields refused (its body checks for NUL)."""

    model_config = ConfigDict(extra="forbid")


TEXT_CHECKED: Mapping[str, bool] = MappingProxyType({"text_checked": True})
"""Validation context of a body whose JSON text was found free of NUL characters and lone
surrogates before it was parsed (``app.server.deps.read_json_body``): no need to search it
again as ``refuse_nul`` does."""


class Strict(Exact):
    """A request body: unknown fields refused, no NUL characters anywhere in it."""

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any, info: ValidationInfo) -> Any:
        if info.context is not None and info.context.get("text_checked") is True:
            return data
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
            "description": "Also enforced, with 400 (rules on the clock and stored rows): "
            "occurred_at not before the plan's period less 7 days (nor before 2000) and not "
            "after now plus 24 h; plans, actions and places that exist, lie in the caller's "
            "reach, an action of the plan named.",
        },
    )
    __init__ = BaseModel.__init__

    @model_validator(mode="after")
    def _not_in_the_future(self) -> Self:
        """The model's rules less the clock: a push checks instants against the plan (400)."""
        return self

    @model_validator(mode="before")
    @classmethod
    def _whole_numbers_only(cls, data: Any) -> Any:
        """Counts are JSON integers (``2.0`` is ``2`` in JSON, ``2.5`` no count), ``gps_poor``
        a JSON boolean, positions JSON numbers. Stricter than the model's own check of counts,
        which it replaces (same name): a batch validates hundreds of entries."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for name in COUNT_FIELDS:
            value = data.get(name, 0)
            if type(value) is float and value.is_integer():
                data[name] = value = int(value)
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
            "description": "recorded_at, when given, carries a time zone; like occurred_at it "
            "lies between the plan's start (less 7 days) and now plus 24 h (else 400).",
        }
    )

    mutation_id: JsonInt = Field(ge=1, le=MAX_INT)
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
        if self.recorded_at is not None and self.recorded_at.tzinfo is None:
            raise ValueError("recorded_at needs a time zone")
        return self


class PushIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "description": "Also enforced, with 400: mutation ids increase strictly within a batch."
        }
    )

    client_id: ClientId
    mutations: list[MutationIn] = Field(min_length=1, max_length=MAX_BATCH)

    def ids_increase(self) -> bool:
        """Mutation ids increase strictly (a push refuses the batch with 400 if not)."""
        ids = [m.mutation_id for m in self.mutations]
        return all(a < b for a, b in pairwise(ids))


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


class PlanOut(PlanBase):
    """A plan with its sections, one document; its version moves when any section changes.

    The plan's own fields are the model's (``PlanBase``), as ``ActionOut``'s are."""

    id: str
    status: PlanStatus
    review_note: str
    created_at: datetime
    updated_at: datetime
    server_version: int | None
    criterion_baseline_by: str = ""
    criterion_baseline_at: datetime | None = None
    returned_content: dict[str, JsonValue] | None = None
    actions: list[ActionOut]
    partners: list[PartnerOut]
    channels: list[ChannelOut]


class RevisionOut(EntryValues):
    """One stored revision, plus the state of its entry's head when it was read.

    Its content fields are the model's (``EntryValues``): a field added to the entry is pulled
    as soon as it is stored. Built by pydantic's own constructor, as rows read back."""

    __init__ = BaseModel.__init__

    id: str
    entry_id: str
    seq: int
    base_revision_id: str | None
    officer_id: str
    device_id: str
    recorded_at: datetime
    deleted: bool
    server_version: int
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
    weekdays: list[Annotated[int, Field(ge=0, le=6)]] | None = Field(
        default=None, min_length=1, description="0=Mon … 6=Sun"
    )

    @model_validator(mode="after")
    def _window_is_consistent(self) -> Self:
        """The model's rule less the order of dates (a rule between fields the schema cannot
        state: checked when the plan is saved, 400). The pairs are in the schema."""
        if self.deadline and self.end_date is None:
            raise ValueError("a deadline action needs an end date")
        if (self.time_from is None) != (self.time_to is None):
            raise ValueError("daily hours need both a start and an end time")
        if (self.freq_times is None) != (self.freq_per is None):
            raise ValueError("a frequency needs both a count and a unit (e.g. 2 per week)")
        return self

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

    Also enforced, with 400 (not expressible in the schema): ``id``, when given, equals the
    plan id in the address; the period is ordered, at most 366 days long, starts in 2000 or
    later and at most two years ahead; actions lie within it; places named exist and are
    shared or of the plan's area; the status asked for follows the workflow (draft →
    submitted → approved/returned, else 403)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "allOf": [
                {
                    "if": {
                        "properties": {
                            "criterion_kind": {"enum": ["at_least", "reduce_by_percent"]}
                        },
                        "required": ["criterion_kind"],
                    },
                    "then": {
                        "properties": {
                            "criterion_measures": {"type": "array", "minItems": 1},
                            "criterion_target": {"type": "integer", "minimum": 1},
                        },
                        "required": ["criterion_measures", "criterion_target"],
                    },
                },
                {
                    "if": {
                        "properties": {"criterion_kind": {"const": "reduce_by_percent"}},
                        "required": ["criterion_kind"],
                    },
                    "then": {"properties": {"criterion_target": {"maximum": 100}}},
                },
            ]
        },
    )

    review_note: str = Field(default="", max_length=2000, description="with approved/returned")
    criterion_baseline_by: str = Field(
        default="",
        max_length=300,
        description="read-only, ignored: the service records who entered the baseline "
        "(the signed-in officer whose change set it)",
    )
    criterion_baseline_at: datetime | None = Field(
        default=None, description="read-only, ignored: when the service stored the baseline"
    )
    returned_content: SkipJsonSchema[dict[str, JsonValue] | None] = Field(
        default=None,
        description="read-only, ignored: the plan as it was when last returned (the service "
        "keeps it when a supervisor returns the plan); accepted back from a GET, not part of "
        "the contract",
    )

    @model_validator(mode="after")
    def _period_is_ordered(self) -> Self:
        """Checked when the plan is saved (400) with the period's other limits."""
        return self

    @model_validator(mode="after")
    def _actions_within_period(self) -> Self:
        """Checked when the plan is saved (400): a rule between fields the schema cannot state."""
        return self

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
