"""Pull: what changed in the caller's reach since a cursor, one page at a time.

Rows are taken by ``server_version`` (see ``versions``) from every pullable table, merged in
version order and cut at ``limit``; versions are unique across tables, so the next page
starts exactly after the last row sent. One query first tells which tables changed at all,
so a page of entries costs no queries of the small tables.

Each page also carries the rows its rows point at (a revision's plan, place and officer; a
plan's area and places; an area's unit), so a device can store the page alone without
breaking a foreign key. A parent is left out when the device holds it already: it lies in
the caller's reach and its version is at or below ``since``, so an earlier page of this same
reach sent it (a device whose reach changed pulls again from 0, see ``Scope.key``).
"""

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, exists, literal, not_, or_, true, union_all
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
from app.sync.outputs import area_out, officer_out, place_out, plan_out, unit_out
from app.sync.schemas import ChangesOut, RevisionOut
from app.sync.scope import Scope, linked_areas
from app.sync.versions import current_version


@dataclass
class _Page:
    units: dict[str, Unit] = field(default_factory=dict)
    areas: dict[str, ServiceArea] = field(default_factory=dict)
    officers: dict[str, Officer] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    plans: dict[str, Plan] = field(default_factory=dict)
    revisions: list[RevisionOut] = field(default_factory=list)

    def add(self, row: object) -> None:
        if isinstance(row, RevisionOut):
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
    return int(row.server_version)  # type: ignore[attr-defined]


_REVISION = EntryRevision.__table__
_ENTRY = Entry.__table__
_REVISION_COLUMNS = [
    *(_REVISION.c[name] for name in RevisionOut.model_fields if name in _REVISION.c),
    _ENTRY.c.officer_id.label("entry_officer_id"),
    _ENTRY.c.device_id.label("entry_device_id"),
    _ENTRY.c.needs_review.label("entry_needs_review"),
]


def _revisions(
    session: Session, scope: Scope, since: int, high: int, limit: int
) -> list[RevisionOut]:
    """Revisions in the reach after ``since``, read as plain rows: a page may hold hundreds."""
    version = _REVISION.c.server_version
    query = (
        select(*_REVISION_COLUMNS)
        .join(_ENTRY, _ENTRY.c.id == _REVISION.c.entry_id)
        .where(version > since, version <= high, scope.revisions_clause())
        .order_by(version)
        .limit(limit + 1)
    )
    return [RevisionOut.model_validate(row._mapping) for row in session.execute(query)]


def _changed_tables(session: Session, since: int, high: int) -> set[str]:
    """Which of the small pullable tables hold a version in ``(since, high]``: one query."""
    probes = [
        select(literal(model.__tablename__).label("name")).where(
            exists().where(col(model.server_version) > since, col(model.server_version) <= high)
        )
        for model in (Unit, ServiceArea, Officer, Place, Plan)
    ]
    return set(session.execute(union_all(*probes)).scalars())


def _scope_clauses(scope: Scope) -> dict[type, ColumnElement[bool]]:
    return {
        Unit: _units_clause(scope),
        ServiceArea: scope.areas_clause(),
        Officer: scope.officers_clause(),
        Place: scope.places_clause(),
        Plan: scope.plans_clause(),
    }


def read_changes(
    session: Session, scope: Scope, *, since: int, limit: int, client_id: str | None = None
) -> ChangesOut:
    """One page of changes after ``since``; ``next_cursor`` is where the next page starts."""
    high = current_version(session)
    candidates: list[object] = []
    clauses = _scope_clauses(scope)
    if since < high:  # a phone that is up to date costs one query, not one per table
        changed = _changed_tables(session, since, high)
        for model, clause in clauses.items():
            if model.__tablename__ not in changed:
                continue
            version = col(model.server_version)
            query = select(model).where(version > since, version <= high, clause)
            candidates.extend(session.exec(query.order_by(version).limit(limit + 1)))
        candidates.extend(_revisions(session, scope, since, high, limit))
    candidates.sort(key=_version_of)
    rows, has_more = candidates[:limit], len(candidates) > limit
    page = _Page()
    for row in rows:
        page.add(row)
    _add_referenced(session, page, _Held(since, clauses))
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


@dataclass(frozen=True)
class _Held:
    """What the device holds already: rows of its reach at or below ``since``."""

    since: int
    clauses: dict[type, ColumnElement[bool]]

    def missing(self, model: type) -> ColumnElement[bool]:
        version = col(model.server_version)  # type: ignore[attr-defined]
        return or_(version > self.since, version.is_(None), not_(self.clauses[model]))


def _load(session: Session, model: type, ids: set[str], into: dict, held: _Held) -> None:
    missing = {i for i in ids if i is not None and i not in into}
    if missing:
        query = select(model).where(col(model.id).in_(missing), held.missing(model))  # type: ignore[attr-defined]
        for row in session.exec(query):
            into[row.id] = row


def _add_referenced(session: Session, page: _Page, held: _Held) -> None:
    """Parents of what the page holds and the device does not, so each page stands alone."""
    plan_ids = {rev.plan_id for rev in page.revisions if rev.plan_id}
    action_ids = {rev.action_id for rev in page.revisions if rev.action_id}
    if action_ids:
        query = select(Action.plan_id).where(col(Action.id).in_(action_ids))
        plan_ids.update(session.exec(query))
    _load(session, Plan, plan_ids, page.plans, held)

    place_ids = {rev.place_id for rev in page.revisions if rev.place_id}
    place_ids.update(p.criterion_place_id for p in page.plans.values() if p.criterion_place_id)
    if page.plans:
        query = select(Action.place_id).where(
            col(Action.plan_id).in_(list(page.plans)), col(Action.place_id).is_not(None)
        )
        place_ids.update(session.exec(query))
    _load(session, Place, place_ids, page.places, held)

    officer_ids = {rev.officer_id for rev in page.revisions}
    officer_ids.update(rev.entry_officer_id for rev in page.revisions)
    officer_ids.update(p.officer_id for p in page.plans.values())
    _load(session, Officer, officer_ids, page.officers, held)

    area_ids = {p.area_id for p in page.plans.values()}
    area_ids.update(p.area_id for p in page.places.values() if p.area_id)
    _load(session, ServiceArea, area_ids, page.areas, held)

    unit_ids = {a.unit_id for a in page.areas.values()}
    unit_ids.update(o.unit_id for o in page.officers.values())
    _load(session, Unit, unit_ids, page.units, held)


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
        revisions=page.revisions,
    )
