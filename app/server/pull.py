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

Nothing beyond the reach is sent (the same rules as the direct reads, ``Scope``): a revision
in the reach that points at a plan, action or place outside it (an admin's entry against
another unit's plan, an officer's own entry after their areas changed) comes with that
reference withheld (null). The one row sent that the reach does not name is the card of an
officer named by a row the caller reads (who logged the entry, who owns the plan) with
their unit, so the entry can say who logged it; their areas are cut to the reach.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

from sqlalchemy import ColumnElement, Select, and_, bindparam, exists, not_, or_, true
from sqlmodel import Session, col, select

from app.core.model import (
    Action,
    Entry,
    EntryRevision,
    Officer,
    Place,
    Plan,
    ServiceArea,
    SyncDevice,
    Unit,
    VersionCounter,
)
from app.core.sync.outputs import area_out, officer_out, place_out, plan_out, unit_out
from app.core.sync.schemas import ChangesOut, RevisionOut
from app.server.scope import Scope, linked_areas


@dataclass
class _Page:
    units: dict[str, Unit] = field(default_factory=dict)
    areas: dict[str, ServiceArea] = field(default_factory=dict)
    officers: dict[str, Officer] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    plans: dict[str, Plan] = field(default_factory=dict)
    revisions: list[_Revision] = field(default_factory=list)

    def add(self, row: object) -> None:
        if isinstance(row, _Revision):
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


_REVISION, _ENTRY = EntryRevision.__table__, Entry.__table__
# the rows a revision points at, aliased so the reach's subqueries stay uncorrelated
_PLAN_OF = Plan.__table__.alias("plan_of")
_PLACE_OF = Place.__table__.alias("place_of")
_ACTION_OF = Action.__table__.alias("action_of")
_ACTION_PLAN = Plan.__table__.alias("action_plan")
_AUTHOR = Officer.__table__.alias("author")
_OWNER = Officer.__table__.alias("owner")
_REVISION_COLUMNS = [
    *(_REVISION.c[name] for name in RevisionOut.model_fields if name in _REVISION.c),
    _ENTRY.c.officer_id.label("entry_officer_id"),
    _ENTRY.c.device_id.label("entry_device_id"),
    _ENTRY.c.needs_review.label("entry_needs_review"),
    _PLAN_OF.c.server_version.label("plan_version"),
    _PLAN_OF.c.area_id.label("plan_area"),
    _PLACE_OF.c.server_version.label("place_version"),
    _PLACE_OF.c.area_id.label("place_area"),
    _ACTION_PLAN.c.area_id.label("action_area"),
    _AUTHOR.c.server_version.label("author_version"),
    _AUTHOR.c.unit_id.label("author_unit"),
    _OWNER.c.server_version.label("owner_version"),
    _OWNER.c.unit_id.label("owner_unit"),
]


@dataclass(frozen=True)
class _Revision:
    """A pulled revision and the parents it points at that the device does not hold."""

    out: RevisionOut
    plans: tuple[str, ...]
    places: tuple[str, ...]
    officers: tuple[str, ...]

    @property
    def server_version(self) -> int:
        return self.out.server_version


@lru_cache(maxsize=512)
def _revisions_query(scope: Scope, limit: int) -> Select:
    """Built once per reach and page size; ``since`` and ``high`` are bound per request."""
    version = _REVISION.c.server_version
    return (
        select(*_REVISION_COLUMNS)
        .join(_ENTRY, _ENTRY.c.id == _REVISION.c.entry_id)
        .outerjoin(_PLAN_OF, _PLAN_OF.c.id == _REVISION.c.plan_id)
        .outerjoin(_PLACE_OF, _PLACE_OF.c.id == _REVISION.c.place_id)
        .outerjoin(_ACTION_OF, _ACTION_OF.c.id == _REVISION.c.action_id)
        .outerjoin(_ACTION_PLAN, _ACTION_PLAN.c.id == _ACTION_OF.c.plan_id)
        .join(_AUTHOR, _AUTHOR.c.id == _REVISION.c.officer_id)
        .join(_OWNER, _OWNER.c.id == _ENTRY.c.officer_id)
        .where(version > bindparam("since"), version <= bindparam("high"))
        .where(scope.revisions_clause())
        .order_by(version)
        .limit(limit + 1)
    )


