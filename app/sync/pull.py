"""Pull: what changed in the caller's reach since a cursor, one page at a time.

Rows are taken by ``server_version`` (see ``versions``) from every pullable table, merged in
version order and cut at ``limit``; versions are unique across tables, so the next page
starts exactly after the last row sent. Each page also carries the rows its rows point at
(a revision's plan, place and officer; a plan's area and places; an area's unit), whatever
their version, so a device can store the page alone without breaking a foreign key.
"""

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, or_, true
from sqlmodel import Session, col, select

from app.model import (
    Action,
    Entry,
    EntryRevision,
    Officer,
    Place,
    Plan,
    ServiceArea,
    SyncDevice,
    Unit,
)
from app.sync.outputs import area_out, officer_out, place_out, plan_out, revision_out, unit_out
from app.sync.schemas import ChangesOut
from app.sync.scope import Scope, linked_areas
from app.sync.versions import current_version


@dataclass
class _Page:
    units: dict[str, Unit] = field(default_factory=dict)
    areas: dict[str, ServiceArea] = field(default_factory=dict)
    officers: dict[str, Officer] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    plans: dict[str, Plan] = field(default_factory=dict)
    revisions: list[tuple[EntryRevision, Entry]] = field(default_factory=list)

    def add(self, row: object) -> None:
        if isinstance(row, tuple):
            self.revisions.append(row)
            return
        bucket = {
            Unit: self.units,
            ServiceArea: self.areas,
            Officer: self.officers,
            Place: self.places,
            Plan: self.plans,
        }[type(row)]
        bucket[row.id] = row  # type: ignore[attr-defined]


def _units_clause(scope: Scope) -> ColumnElement[bool]:
    if scope.everything:
        return true()
    area_units = select(ServiceArea.unit_id).where(col(ServiceArea.id).in_(scope.area_ids))
    return or_(col(Unit.id) == scope.unit_id, col(Unit.id).in_(area_units))


def _version_of(row: object) -> int:
    target = row[0] if isinstance(row, tuple) else row
    return int(target.server_version)  # type: ignore[attr-defined]


def read_changes(
    session: Session, scope: Scope, *, since: int, limit: int, client_id: str | None = None
) -> ChangesOut:
    """One page of changes after ``since``; ``next_cursor`` is where the next page starts."""
    high = current_version(session)
    candidates: list[object] = []
    if since < high:  # a phone that is up to date costs one query, not one per table
        for model, clause in (
            (Unit, _units_clause(scope)),
            (ServiceArea, scope.areas_clause()),
            (Officer, scope.officers_clause()),
            (Place, scope.places_clause()),
            (Plan, scope.plans_clause()),
        ):
            version = col(model.server_version)
            query = select(model).where(version > since, version <= high, clause)
            candidates.extend(session.exec(query.order_by(version).limit(limit + 1)))
        version = col(EntryRevision.server_version)
        revisions = (
            select(EntryRevision, Entry)
            .join(Entry, col(Entry.id) == EntryRevision.entry_id)
            .where(version > since, version <= high, scope.revisions_clause())
            .order_by(version)
            .limit(limit + 1)
        )
        candidates.extend(tuple(row) for row in session.exec(revisions))
    candidates.sort(key=_version_of)
    rows, has_more = candidates[:limit], len(candidates) > limit
    page = _Page()
    for row in rows:
        page.add(row)
    _add_referenced(session, page)
    last_mutation_id = None
    if client_id is not None:
        device = session.get(SyncDevice, (client_id, scope.officer_id))
        last_mutation_id = device.last_mutation_id if device else 0
    return _output(
        session,
        page,
        since=since,
        next_cursor=_version_of(rows[-1]) if has_more else max(high, 0),
        has_more=has_more,
        scope=scope,
        last_mutation_id=last_mutation_id,
    )


def _load(session: Session, model: type, ids: set[str], into: dict) -> None:
    missing = {i for i in ids if i is not None and i not in into}
    if missing:
        for row in session.exec(select(model).where(col(model.id).in_(missing))):
            into[row.id] = row


def _add_referenced(session: Session, page: _Page) -> None:
    """Parents of what the page holds, so each page stands on its own (foreign keys)."""
    plan_ids = {rev.plan_id for rev, _ in page.revisions if rev.plan_id}
    action_ids = {rev.action_id for rev, _ in page.revisions if rev.action_id}
    if action_ids:
        query = select(Action.plan_id).where(col(Action.id).in_(action_ids))
        plan_ids.update(session.exec(query))
    _load(session, Plan, plan_ids, page.plans)

    place_ids = {rev.place_id for rev, _ in page.revisions if rev.place_id}
    place_ids.update(p.criterion_place_id for p in page.plans.values() if p.criterion_place_id)
    if page.plans:
        query = select(Action.place_id).where(
            col(Action.plan_id).in_(list(page.plans)), col(Action.place_id).is_not(None)
        )
        place_ids.update(session.exec(query))
    _load(session, Place, place_ids, page.places)

    officer_ids = {rev.officer_id for rev, _ in page.revisions}
    officer_ids.update(head.officer_id for _, head in page.revisions)
    officer_ids.update(p.officer_id for p in page.plans.values())
    _load(session, Officer, officer_ids, page.officers)

    area_ids = {p.area_id for p in page.plans.values()}
    area_ids.update(p.area_id for p in page.places.values() if p.area_id)
    _load(session, ServiceArea, area_ids, page.areas)

    unit_ids = {a.unit_id for a in page.areas.values()}
    unit_ids.update(o.unit_id for o in page.officers.values())
    _load(session, Unit, unit_ids, page.units)


def _by_version(rows: dict) -> list:
    return sorted(rows.values(), key=lambda row: (row.server_version or 0, row.id))


def _output(
    session: Session,
    page: _Page,
    *,
    since: int,
    next_cursor: int,
    has_more: bool,
    scope: Scope,
    last_mutation_id: int | None,
) -> ChangesOut:
    links = linked_areas(session, set(page.officers))
    if not scope.everything:  # an officer outside the reach shows no areas beyond it
        links = {key: [a for a in ids if a in scope.area_ids] for key, ids in links.items()}
    return ChangesOut(
        since=since,
        next_cursor=next_cursor,
        has_more=has_more,
        scope=scope.key(),
        last_mutation_id=last_mutation_id,
        units=[unit_out(u) for u in _by_version(page.units)],
        areas=[area_out(a) for a in _by_version(page.areas)],
        officers=[officer_out(o, links[o.id]) for o in _by_version(page.officers)],
        places=[place_out(p) for p in _by_version(page.places)],
        plans=[plan_out(session, p.id) for p in _by_version(page.plans)],
        revisions=[revision_out(rev, head) for rev, head in page.revisions],
    )
