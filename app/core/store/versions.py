"""Server versions: the pull cursor, a strictly increasing number that no reader can skip.

Every row a device can pull (units, areas, officers, places, plans, entry revisions) carries
``server_version``, the value of one counter row (``sync_version``) at the time it was written.
The counter is advanced with an UPDATE inside the writing transaction, which holds the row's
lock until that transaction commits or rolls back. Writers therefore take versions one after
the other and commit in the same order: when a reader sees the counter at N, every version up
to N is committed. A reader pulls ``since < server_version <= N`` and can safely move its cursor
to N.

A plain database sequence is not enough: ``nextval()`` is not transactional, so transaction A
may take 5, transaction B take 6 and commit first; a device pulling then moves its cursor to 6
and never sees row 5 when A commits a moment later.

Versions are stamped by a ``before_flush`` hook on every ORM session, so rows written outside
the API (``rejon demo --db``, ``rejon user add``) get versions too. The hook is registered by
``register_stamping``, which ``app.core.store.db.migrate`` calls: no store is used before it is
migrated, so no write can miss the hook whatever the process imported. It only acts on a
database whose counter row exists; ``open_service_store`` — the one way the service's store is
opened (``rejon serve``, ``rejon run``, ``rejon user …``) — migrates, registers and creates the
counter, stamping older rows. A device's own database has no counter row, so its copies keep
the versions the server sent.
"""

import weakref
from collections.abc import Iterable

from sqlalchemy import bindparam, event, inspect, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from app.core.model import (
    Action,
    Channel,
    EntryRevision,
    Officer,
    OfficerArea,
    Partner,
    Place,
    Plan,
    ServiceArea,
    Unit,
    VersionCounter,
)

VERSIONED: tuple[type, ...] = (Unit, ServiceArea, Officer, Place, Plan, EntryRevision)
"""Pullable tables, parents first: within one flush parents get the lower versions."""
PLAN_PARTS: tuple[type, ...] = (Action, Partner, Channel)

_COUNTER = VersionCounter.__table__  # Core statements, built once: used on every request
_CURRENT = select(_COUNTER.c.value).where(_COUNTER.c.id == 1)
_LOCK = update(_COUNTER).where(_COUNTER.c.id == 1).values(value=_COUNTER.c.value)
_ALLOCATE = (
    update(_COUNTER)
    .where(_COUNTER.c.id == 1)
    .values(value=_COUNTER.c.value + bindparam("count"))
    .returning(_COUNTER.c.value)
)
_server_engines: "weakref.WeakKeyDictionary[Engine, bool]" = weakref.WeakKeyDictionary()


def _has_counter(connection: Connection) -> bool:
    if not inspect(connection).has_table(VersionCounter.__tablename__):
        return False
    row = connection.execute(select(VersionCounter.value).where(VersionCounter.id == 1))
    return row.first() is not None


def assigns_versions(engine: Engine) -> bool:
    """Whether this database is a sync service's (its counter row exists); cached per engine."""
    known = _server_engines.get(engine)
    if known is None:
        with engine.connect() as connection:
            known = _has_counter(connection)
        _server_engines[engine] = known
    return known


def current_version(session: Session) -> int:
    """The highest committed version: everything at or below it is visible to any reader."""
    value = session.connection().execute(_CURRENT).scalar()
    return int(value or 0)


def lock_versions(session: Session) -> None:
    """Take the writers' lock now (before reading what a batch depends on)."""
    session.connection().execute(_LOCK)


def allocate(session: Session | OrmSession, count: int) -> int:
    """Reserve ``count`` consecutive versions under the lock; returns the first."""
    last = session.connection().execute(_ALLOCATE, {"count": count}).scalar_one()
    return int(last) - count + 1


def _stamp_targets(session: OrmSession) -> list[object]:
    """Rows whose pulled form changes in this flush: versioned rows and the parents of parts."""
    targets: dict[tuple[type, object], object] = {}

    def add(obj: object | None) -> None:
        if obj is not None and obj not in session.deleted:
            targets[(type(obj), inspect(obj).identity or id(obj))] = obj

    with session.no_autoflush:
        for obj in (*session.new, *session.dirty, *session.deleted):
            changed = obj in session.new or obj in session.deleted or session.is_modified(obj)
            if not changed:
                continue
            if isinstance(obj, VERSIONED):
                add(obj)
            elif isinstance(obj, PLAN_PARTS):
                add(session.get(Plan, obj.plan_id))
            elif isinstance(obj, OfficerArea):
                add(session.get(Officer, obj.officer_id))
    order = {model: index for index, model in enumerate(VERSIONED)}
    return sorted(targets.values(), key=lambda obj: order[type(obj)])


def _stamp_versions(session: OrmSession, _context: object, _instances: object) -> None:
    """Give every changed pullable row the next versions (server databases only)."""
    targets = _stamp_targets(session)
    if not targets:
        return
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    if not assigns_versions(engine):
        return
    first = allocate(session, len(targets))
    for offset, obj in enumerate(targets):
        obj.server_version = first + offset  # type: ignore[attr-defined]


def _backfill(session: Session, models: Iterable[type]) -> int:
    """Stamp rows written before this database became a server's (e.g. an earlier demo)."""
    stamped = 0
    for model in models:
        query = select(model.id).where(col(model.server_version).is_(None))
        order = (model.recorded_at, model.seq) if model is EntryRevision else (model.id,)
        ids = list(session.exec(query.order_by(*order)))
        if not ids:
            continue
        first = allocate(session, len(ids))
        for offset, row_id in enumerate(ids):
            session.execute(
                update(model).where(col(model.id) == row_id).values(server_version=first + offset)
            )
        stamped += len(ids)
    return stamped


def register_stamping() -> None:
    """Stamp versions on every flush from now on (idempotent; a no-op on device stores)."""
    if not event.contains(OrmSession, "before_flush", _stamp_versions):
        event.listen(OrmSession, "before_flush", _stamp_versions)


def init_server_store(engine: Engine) -> int:
    """Make this database assign versions (idempotent); returns how many rows were stamped."""
    register_stamping()
    with Session(engine) as session:
        try:
            session.add(VersionCounter(id=1, value=0))
            session.commit()
        except IntegrityError:
            session.rollback()  # another worker process was first
    _server_engines[engine] = True
    with Session(engine) as session:
        lock_versions(session)
        stamped = _backfill(session, VERSIONED)
        session.commit()
    return stamped
