"""Display names of the domain's codes, translated."""

from app.core.i18n import translator
from app.core.model.enums import CriterionKind, EntryKind, FrequencyUnit, Measure, PlanStatus, Role

_ = translator("core")

_KIND = {
    EntryKind.place_check: "Place check",
    EntryKind.foot_patrol: "Foot patrol",
    EntryKind.talk: "Talk with residents",
    EntryKind.meeting: "Meeting",
    EntryKind.leaflets: "Leaflets",
    EntryKind.intervention: "Intervention",
    EntryKind.partner_contact: "Partner contact",
    EntryKind.announcement: "Announcement",
    EntryKind.request_letter: "Request / letter",
    EntryKind.other: "Other",
}
KIND_COLOURS = {
    EntryKind.place_check: "#0D3B8E",
    EntryKind.foot_patrol: "#4F6FAD",
    EntryKind.talk: "#2E7D32",
    EntryKind.meeting: "#6A1B9A",
    EntryKind.leaflets: "#EF6C00",
    EntryKind.intervention: "#B71C1C",
    EntryKind.partner_contact: "#00838F",
    EntryKind.announcement: "#AD1457",
    EntryKind.request_letter: "#5D4037",
    EntryKind.other: "#757575",
}
"""Each kind's colour wherever kinds are drawn (the app's chart, the report's): one palette,
dark enough for white text and for print."""
_MEASURE = {
    Measure.persons_legitimised: "Persons ID-checked",
    Measure.leaflets: "Leaflets handed out",
    Measure.residents_spoken: "Residents spoken to",
    Measure.interventions: "Interventions",
    Measure.offences: "Offences found",
    Measure.fines: "Fines",
    Measure.cautions: "Cautions",
    Measure.kmzb_reports: "KMZB reports",
}
_STATUS = {
    PlanStatus.draft: "Draft",
    PlanStatus.submitted: "Submitted for approval",
    PlanStatus.returned: "Returned for corrections",
    PlanStatus.approved: "Approved",
    PlanStatus.closed: "Closed",
}
_CRITERION = {
    CriterionKind.at_least: "At least",
    CriterionKind.reduce_by_percent: "Reduce by percent",
    CriterionKind.qualitative: "Qualitative goal",
}
_ROLE = {Role.officer: "Officer", Role.supervisor: "Supervisor", Role.admin: "Administrator"}
_PER = {FrequencyUnit.day: "a day", FrequencyUnit.week: "a week", FrequencyUnit.month: "a month"}
_REFUSAL = {
    "invalid": "the server found the entry invalid",
    "too_large": "the change is too large to send",
    "not_found": "the server does not know what the change refers to",
    "conflict": "the change clashes with what the server holds",
    "not_allowed": "you are not allowed to make this change",
    "unknown_plan": "the server does not know this plan",
    "unknown_action": "the server does not know this action of the plan",
    "unknown_place": "the server does not know this place",
    "unknown_area": "the server does not know this service area",
    "wrong_plan": "the action belongs to another plan",
    "outside_areas": "the plan or place is outside your service areas",
    "not_yours": "the entry belongs to another officer",
    "entry_exists": "an entry with the same identifier already exists on the server",
    "unknown_entry": "the server does not know the entry being changed",
    "unknown_base": "the entry was changed from a version the server does not know",
    "revision_reused": "the server holds this change with other content",
}
"""Why the sync service did not store a change, by its refusal code (``RefusalCode``)."""
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def kind_label(kind: EntryKind | str) -> str:
    return _(_KIND[EntryKind(kind)])


def measure_label(measure: Measure | str) -> str:
    return _(_MEASURE[Measure(measure)])


def status_label(status: PlanStatus | str) -> str:
    return _(_STATUS[PlanStatus(status)])


def criterion_label(kind: CriterionKind | str) -> str:
    return _(_CRITERION[CriterionKind(kind)])


def role_label(role: Role | str) -> str:
    return _(_ROLE[Role(role)])


def frequency_label(times: int, per: FrequencyUnit | str) -> str:
    return _("{times}× {per}", times=times, per=_(_PER[FrequencyUnit(per)]))


def weekday_label(day: int) -> str:
    return _(WEEKDAYS[day])


def refusal_label(code: str) -> str:
    """The reason a change was not stored, for the officer; unknown codes read generally."""
    return _(_REFUSAL.get(code, "the server refused the change"))
