"""Stored rows to API shapes (the API never hands out table objects)."""

from sqlmodel import Session

from app.core.model import Officer, Place, PlanIn, ServiceArea, Unit
from app.core.store.plans import read_plan
from app.core.sync.schemas import (
    ActionOut,
    AreaOut,
    ChannelOut,
    OfficerOut,
    PartnerOut,
    PlaceOut,
    PlanOut,
    UnitOut,
)


def unit_out(unit: Unit) -> UnitOut:
    return UnitOut.model_validate(unit, from_attributes=True)


def area_out(area: ServiceArea) -> AreaOut:
    return AreaOut.model_validate(area, from_attributes=True)


def officer_out(officer: Officer, area_ids: list[str]) -> OfficerOut:
    return OfficerOut(
        id=officer.id,
        badge=officer.badge,
        name=officer.name,
        role=officer.role,
        unit_id=officer.unit_id,
        active=officer.active,
        area_ids=area_ids,
        server_version=officer.server_version,
    )


def place_out(place: Place) -> PlaceOut:
    return PlaceOut.model_validate(place, from_attributes=True)


def plan_out(session: Session, plan_id: str) -> PlanOut:
    doc = read_plan(session, plan_id)
    sections = {"actions", "partners", "channels"}
    fields = {
        name: getattr(doc.plan, name) for name in PlanOut.model_fields if name not in sections
    }
    return PlanOut.model_validate(
        {
            **fields,
            "actions": [ActionOut.model_validate(a, from_attributes=True) for a in doc.actions],
            "partners": [PartnerOut.model_validate(p, from_attributes=True) for p in doc.partners],
            "channels": [ChannelOut.model_validate(c, from_attributes=True) for c in doc.channels],
        }
    )


def stored_plan_input(session: Session, plan_id: str) -> PlanIn:
    """A stored plan in the shape it is written in (to compare, or to send to the server)."""
    doc = read_plan(session, plan_id)
    sections = {"actions", "partners", "channels"}
    data = {name: getattr(doc.plan, name) for name in PlanIn.model_fields if name not in sections}
    data["actions"] = [a.model_dump(exclude={"plan_id", "position"}) for a in doc.actions]
    data["partners"] = [p.model_dump(exclude={"plan_id", "position"}) for p in doc.partners]
    data["channels"] = [c.model_dump(exclude={"plan_id", "position"}) for c in doc.channels]
    return PlanIn.model_validate(data)
