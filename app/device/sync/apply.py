"""Storing what the server sends on the device: the signed-in officer, pages of changes.

Rows are matched by id, so storing a page twice changes nothing; a page and the cursor
after it are stored in one transaction, so a page is either applied whole or pulled again.
A plan or place with a change of this device still waiting (or refused, not yet dealt with)
keeps the device's copy: the change is what its officer sees until it is sent — then the
service's copy, which holds it, comes back with a later version — or given up, which pulls
the service's copy again (``local.discard``).
"""

from collections.abc import Iterable

from sqlalchemy import Row, Select, Table, Update, bindparam, insert, update
from sqlalchemy import select as core_select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col, select

from app.core.model import (
    Action,
    Channel,
    Entry,
    EntryRevision,
    Officer,
    OfficerArea,
    OutboxItem,
    Partner,
    Place,
    Plan,
    ServiceArea,
    Unit,
)
from app.core.model.clock import utcnow
from app.core.store.db import session_scope
from app.core.store.settings import set_setting
from app.core.sync.schemas import (
    ChangesOut,
    OfficerOut,
    PlaceOut,
    PlanOut,
    RevisionOut,
    TokenOut,
    UnitOut,
)
from app.device.sync.local import (
    BADGE,
    CURSOR,
    OFFICER_ID,
    SCOPE,
    TOKEN,
    TOKEN_EXPIRES,
    unsettled_ids,
)


def store_login(engine: Engine, login: TokenOut) -> None:
    """Keep the token and the officer (entries are logged as them: a foreign key)."""
    with session_scope(engine) as session:
        _upsert_unit(session, login.unit)
        session.flush()
        _upsert_officer(session, login.officer)
        for key, value in (
            (TOKEN, login.access_token),
            (OFFICER_ID, login.officer.id),
            (BADGE, login.officer.badge),
            (TOKEN_EXPIRES, login.expires_at.isoformat()),
        ):
            set_setting(session, key, value)


def apply_page(engine: Engine, changes: ChangesOut) -> int:
    """Store one page and move the cursor, in one transaction; returns the rows applied.

    Safe to repeat: rows are matched by id, revisions are inserted once.
    """
    with session_scope(engine) as session:
        for unit in changes.units:
            _upsert_unit(session, unit)
        session.flush()
        for area in changes.areas:
            _upsert(session, ServiceArea, area.id, area.model_dump(exclude={"id"}))
        session.flush()
        for officer in changes.officers:
            _upsert_officer(session, officer)
        session.flush()
        if changes.places:
            _apply_places(session, changes.places, unsettled_ids(session, "place"))
        kept = unsettled_ids(session, "plan") if changes.plans else set()
        for plan in changes.plans:
            if plan.id not in kept:  # this device's change of it waits, or was refused
                _apply_plan(session, plan)
        _apply_revisions(session, changes.revisions, _pending_revision_ids(session))
        set_setting(session, CURSOR, str(changes.next_cursor))
        set_setting(session, SCOPE, changes.scope)
    return sum(
        len(rows)
        for rows in (
            changes.units,
            changes.areas,
            changes.officers,
            changes.places,
            changes.plans,
            changes.revisions,
        )
    )


def _upsert(session: Session, model: type, row_id: str, fields: dict) -> object:
    row = session.get(model, row_id)
    if row is None:
        row = model(id=row_id, **fields)
    else:
        for key, value in fields.items():
            setattr(row, key, value)
    session.add(row)
    return row


def _upsert_unit(session: Session, unit: UnitOut) -> None:
    _upsert(session, Unit, unit.id, unit.model_dump(exclude={"id"}))


