"""Storing what the server sends on the device: the signed-in officer, pages of changes.

Rows are matched by id, so storing a page twice changes nothing; a page and the cursor
after it are stored in one transaction, so a page is either applied whole or pulled again.
A plan or place with a change of this device still waiting (or refused, not yet dealt with)
keeps the device's copy: the change is what its officer sees until it is sent — then the
service's copy, which holds it, comes back with a later version — or given up, which pulls
the service's copy again (``local.discard``).
"""

from sqlalchemy.engine import Engine
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
from app.core.store.db import session_scope
from app.core.store.settings import set_setting
from app.core.sync.schemas import ChangesOut, OfficerOut, PlanOut, RevisionOut, TokenOut, UnitOut
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
        kept = unsettled_ids(session, "place")
        for place in changes.places:
            if place.id not in kept:
                _upsert(session, Place, place.id, place.model_dump(exclude={"id"}))
        session.flush()
        kept = unsettled_ids(session, "plan")
        for plan in changes.plans:
            if plan.id not in kept:  # this device's change of it waits, or was refused
                _apply_plan(session, plan)
        pending = _pending_revision_ids(session)
        for revision in changes.revisions:
            _apply_revision(session, revision, pending)
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


def _apply_revision(session: Session, incoming: RevisionOut, pending: set[str]) -> None:
    """Insert the revision once; move the head to the server's revision in force.

    The head stays on a local revision still waiting to be sent: once sent, the server puts it
    in force (later in server order) and it comes back here with a higher version.
    """
    fields = incoming.model_dump(
        exclude={"entry_officer_id", "entry_device_id", "entry_needs_review"}
    )
    head = session.get(Entry, incoming.entry_id)
    if head is None:
        head = Entry(
            id=incoming.entry_id,
            officer_id=incoming.entry_officer_id,
            device_id=incoming.entry_device_id,
            current_revision_id=incoming.id,
            current_seq=incoming.seq,
            deleted=incoming.deleted,
        )
        session.add(head)
        session.flush()
    revision = session.get(EntryRevision, incoming.id)
    if revision is None:
        session.add(EntryRevision(**fields))
    else:  # our own revision coming back: the server's order and version
        revision.seq, revision.server_version = incoming.seq, incoming.server_version
        session.add(revision)
    current = session.get(EntryRevision, head.current_revision_id)
    if current is None or current.id == incoming.id or _older(current, incoming, pending):
        head.current_revision_id, head.current_seq = incoming.id, incoming.seq
        head.deleted = incoming.deleted
    head.needs_review = incoming.entry_needs_review
    session.add(head)
    session.flush()


def _older(current: EntryRevision, incoming: RevisionOut, pending: set[str]) -> bool:
    """Whether the server's revision supersedes the one the head shows now."""
    if current.id in pending:
        return False
    return (current.server_version or 0) < incoming.server_version
