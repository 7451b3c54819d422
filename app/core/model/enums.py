"""Closed vocabularies of the domain. Codes are English; the UI translates them."""

from enum import StrEnum

from sqlalchemy import Enum as SAEnum


class Role(StrEnum):
    officer = "officer"
    supervisor = "supervisor"
    admin = "admin"


class PlanStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    returned = "returned"
    approved = "approved"
    closed = "closed"


class CriterionKind(StrEnum):
    at_least = "at_least"
    reduce_by_percent = "reduce_by_percent"
    qualitative = "qualitative"


class Measure(StrEnum):
    """What a criterion counts; all but ``kmzb_reports`` are entry counters."""

    persons_legitimised = "persons_legitimised"
    leaflets = "leaflets"
    residents_spoken = "residents_spoken"
    interventions = "interventions"
    offences = "offences"
    fines = "fines"
    cautions = "cautions"
    kmzb_reports = "kmzb_reports"


class EntryKind(StrEnum):
    """What the officer did; also the kind of a planned action."""

    place_check = "place_check"
    foot_patrol = "foot_patrol"
    talk = "talk"
    meeting = "meeting"
    leaflets = "leaflets"
    intervention = "intervention"
    partner_contact = "partner_contact"
    announcement = "announcement"
    request_letter = "request_letter"
    other = "other"


class FrequencyUnit(StrEnum):
    day = "day"
    week = "week"
    month = "month"


COUNT_FIELDS: tuple[str, ...] = (
    "persons_legitimised",
    "leaflets",
    "residents_spoken",
    "interventions",
    "offences",
    "fines",
    "cautions",
)
"""Entry counters, in the order the field app shows them."""

KIND_COUNTERS: dict[EntryKind, tuple[str, ...]] = {
    EntryKind.place_check: (
        "persons_legitimised",
        "cautions",
        "fines",
        "interventions",
        "offences",
    ),
    EntryKind.foot_patrol: ("residents_spoken", "persons_legitimised", "cautions", "interventions"),
    EntryKind.talk: ("residents_spoken", "leaflets"),
    EntryKind.meeting: ("residents_spoken", "leaflets"),
    EntryKind.leaflets: ("leaflets", "residents_spoken"),
    EntryKind.intervention: (
        "interventions",
        "offences",
        "persons_legitimised",
        "fines",
        "cautions",
    ),
    EntryKind.partner_contact: (),
    EntryKind.announcement: (),
    EntryKind.request_letter: (),
    EntryKind.other: (),
}
"""The counters an entry of each kind usually fills: the log form shows these (after the ones
that count for the plan) and keeps the rest one tap away."""

ACTION_COUNTER: dict[EntryKind, str] = {
    EntryKind.leaflets: "leaflets",
    EntryKind.talk: "residents_spoken",
    EntryKind.intervention: "interventions",
}
"""An action of these kinds is done by handing out leaflets, speaking to residents, an
intervention — whatever the entry was logged as: a meeting where leaflets were handed out
fulfils the leaflets action too (``app.core.schedule.counting.entry_counts_for_action``)."""


class Resolution(StrEnum):
    """What the officer did with a change the service would not store."""

    resent = "resent"
    """Corrected (or taken as it is) and sent again as a new revision."""
    discarded = "discarded"
    """Given up on purpose: the entry on the device returns to what the unit's store holds."""


def enum_type(enum_cls: type[StrEnum]) -> SAEnum:
    """A short string column: no PostgreSQL enum type that every new value must migrate."""
    return SAEnum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
    )