def _revisions(
    session: Session, scope: Scope, since: int, high: int, limit: int
) -> list[_Revision]:
    """Revisions in the reach after ``since``, read as plain rows with their parents' versions
    (a page may hold hundreds), so parents are read only when the device lacks them."""

    def lacks(version: int | None, in_reach: bool) -> bool:
        return version is None or version > since or not in_reach

    pulled = []
    query = _revisions_query(scope, limit)
    for row in session.connection().execute(query, {"since": since, "high": high}):
        fields = dict(row._mapping)
        # references beyond the reach are withheld: the device may not read those rows
        if fields["plan_id"] and not scope.has_area(row.plan_area):
            fields["plan_id"] = None
        if fields["action_id"] and not scope.has_area(row.action_area):
            fields["action_id"] = None
        if fields["place_id"] and not scope.has_place(row.place_area):
            fields["place_id"] = None
        out = RevisionOut.model_validate(fields)
        plans = (out.plan_id,) if out.plan_id and lacks(row.plan_version, True) else ()
        places = (out.place_id,) if out.place_id and lacks(row.place_version, True) else ()
        officers = tuple(
            officer_id
            for officer_id, version, unit in (
                (out.officer_id, row.author_version, row.author_unit),
                (out.entry_officer_id, row.owner_version, row.owner_unit),
            )
            if lacks(version, scope.has_officer(officer_id, unit))
        )
        pulled.append(_Revision(out, plans, places, officers))
    return pulled


_COUNTER = VersionCounter.__table__


def _changed(model: type) -> ColumnElement[bool]:
    version = col(model.server_version)  # type: ignore[attr-defined]
    return exists().where(version > bindparam("since"), version <= _COUNTER.c.value)


_SMALL_TABLES = (Unit, ServiceArea, Officer, Place, Plan)
_LOOK = select(
    _COUNTER.c.value,
    *(_changed(model).label(model.__tablename__) for model in _SMALL_TABLES),  # type: ignore[attr-defined]
).where(_COUNTER.c.id == 1)
"""The current version and which small tables changed after the cursor: one statement."""


def _look(session: Session, since: int) -> tuple[int, set[str]]:
    row = session.connection().execute(_LOOK, {"since": since}).first()
    if row is None:
        return 0, set()
    names = (model.__tablename__ for model in _SMALL_TABLES)  # type: ignore[attr-defined]
    return int(row.value), {name for name in names if row._mapping[name]}


@lru_cache(maxsize=512)
def _scope_clauses(scope: Scope) -> Mapping[type, ColumnElement[bool]]:
    """Each pullable table's filter for a reach (built once per reach: they are reused)."""
    return MappingProxyType(
        {
            Unit: _units_clause(scope),
            ServiceArea: scope.areas_clause(),
            Officer: scope.officers_clause(),
            Place: scope.places_clause(),
            Plan: scope.plans_clause(),
        }
    )


def read_changes(
    session: Session, scope: Scope, *, since: int, limit: int, client_id: str | None = None
) -> ChangesOut:
    """One page of changes after ``since``; ``next_cursor`` is where the next page starts."""
    high, changed = _look(session, since)
    candidates: list[object] = []
    clauses = _scope_clauses(scope)
    if since < high:  # a phone that is up to date costs one query, not one per table
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


_REACHED = (Plan, Place, ServiceArea)
"""Parents sent only within the reach; officers and units named by what is sent come along."""


@dataclass(frozen=True)
class _Held:
    """What the device holds already: rows of its reach at or below ``since``."""

    since: int
    clauses: Mapping[type, ColumnElement[bool]]

    def missing(self, model: type) -> ColumnElement[bool]:
        """Rows of ``model`` to send as parents: not held yet, and never beyond the reach."""
        version = col(model.server_version)  # type: ignore[attr-defined]
        new = or_(version > self.since, version.is_(None))
        if model in _REACHED:
            return and_(self.clauses[model], new)
        return or_(new, not_(self.clauses[model]))


def _load(session: Session, model: type, ids: set[str], into: dict, held: _Held) -> None:
    missing = {i for i in ids if i is not None and i not in into}
    if missing:
        query = select(model).where(col(model.id).in_(missing), held.missing(model))  # type: ignore[attr-defined]
        for row in session.exec(query):
            into[row.id] = row


def _add_referenced(session: Session, page: _Page, held: _Held) -> None:
    """Parents of what the page holds and the device does not, so each page stands alone."""
    plan_ids = {plan_id for rev in page.revisions for plan_id in rev.plans}
    action_ids = {rev.out.action_id for rev in page.revisions if rev.out.action_id}
    action_ids -= {rev.out.action_id for rev in page.revisions if rev.out.plan_id}
    if action_ids:  # an action's plan, when the revision does not name the plan itself
        query = select(Action.plan_id).where(col(Action.id).in_(action_ids))
        plan_ids.update(session.exec(query))
    _load(session, Plan, plan_ids, page.plans, held)

    place_ids = {place_id for rev in page.revisions for place_id in rev.places}
    place_ids.update(p.criterion_place_id for p in page.plans.values() if p.criterion_place_id)
    if page.plans:
        query = select(Action.place_id).where(
            col(Action.plan_id).in_(list(page.plans)), col(Action.place_id).is_not(None)
        )
        place_ids.update(session.exec(query))
    _load(session, Place, place_ids, page.places, held)

    officer_ids = {officer_id for rev in page.revisions for officer_id in rev.officers}
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
        revisions=[rev.out for rev in page.revisions],
    )
