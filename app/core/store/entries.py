"""Activity entries: append-only revisions behind a head that points at the one in force.

Device-side writes also queue an outbox item in the same transaction, so a change is
never stored without being queued for sync, nor queued without being stored.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, and_, bindparam, func, insert, literal, or_, update
from sqlmodel import Session, col, select

from app.core.model import COUNT_FIELDS, Entry, EntryIn, EntryRevision, OutboxItem
from app.core.model.clock import utcnow
from app.core.model.enums import Resolution
from app.core.model.ids import new_id
from app.core.store.errors import Conflict, NotFound

_RESENT = (
    update(OutboxItem)
    .where(
        col(OutboxItem.object_type) == "entry",
        col(OutboxItem.object_id) == bindparam("entry_id"),
        col(OutboxItem.acked_at).is_not(None),
        col(OutboxItem.last_error) != "",
        col(OutboxItem.resolved_at).is_(None),
    )
    .values(resolved_at=bindparam("now"), resolution=Resolution.resent)
)
"""A new change of an entry is the correction of its changes the service would not store."""


def _queue(session: Session, revision: EntryRevision) -> None:
    session.connection().execute(_RESENT, {"entry_id": revision.entry_id, "now": utcnow()})
    session.add(
        OutboxItem(
            object_type="entry",
            object_id=revision.entry_id,
            revision_id=revision.id,
            officer_id=revision.officer_id,
        )
    )


_INSERT_HEAD = insert(Entry.__table__)
_INSERT_REVISION = insert(EntryRevision.__table__)
_INSERT_OUTBOX = insert(OutboxItem.__table__)
"""The Save button's statements, built once: a new entry is three INSERTs and nothing else."""


def log_entry(
    session: Session,
    entry_in: EntryIn,
    *,
    officer_id: str,
    device_id: str,
    entry_id: str | None = None,
    recorded_at: datetime | None = None,
    queue: bool = True,
) -> EntryRevision:
    """Store a new entry (revision 1) and queue it for sync.

    Written with three prepared INSERTs on the session's connection, not through the unit of
    work: building, tracking and flushing three ORM objects was four fifths of a save
    (``rejon bench --only save`` compares it with a raw sqlite3 commit). Anything already
    pending in the session is flushed first, so references to it hold. The revision returned
    is a plain copy of the stored row, not attached to the session."""
    entry_in = EntryIn.model_validate(entry_in.model_dump())
    session.flush()
    if entry_id is not None and session.get(Entry, entry_id) is not None:
        raise Conflict(f"entry {entry_id} already exists")
    now = recorded_at or utcnow()
    revision = {
        **entry_in.model_dump(),
        "id": new_id(),
        "entry_id": entry_id or new_id(),
        "seq": 1,
        "base_revision_id": None,
        "officer_id": officer_id,
        "device_id": device_id,
        "recorded_at": now,
        "deleted": False,
        "server_version": None,
    }
    connection = session.connection()
    connection.execute(
        _INSERT_HEAD,
        {
            "id": revision["entry_id"],
            "officer_id": officer_id,
            "device_id": device_id,
            "current_revision_id": revision["id"],
            "current_seq": 1,
            "deleted": False,
            "needs_review": False,
            "created_at": utcnow(),
        },
    )
    connection.execute(_INSERT_REVISION, revision)
    if queue:
        if entry_id is not None:  # a new random id has no earlier changes to settle
            connection.execute(_RESENT, {"entry_id": entry_id, "now": utcnow()})
        connection.execute(
            _INSERT_OUTBOX,
            {
                "object_type": "entry",
                "object_id": revision["entry_id"],
                "revision_id": revision["id"],
                "officer_id": officer_id,
                "created_at": utcnow(),
                "attempts": 0,
                "last_error": "",
                "refusal_code": "",
            },
        )
    return EntryRevision.model_construct(**revision)


def _head(session: Session, entry_id: str) -> Entry:
    head = session.get(Entry, entry_id)
    if head is None:
        raise NotFound(f"no entry {entry_id}")
    return head


def _append(
    session: Session,
    head: Entry,
    content: EntryIn,
    *,
    officer_id: str,
    device_id: str,
    deleted: bool,
    queue: bool,
) -> EntryRevision:
    if head.deleted and deleted:
        raise Conflict(f"entry {head.id} was deleted")
    revision = EntryRevision(
        id=new_id(),
        entry_id=head.id,
        seq=head.current_seq + 1,
        base_revision_id=head.current_revision_id,
        officer_id=officer_id,
        device_id=device_id,
        deleted=deleted,
        **content.model_dump(),
    )
    session.add(revision)
    head.current_revision_id, head.current_seq, head.deleted = revision.id, revision.seq, deleted
    session.add(head)
    if queue:
        _queue(session, revision)
    session.flush()
    return revision


def revise_entry(
    session: Session,
    entry_id: str,
    entry_in: EntryIn,
    *,
    officer_id: str,
    device_id: str,
    queue: bool = True,
) -> EntryRevision:
    """Edit an entry: a new revision; the previous one stays as it was."""
    entry_in = EntryIn.model_validate(entry_in.model_dump())
    head = _head(session, entry_id)
    if head.deleted:
        raise Conflict(f"entry {head.id} was deleted")
    return _append(
        session,
        head,
        entry_in,
        officer_id=officer_id,
        device_id=device_id,
        deleted=False,
        queue=queue,
    )


def delete_entry(
    session: Session, entry_id: str, *, officer_id: str, device_id: str, queue: bool = True
) -> EntryRevision:
    """Delete an entry: a tombstone revision carrying the last content."""
    return _set_deleted(
        session, entry_id, True, officer_id=officer_id, device_id=device_id, queue=queue
    )


