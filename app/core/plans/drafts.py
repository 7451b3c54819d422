"""From an imported document to a draft plan in the store.

The importer reads text; this module ties what it read to the store's areas and officers.
Anything it cannot tie is refused with a message that says what to fix, and nothing is saved.
"""

from datetime import date, time

from sqlmodel import Session, col, select

from app.core.i18n import translator
from app.core.model import (
    ActionIn,
    ChannelIn,
    CriterionKind,
    Officer,
    OfficerArea,
    PartnerIn,
    Plan,
    PlanIn,
    PlanStatus,
    Role,
    ServiceArea,
    Unit,
)
from app.core.plans.importer import ImportedAction, ImportedPlan
from app.core.store.org import officer_by_badge
from app.core.store.plans import save_plan

_ = translator("plans")


class DraftError(ValueError):
    """The document cannot become a plan here; the message says why (in Polish)."""


def _area(session: Session, imported: ImportedPlan) -> ServiceArea:
    areas = list(
        session.exec(select(ServiceArea).where(ServiceArea.number == imported.area_number))
    )
    if imported.unit and len(areas) > 1:
        wanted = imported.unit.casefold()
        areas = [
            a for a in areas if (u := session.get(Unit, a.unit_id)) and u.name.casefold() == wanted
        ]
    if not areas:
        where = _(" in the unit {unit}", unit=imported.unit) if imported.unit else ""
        raise DraftError(
            _(
                "there is no service area no. {area}{where} — add it first",
                area=imported.area,
                where=where,
            )
        )
    if len(areas) > 1:
        raise DraftError(
            _(
                "service area no. {area} exists in several units — give the unit",
                area=imported.area,
            )
        )
    return areas[0]


def _officer(session: Session, area: ServiceArea, badge: str | None) -> Officer:
    if badge:
        return officer_by_badge(session, badge)
    query = (
        select(Officer)
        .join(OfficerArea, col(OfficerArea.officer_id) == Officer.id)
        .where(OfficerArea.area_id == area.id, Officer.role == Role.officer)
    )
    officers = list(session.exec(query))
    if len(officers) != 1:
        raise DraftError(
            _(
                "service area no. {area} has {count} community officers — give the badge number",
                area=area.number_text,
                count=len(officers),
            )
        )
    return officers[0]


def _clock(text: str | None) -> time | None:
    return time.fromisoformat(text) if text else None


def action_in(item: ImportedAction, start: date | None, end: date | None) -> ActionIn:
    """An imported action as the plan stores it: dates outside the plan's period are clipped
    to it (the importer has already warned), none for the whole period."""

    def clip(day: date | None) -> date | None:
        if day is None:
            return None
        if start is not None:
            day = max(day, start)
        return min(day, end) if end is not None else day

    frequency = item.frequency
    counted = frequency is not None and frequency.times is not None and frequency.per is not None
    return ActionIn(
        text=item.text,
        kind=item.kind,
        start_date=None if item.whole_period or item.deadline else clip(item.start),
        end_date=None if item.whole_period else clip(item.end),
        deadline=item.deadline and item.end is not None,
        time_from=_clock(item.time_from),
        time_to=_clock(item.time_to),
        weekdays=item.weekdays,
        freq_times=frequency.times if counted and frequency else None,
        freq_per=frequency.per if counted and frequency else None,
    )


def _title(imported: ImportedPlan, start: date, end: date) -> str:
    """Documents have no short title; name the draft after its area and period until edited."""
    unit = f", {imported.unit}" if imported.unit else ""
    return _(
        "Area no. {area}{unit}: {start}–{end} (from a document)",
        area=imported.area,
        unit=unit,
        start=f"{start:%d.%m.%Y}",
        end=f"{end:%d.%m.%Y}",
    )


def draft_from_import(
    session: Session, imported: ImportedPlan, *, officer_badge: str | None = None
) -> PlanIn:
    """A validated draft plan for the area the document names; DraftError if it can't be one."""
    valid, missing = imported.is_valid_plan()
    if not valid:
        raise DraftError(
            _("the document does not hold a whole plan: {missing}", missing="; ".join(missing))
        )
    assert imported.period_start and imported.period_end  # checked by is_valid_plan
    area = _area(session, imported)
    officer = _officer(session, area, officer_badge)
    criterion = imported.criterion
    measurable = criterion is not None and criterion.kind != CriterionKind.qualitative
    return PlanIn(
        area_id=area.id,
        officer_id=officer.id,
        title=_title(imported, imported.period_start, imported.period_end),
        period_start=imported.period_start,
        period_end=imported.period_end,
        threat=imported.threat or "",
        diagnosis=imported.diagnosis or "",
        goal=imported.goal or "",
        criterion_kind=criterion.kind if measurable and criterion else CriterionKind.qualitative,
        criterion_measures=criterion.measure if measurable and criterion else [],
        criterion_target=criterion.target if measurable and criterion else None,
        criterion_baseline=criterion.baseline if measurable and criterion else None,
        criterion_text=criterion.text if criterion else "",
        status=PlanStatus.draft,
        actions=[
            action_in(a, imported.period_start, imported.period_end) for a in imported.actions
        ],
        partners=[PartnerIn(name=p.name, tasks=p.tasks) for p in imported.partners],
        channels=[ChannelIn(text=c) for c in imported.channels],
    )


def save_draft(
    session: Session, imported: ImportedPlan, *, officer_badge: str | None = None
) -> Plan:
    """Store the document as a draft plan (validated first; nothing stored on error)."""
    return save_plan(session, draft_from_import(session, imported, officer_badge=officer_badge))


def save_drafts(
    session: Session, imported: list[ImportedPlan], *, officer_badge: str | None = None
) -> list[Plan]:
    """Several plans of one document, each its own draft: all stored, or none (the error
    names the plan that could not be one)."""
    drafts: list[PlanIn] = []
    for number, plan in enumerate(imported, start=1):
        try:
            drafts.append(draft_from_import(session, plan, officer_badge=officer_badge))
        except DraftError as exc:
            if len(imported) == 1:
                raise
            raise DraftError(
                _(
                    "plan {number} of {count}: {reason}",
                    number=number,
                    count=len(imported),
                    reason=str(exc),
                )
            ) from None
    return [save_plan(session, draft) for draft in drafts]
