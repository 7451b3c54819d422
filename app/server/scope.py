"""Who may see and change what: the role rules, in one place for every route.

- officer: the areas linked to them (OfficerArea) and their own entries;
- supervisor: every area of their unit and the entries of their unit's officers;
- admin: everything.
"""

import hashlib
from dataclasses import dataclass

from sqlalchemy import ColumnElement, bindparam, false, or_, true
from sqlmodel import Session, col, select

from app.core.model import (
    Entry,
    EntryRevision,
    Officer,
    OfficerArea,
    Place,
    Plan,
    Role,
    ServiceArea,
)
from app.core.store.org import officer_area_ids


@dataclass(frozen=True)
class Scope:
    """What one signed-in officer may reach; computed per request from the database."""

    officer_id: str
    role: Role
    unit_id: str
    area_ids: frozenset[str]

    @property
    def everything(self) -> bool:
        return self.role is Role.admin

    @property
    def is_supervisor(self) -> bool:
        return self.role is Role.supervisor

    def key(self) -> str:
        """Changes when the reach changes, so a device knows to pull everything again."""
        text = "|".join((self.role.value, self.unit_id, *sorted(self.area_ids)))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def has_area(self, area_id: str | None) -> bool:
        return self.everything or (area_id is not None and area_id in self.area_ids)

    def has_place(self, area_id: str | None) -> bool:
        """A place of no area (shared) or of one of the areas: ``places_clause`` in Python."""
        return area_id is None or self.has_area(area_id)

    def has_officer(self, officer_id: str, unit_id: str) -> bool:
        """``officers_clause`` in Python."""
        if self.everything or officer_id == self.officer_id:
            return True
        return self.is_supervisor and unit_id == self.unit_id

    # SQL filters for pulls -------------------------------------------------------------

    def areas_clause(self) -> ColumnElement[bool]:
        return true() if self.everything else col(ServiceArea.id).in_(self.area_ids)

    def places_clause(self) -> ColumnElement[bool]:
        if self.everything:
            return true()
        return or_(col(Place.area_id).is_(None), col(Place.area_id).in_(self.area_ids))

    def plans_clause(self) -> ColumnElement[bool]:
        return true() if self.everything else col(Plan.area_id).in_(self.area_ids)

    def officers_clause(self) -> ColumnElement[bool]:
        if self.everything:
            return true()
        if self.is_supervisor:
            return col(Officer.unit_id) == self.unit_id
        return col(Officer.id) == self.officer_id

    def revisions_clause(self) -> ColumnElement[bool]:
        """Revisions of own entries, of the unit's officers (supervisor), or about own areas."""
        if self.everything:
            return true()
        plans_here = select(Plan.id).where(col(Plan.area_id).in_(self.area_ids))
        places_here = select(Place.id).where(col(Place.area_id).in_(self.area_ids))
        unit_officers = (
            select(Officer.id).where(Officer.unit_id == self.unit_id)
            if self.is_supervisor
            else None
        )
        return or_(
            col(Entry.officer_id) == self.officer_id,
            col(Entry.officer_id).in_(unit_officers) if unit_officers is not None else false(),
            col(EntryRevision.plan_id).in_(plans_here),
            col(EntryRevision.place_id).in_(places_here),
        )


_UNIT_AREAS = select(ServiceArea.id).where(ServiceArea.unit_id == bindparam("unit_id"))


def scope_of(
    session: Session, officer_id: str, role: Role, unit_id: str, linked: frozenset[str]
) -> Scope:
    """The reach of an officer whose linked areas are known; a supervisor's or admin's
    reach adds every area of their unit (one more query)."""
    areas = set(linked)
    if role in (Role.supervisor, Role.admin):
        areas.update(session.connection().execute(_UNIT_AREAS, {"unit_id": unit_id}).scalars())
    return Scope(officer_id, role, unit_id, frozenset(areas))


def scope_for(session: Session, officer: Officer) -> Scope:
    """The officer's reach as stored now (a changed area list takes effect at once)."""
    linked = frozenset(officer_area_ids(session, officer.id))
    return scope_of(session, officer.id, Role(officer.role), officer.unit_id, linked)


def may_edit_entry(session: Session, scope: Scope, owner_id: str) -> bool:
    """Own entries; a supervisor also those of their unit's officers; an admin all."""
    if scope.everything or owner_id == scope.officer_id:
        return True
    if scope.is_supervisor:
        owner = session.get(Officer, owner_id)
        return owner is not None and owner.unit_id == scope.unit_id
    return False


def linked_areas(session: Session, officer_ids: set[str]) -> dict[str, list[str]]:
    """Each officer's area ids, for the officer list a device pulls."""
    result: dict[str, list[str]] = {officer_id: [] for officer_id in officer_ids}
    if officer_ids:
        query = select(OfficerArea).where(col(OfficerArea.officer_id).in_(officer_ids))
        for link in session.exec(query.order_by(col(OfficerArea.area_id))):
            result[link.officer_id].append(link.area_id)
    return result