def restore_entry(
    session: Session, entry_id: str, *, officer_id: str, device_id: str, queue: bool = True
) -> EntryRevision:
    """Undo a delete: a new revision in force with the content the tombstone carries."""
    if not _head(session, entry_id).deleted:
        raise Conflict(f"entry {entry_id} is not deleted")
    return _set_deleted(
        session, entry_id, False, officer_id=officer_id, device_id=device_id, queue=queue
    )


def _set_deleted(
    session: Session, entry_id: str, deleted: bool, *, officer_id: str, device_id: str, queue: bool
) -> EntryRevision:
    """A revision with the content in force and the entry deleted (or not)."""
    current = current_revision(session, entry_id)
    content = EntryIn.model_construct(**current.model_dump(include=set(EntryIn.model_fields)))
    return _append(
        session,
        _head(session, entry_id),
        content,
        officer_id=officer_id,
        device_id=device_id,
        deleted=deleted,
        queue=queue,
    )


def current_revision(session: Session, entry_id: str) -> EntryRevision:
    head = _head(session, entry_id)
    revision = session.get(EntryRevision, head.current_revision_id)
    if revision is None:
        raise NotFound(f"entry {entry_id} has no revision {head.current_revision_id}")
    return revision


def entry_history(session: Session, entry_id: str) -> list[EntryRevision]:
    """Every revision of an entry, oldest first (tombstone last if deleted)."""
    query = (
        select(EntryRevision)
        .where(EntryRevision.entry_id == entry_id)
        .order_by(col(EntryRevision.seq), col(EntryRevision.recorded_at))
    )
    return list(session.exec(query))


def _in_force(
    query: Select[Any],
    *,
    plan_id: str | None = None,
    action_id: str | None = None,
    place_id: str | None = None,
    officer_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    include_deleted: bool = False,
) -> Select[Any]:
    """``query`` over the revisions in force (joined to their heads), filtered."""
    query = query.join(Entry, col(Entry.current_revision_id) == EntryRevision.id)
    if not include_deleted:
        query = query.where(col(Entry.deleted).is_(False))
    if plan_id is not None:
        query = query.where(EntryRevision.plan_id == plan_id)
    if action_id is not None:
        query = query.where(EntryRevision.action_id == action_id)
    if place_id is not None:
        query = query.where(EntryRevision.place_id == place_id)
    if officer_id is not None:
        query = query.where(Entry.officer_id == officer_id)
    if since is not None:
        query = query.where(EntryRevision.occurred_at >= since)
    if until is not None:
        query = query.where(EntryRevision.occurred_at < until)
    return query


def current_entries(
    session: Session,
    *,
    plan_id: str | None = None,
    action_id: str | None = None,
    place_id: str | None = None,
    officer_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    include_deleted: bool = False,
    before: tuple[datetime, str] | None = None,
    limit: int | None = None,
) -> list[EntryRevision]:
    """The revisions in force, newest first (ties by entry id); ``occurred_at`` within
    [since, until), older than ``before`` (an entry's ``occurred_at`` and id: where a page of
    them ended), at most ``limit`` of them."""
    query = _in_force(
        select(EntryRevision),
        plan_id=plan_id,
        action_id=action_id,
        place_id=place_id,
        officer_id=officer_id,
        since=since,
        until=until,
        include_deleted=include_deleted,
    )
    if before is not None:
        at, entry_id = before
        query = query.where(
            or_(
                EntryRevision.occurred_at < at,
                and_(EntryRevision.occurred_at == at, EntryRevision.entry_id < entry_id),
            )
        )
    newest_first = (col(EntryRevision.occurred_at).desc(), col(EntryRevision.entry_id).desc())
    query = query.order_by(*newest_first)
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query))


FIGURE_COLUMNS = ("entry_id", "occurred_at", "plan_id", "action_id", "place_id", "kind")
"""What progress reads of an entry beside its counters (``COUNT_FIELDS``)."""

EntryFigures = Row[Any]
"""A revision in force as the columns progress counts (``FIGURE_COLUMNS`` and the counters),
read by attribute like an :class:`EntryRevision`."""


def entry_figures(
    session: Session,
    *,
    plan_id: str | None = None,
    place_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[EntryFigures]:
    """The revisions in force as plain rows of what progress counts, oldest first (ties by
    entry id): one statement, no ORM objects built, tracked or kept."""
    columns = [getattr(EntryRevision, name) for name in (*FIGURE_COLUMNS, *COUNT_FIELDS)]
    query = _in_force(
        select(*columns), plan_id=plan_id, place_id=place_id, since=since, until=until
    )
    oldest_first = (col(EntryRevision.occurred_at), col(EntryRevision.entry_id))
    return list(session.exec(query.order_by(*oldest_first)))


def counted_total(
    session: Session,
    measures: Sequence[str],
    *,
    plan_id: str | None = None,
    place_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> tuple[int, int]:
    """How many revisions in force there are, and their ``measures`` (counters) summed: one
    aggregate statement."""
    summed = sum((getattr(EntryRevision, name) for name in measures), literal(0))
    query = _in_force(
        select(func.count(), func.coalesce(func.sum(summed), 0)),
        plan_id=plan_id,
        place_id=place_id,
        since=since,
        until=until,
    )
    count, total = session.exec(query).one()
    return int(count), int(total)


def pending_outbox(session: Session, limit: int = 500) -> list[OutboxItem]:
    """Changes not yet acknowledged by the server, oldest first."""
    query = (
        select(OutboxItem)
        .where(col(OutboxItem.acked_at).is_(None))
        .order_by(col(OutboxItem.mutation_id))
        .limit(limit)
    )
    return list(session.exec(query))