def _upsert_officer(session: Session, officer: OfficerOut) -> None:
    """Public fields only: a password hash kept on this device (demo accounts) stays."""
    clash = session.exec(
        select(Officer).where(Officer.badge == officer.badge, Officer.id != officer.id)
    ).first()
    if clash is not None:  # a local account under the same badge gives way to the server's
        clash.badge, clash.active = f"~{clash.id[:19]}", False
        session.add(clash)
        session.flush()
    _upsert(session, Officer, officer.id, officer.model_dump(exclude={"id", "area_ids"}))
    session.flush()
    known = set(
        session.exec(select(ServiceArea.id).where(col(ServiceArea.id).in_(officer.area_ids)))
    )
    links = session.exec(select(OfficerArea).where(OfficerArea.officer_id == officer.id))
    current = {link.area_id: link for link in links}
    for area_id, link in current.items():
        if area_id not in known:
            session.delete(link)
    for area_id in known - set(current):
        session.add(OfficerArea(officer_id=officer.id, area_id=area_id))


def _apply_plan(session: Session, plan: PlanOut) -> None:
    fields = plan.model_dump(exclude={"id", "actions", "partners", "channels"})
    _upsert(session, Plan, plan.id, fields)
    session.flush()
    for model, rows in ((Action, plan.actions), (Partner, plan.partners), (Channel, plan.channels)):
        keep = set()
        for row in rows:
            _upsert(session, model, row.id, {**row.model_dump(exclude={"id"}), "plan_id": plan.id})
            keep.add(row.id)
        stale = [r for r in session.exec(select(model).where(model.plan_id == plan.id))]
        stale = [r for r in stale if r.id not in keep]
        if model is Action and stale:  # an action an entry here points at stays (foreign key)
            query = select(EntryRevision.action_id).where(
                col(EntryRevision.action_id).in_([r.id for r in stale])
            )
            used = set(session.exec(query))
            stale = [r for r in stale if r.id not in used]
        for row in stale:
            session.delete(row)
        session.flush()


def _pending_revision_ids(session: Session) -> set[str]:
    query = select(OutboxItem.revision_id).where(col(OutboxItem.acked_at).is_(None))
    return {rid for rid in session.exec(query) if rid}


_IN_CHUNK = 500
"""Ids per ``IN (...)``: far below any SQLite's limit of bound variables (999 before 3.32)."""
_ENTRY, _REVISION, _PLACE = Entry.__table__, EntryRevision.__table__, Place.__table__
_HEADS = core_select(
    _ENTRY.c.id,
    _ENTRY.c.current_revision_id,
    _ENTRY.c.current_seq,
    _ENTRY.c.deleted,
    _ENTRY.c.needs_review,
).where(_ENTRY.c.id.in_(bindparam("ids", expanding=True)))
_REVISIONS = core_select(_REVISION.c.id, _REVISION.c.seq, _REVISION.c.server_version).where(
    _REVISION.c.id.in_(bindparam("ids", expanding=True))
)
_PLACES = core_select(_PLACE.c.id).where(_PLACE.c.id.in_(bindparam("ids", expanding=True)))
_HEAD_STATE = ("current_revision_id", "current_seq", "deleted", "needs_review")
"""What a pulled revision may change on a stored head."""
_EXCLUDED = {"entry_officer_id", "entry_device_id", "entry_needs_review"}
"""A pulled revision's fields that describe its head, not the revision row."""


def _by_ids(connection: Connection, query: Select, ids: Iterable[str]) -> list[Row]:
    unique = list(dict.fromkeys(ids))
    found: list[Row] = []
    for first in range(0, len(unique), _IN_CHUNK):
        found += connection.execute(query, {"ids": unique[first : first + _IN_CHUNK]}).all()
    return found


def _update_by_id(table: Table, rows: list[dict]) -> Update:
    """One UPDATE for an executemany of ``rows`` (dicts with the same keys, ``id`` among them)."""
    columns = [key for key in rows[0] if key != "id"]
    return (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values({name: bindparam(name, type_=table.c[name].type) for name in columns})
    )


def _execute_updates(connection: Connection, table: Table, rows: list[dict]) -> None:
    if rows:
        parameters = [{**row, "row_id": row["id"]} for row in rows]
        for row in parameters:
            del row["id"]
        connection.execute(_update_by_id(table, rows), parameters)


