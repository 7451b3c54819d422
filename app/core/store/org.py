"""Units, service areas and officers."""

from sqlmodel import Session, select

from app.core.model import Officer, OfficerArea, OfficerBase, ServiceArea, ServiceAreaBase, Unit
from app.core.model.roman import parse_area_number
from app.core.store.errors import NotFound


def upsert_unit(session: Session, unit: Unit) -> Unit:
    """Insert or update by id (fixed data such as the demo is loaded with stable ids)."""
    Unit.model_validate(unit.model_dump())
    return session.merge(unit)


def upsert_area(session: Session, area_in: ServiceAreaBase, area_id: str) -> ServiceArea:
    area_in = ServiceAreaBase.model_validate(area_in.model_dump())
    area = ServiceArea(
        id=area_id, number=parse_area_number(area_in.number_text), **area_in.model_dump()
    )
    return session.merge(area)


def upsert_officer(
    session: Session, officer_in: OfficerBase, officer_id: str, area_ids: list[str]
) -> Officer:
    """An officer and the areas they look after (replaced as a whole)."""
    officer_in = OfficerBase.model_validate(officer_in.model_dump())
    existing = session.exec(select(Officer).where(Officer.badge == officer_in.badge)).first()
    if existing is not None and existing.id != officer_id:
        raise ValueError(f"badge {officer_in.badge} belongs to another officer")
    officer = session.get(Officer, officer_id) or Officer(id=officer_id, **officer_in.model_dump())
    for key, value in officer_in.model_dump().items():
        setattr(officer, key, value)
    session.add(officer)
    for link in session.exec(select(OfficerArea).where(OfficerArea.officer_id == officer_id)):
        session.delete(link)
    session.flush()
    for area_id in area_ids:
        session.add(OfficerArea(officer_id=officer_id, area_id=area_id))
    session.flush()
    return officer


def officer_by_badge(session: Session, badge: str) -> Officer:
    officer = session.exec(select(Officer).where(Officer.badge == badge)).first()
    if officer is None:
        raise NotFound(f"no officer with badge {badge}")
    return officer


def officer_area_ids(session: Session, officer_id: str) -> list[str]:
    links = session.exec(select(OfficerArea.area_id).where(OfficerArea.officer_id == officer_id))
    return list(links)


def list_officers(session: Session) -> list[Officer]:
    return list(session.exec(select(Officer).order_by(Officer.badge)))