def _apply_places(session: Session, places: list[PlaceOut], kept: set[str]) -> None:
    """Upsert by id: one query for the stored ids, one executemany insert, one update."""
    rows = {place.id: place.model_dump() for place in places if place.id not in kept}
    if not rows:
        return
    connection = session.connection()
    stored = {row.id for row in _by_ids(connection, _PLACES, rows)}
    new = [row for place_id, row in rows.items() if place_id not in stored]
    if new:
        connection.execute(insert(_PLACE), new)
    _execute_updates(connection, _PLACE, [rows[place_id] for place_id in stored])


def _apply_revisions(session: Session, incoming: list[RevisionOut], pending: set[str]) -> None:
    """Insert each revision once; move each head to the server's revision in force.

    The page's heads and revisions (and the revisions the heads show now) are read with a few
    ``IN (...)`` queries, the page is walked in its order in Python — several revisions of one
    entry follow one another as if stored one by one — and what changed is written with one
    executemany per statement. A head stays on a local revision still waiting to be sent: once
    sent, the server puts it in force (later in server order) and it comes back here with a
    higher version."""
    if not incoming:
        return
    session.flush()  # anything the unit of work holds goes first: the rows below refer to it
    connection = session.connection()
    heads = {
        row.id: dict(row._mapping)
        for row in _by_ids(connection, _HEADS, (r.entry_id for r in incoming))
    }
    stored_heads = {entry_id: dict(head) for entry_id, head in heads.items()}
    wanted = [r.id for r in incoming] + [h["current_revision_id"] for h in heads.values()]
    stored = {
        row.id: (row.seq, row.server_version) for row in _by_ids(connection, _REVISIONS, wanted)
    }
    # the server version of every revision stored so far, as the page is walked in its order
    versions = {revision_id: version for revision_id, (_seq, version) in stored.items()}
    new_heads: dict[str, dict] = {}
    new_revisions: dict[str, dict] = {}
    returning: dict[str, dict] = {}
    for revision in incoming:
        head = heads.get(revision.entry_id)
        if head is None:
            head = {
                "id": revision.entry_id,
                "officer_id": revision.entry_officer_id,
                "device_id": revision.entry_device_id,
                "current_revision_id": revision.id,
                "current_seq": revision.seq,
                "deleted": revision.deleted,
                "needs_review": False,
                "created_at": utcnow(),
            }
            heads[revision.entry_id] = new_heads[revision.entry_id] = head
        order = {"seq": revision.seq, "server_version": revision.server_version}
        if revision.id in new_revisions:  # twice on one page: the later copy's order
            new_revisions[revision.id].update(order)
        elif revision.id in stored:  # our own revision coming back: the server's order
            returning[revision.id] = {"id": revision.id, **order}
        else:
            new_revisions[revision.id] = revision.model_dump(exclude=_EXCLUDED)
        versions[revision.id] = revision.server_version
        current = head["current_revision_id"]
        if (
            current not in versions
            or current == revision.id
            or _older(current, versions[current], revision, pending)
        ):
            head["current_revision_id"], head["current_seq"] = revision.id, revision.seq
            head["deleted"] = revision.deleted
        head["needs_review"] = revision.entry_needs_review
    if new_heads:
        connection.execute(insert(_ENTRY), list(new_heads.values()))
    if new_revisions:
        connection.execute(insert(_REVISION), list(new_revisions.values()))
    _execute_updates(
        connection,
        _REVISION,
        [
            row
            for row in returning.values()
            if (row["seq"], row["server_version"]) != stored[row["id"]]
        ],
    )
    _execute_updates(
        connection,
        _ENTRY,
        [
            {"id": entry_id, **{name: head[name] for name in _HEAD_STATE}}
            for entry_id, head in heads.items()
            if entry_id in stored_heads
            and any(head[name] != stored_heads[entry_id][name] for name in _HEAD_STATE)
        ],
    )


def _older(
    current_id: str, current_version: int | None, incoming: RevisionOut, pending: set[str]
) -> bool:
    """Whether the server's revision supersedes the one the head shows now."""
    if current_id in pending:
        return False
    return (current_version or 0) < incoming.server_version
