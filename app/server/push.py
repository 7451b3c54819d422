"""Push: one device's batch of entry mutations, applied in one transaction, safe to replay.

Rules, in the order they are checked for each mutation:
- a revision id already stored is a replay: acknowledged as ``duplicate``, nothing written —
  if its content is the stored one; the same id with other content is a ``conflict``
  (``revision_reused``), never a silent drop of the new content;
- a mutation id at or below the last one acknowledged for this device is judged like any
  other: it is either such a replay (its revision is stored) or a change never stored — a
  lost answer to a conflict (judged again, with the same outcome) or a device whose counter
  went back (restored from a backup), whose new changes must not be turned away;
- a create (no base) of an entry id already in use is a ``conflict``: nothing is overwritten;
- an edit or delete whose base is the revision in force becomes the new revision in force;
- one whose base is an older revision of the entry (a concurrent edit) is kept as well and,
  being later in server order, wins; the entry is flagged ``needs_review``;
- one whose base the server does not know is a ``conflict``.
An entry of a plan may not be dated before the plan's period (less ``PLAN_GRACE``).
References to plans, actions and places must exist and lie in the caller's areas, and edits
need the right to change the entry; otherwise the whole batch is refused (``Refused``) and,
as the transaction is rolled back, nothing of it is stored.

A batch is read in two queries and written in a few bulk statements, with its server
versions allocated once: building hundreds of ORM objects per batch would cost more than the
database does. On SQLite the new rows go to the driver's executemany directly (``_insert_rows``).

Concurrency. On SQLite (one writer at a time anyway) a batch takes the writers' lock (see
``versions``) before it reads anything. On PostgreSQL it first runs optimistically: it reads
and checks without the lock and takes it only to allocate versions and write, so the lock is
held for a few statements instead of the whole batch (every write, the device's included,
happens under it, so a locked run's reads stay true until it commits). Every read the rules
depend on is re-checked by the write itself: new rows by their primary keys, an entry's head
by an UPDATE guarded with the revision that was in force when read, the device's last
mutation id the same way. If anything changed meanwhile the transaction is rolled back and
the batch is run again with the lock taken first, so the result is always the locked one.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any, Literal

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Integer,
    Select,
    String,
    Table,
    Update,
    bindparam,
    cast,
    insert,
    literal,
    null,
    or_,
    union_all,
    update,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.core.model import Action, Entry, EntryRevision, Place, Plan, SyncDevice
from app.core.model.clock import to_utc, utcnow
from app.core.model.limits import EARLIEST, check_instant, earliest_for_plan
from app.core.store.versions import allocate, lock_versions
from app.core.sync.schemas import (
    EntryContentIn,
    MutationIn,
    MutationResult,
    PushIn,
    PushOut,
    RefusalCode,
)
from app.server.scope import Scope, may_edit_entry

_ENTRY, _REVISION = Entry.__table__, EntryRevision.__table__
_DEVICE, _PLAN, _ACTION, _PLACE = (
    SyncDevice.__table__,
    Plan.__table__,
    Action.__table__,
    Place.__table__,
)
# Statements built once: building and keying a statement costs as much as running it.

_DEVICE_KEY = (
    _DEVICE.c.client_id == bindparam("device"),
    _DEVICE.c.officer_id == bindparam("officer"),
)


def _part(kind: str, *columns: ColumnElement[Any]) -> Select:
    """One part of ``_READS``: kind, id, three texts, a number, two flags (NULL-padded)."""
    types = (String, String, String, String, Integer, Boolean, Boolean)
    padded = [*columns, *(None,) * (len(types) - len(columns))]
    return select(
        literal(kind, String).label("kind"),
        *(
            (cast(null(), kind_of) if column is None else column).label(name)
            for column, kind_of, name in zip(
                padded, types, ("id", "a", "b", "c", "n", "f1", "f2"), strict=True
            )
        ),
    )


_IDS = {name: bindparam(name, expanding=True) for name in ("revisions", "entries", "plans")}
_IDS |= {name: bindparam(name, expanding=True) for name in ("actions", "places")}
_READS = union_all(
    _part("device", _DEVICE.c.client_id, None, None, None, _DEVICE.c.last_mutation_id).where(
        *_DEVICE_KEY
    ),
    _part(
        "revision", _REVISION.c.id, _REVISION.c.entry_id, None, None, _REVISION.c.server_version
    ).where(_REVISION.c.id.in_(_IDS["revisions"])),
    _part(
        "head",
        _ENTRY.c.id,
        _ENTRY.c.officer_id,
        _ENTRY.c.device_id,
        _ENTRY.c.current_revision_id,
        _ENTRY.c.current_seq,
        _ENTRY.c.deleted,
        _ENTRY.c.needs_review,
    ).where(
        or_(
            _ENTRY.c.id.in_(_IDS["entries"]),
            _ENTRY.c.id.in_(
                select(_REVISION.c.entry_id).where(_REVISION.c.id.in_(_IDS["revisions"]))
            ),
        )
    ),
    _part("plan", _PLAN.c.id, _PLAN.c.area_id, cast(_PLAN.c.period_start, String)).where(
        _PLAN.c.id.in_(_IDS["plans"])
    ),
    _part(
        "action",
        _ACTION.c.id,
        _ACTION.c.plan_id,
        _PLAN.c.area_id,
        cast(_PLAN.c.period_start, String),
    )
    .join_from(_ACTION, _PLAN, _PLAN.c.id == _ACTION.c.plan_id)
    .where(_ACTION.c.id.in_(_IDS["actions"])),
    _part("place", _PLACE.c.id, _PLACE.c.area_id).where(_PLACE.c.id.in_(_IDS["places"])),
)
"""Everything a batch's rules read, in one statement: the device's acknowledgement state,
revisions already stored, the heads of the entries concerned, and the plans, actions and
places the batch points at with their areas."""
_COMPARED = (*EntryContentIn.model_fields, "base_revision_id", "deleted")
"""What a replay must repeat exactly to be the same change."""
_REPLAYED = select(_REVISION.c.id, *(_REVISION.c[name] for name in _COMPARED))


@dataclass(frozen=True)
class _DriverInsert:
    """``INSERT INTO table`` of every column as the driver takes it (positional parameters),
    with what turns a row into the driver's values: the columns in parameter order, and the
    positions of those whose type converts the value (its own bind processor)."""

    sql: str
    values: Callable[[dict[str, Any]], tuple[Any, ...]]
    processors: tuple[tuple[int, Callable[[Any], Any]], ...]

    @classmethod
    @lru_cache(maxsize=16)
    def of(cls, table: Table, dialect: Dialect) -> "_DriverInsert":
        compiled = insert(table).compile(dialect=dialect)
        names = compiled.positiontup
        assert names and len(names) > 1, "positional parameters (SQLite), a tuple of them"
        processors = (
            (position, table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
            for position, name in enumerate(names)
        )
        return cls(
            compiled.string,
            itemgetter(*names),
            tuple((position, process) for position, process in processors if process),
        )

    def parameters(self, rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        parameters = []
        for row in rows:
            values = list(self.values(row))
            for position, process in self.processors:
                values[position] = process(values[position])
            parameters.append(tuple(values))
        return parameters


def _insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (each with every column of ``table``) in one executemany.

    On SQLite the rows go to the driver as they are, each value of a column whose type
    converts it passed through the type's own bind processor: the values SQLAlchemy's
    executemany would send, without its per-row bookkeeping, which costs about as much as
    SQLite's own work here. Elsewhere SQLAlchemy's own (on PostgreSQL it batches the rows into
    multi-row VALUES)."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        connection.execute(insert(table), rows)
        return
    statement = _DriverInsert.of(table, connection.dialect)
    connection.exec_driver_sql(statement.sql, statement.parameters(rows))


_MOVE_HEAD = (
    update(_ENTRY)
    .where(_ENTRY.c.id == bindparam("head_id"), _ENTRY.c.current_revision_id == bindparam("read"))
    .values(
        current_revision_id=bindparam("rev"),
        current_seq=bindparam("seq"),
        deleted=bindparam("gone"),
        needs_review=bindparam("review"),
    )
)
_INSERT_DEVICE = insert(_DEVICE)
_MOVE_DEVICE = (
    update(_DEVICE)
    .where(*_DEVICE_KEY, _DEVICE.c.last_mutation_id == bindparam("read"))
    .values(last_mutation_id=bindparam("last"), last_seen_at=bindparam("now"))
)


class _Changed(Exception):
    """A row read without the lock changed before the batch wrote (optimistic run only)."""


_CODE_OF_STATUS = {
    400: RefusalCode.invalid,
    403: RefusalCode.not_allowed,
    404: RefusalCode.not_found,
    409: RefusalCode.conflict,
    413: RefusalCode.too_large,
}


class Refused(Exception):
    """The batch as a whole is refused with an HTTP status; nothing of it is stored."""

    def __init__(self, status: int, detail: str, code: RefusalCode | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code or _CODE_OF_STATUS.get(status, RefusalCode.invalid)


@dataclass
class _Revision:
    """What the rules need of a revision: stored, or written by this batch (``row`` set)."""

    id: str
    entry_id: str
    server_version: int | None
    row: dict | None = None
    content: dict | None = None
    """A stored revision's content, read when a batch replays it (compared with the replay)."""


@dataclass
class _Head:
    """An entry's head as the batch sees it; ``new`` ones are inserted, ``changed`` updated."""

    id: str
    officer_id: str
    device_id: str
    current_revision_id: str
    current_seq: int
    deleted: bool
    needs_review: bool
    created_at: datetime | None = None
    new: bool = False
    changed: bool = False
    read_revision_id: str | None = None
    """The revision in force when the head was read (guards the UPDATE)."""


@dataclass
class _Batch:
    """The rows a batch reads (one statement up front) and writes (bulk, once, at the end)."""

    revisions: dict[str, _Revision]
    heads: dict[str, _Head]
    plan_areas: dict[str, str]
    actions: dict[str, tuple[str, str]]
    """action id → (its plan, that plan's area)"""
    place_areas: dict[str, str | None]
    plan_starts: dict[str, date] = field(default_factory=dict)
    """plan id → the first day of its period (plans named and plans of actions named)"""
    checked: set[tuple[str | None, str | None, str | None]] = field(default_factory=set)
    earliest: dict[str | None, datetime] = field(default_factory=dict)
    """plan id (None: no plan) → the first instant its entries may carry"""
    written: list[_Revision] = field(default_factory=list)
    now: datetime = field(default_factory=utcnow)
    """The batch's instant: what it stores as received and judges "the future" against."""

    @classmethod
    def load(cls, session: Session, batch: PushIn, officer_id: str) -> "tuple[_Batch, _Device]":
        """Everything the rules need, read with ``_READS``; and the device's state."""
        mutations = batch.mutations
        wanted = {m.revision_id for m in mutations}
        wanted |= {m.base_revision_id for m in mutations if m.base_revision_id}
        params = {
            "device": batch.client_id,
            "officer": officer_id,
            "revisions": list(wanted),
            "entries": list({m.entry_id for m in mutations}),
            "plans": list({m.content.plan_id for m in mutations if m.content.plan_id}),
            "actions": list({m.content.action_id for m in mutations if m.content.action_id}),
            "places": list({m.content.place_id for m in mutations if m.content.place_id}),
        }
        rows = cls({}, {}, {}, {}, {})
        device = _Device(batch.client_id, officer_id, 0, False, 0)
        for row in session.connection().execute(_READS, params):
            if row.kind == "device":
                device = _Device(batch.client_id, officer_id, row.n, True, row.n)
            elif row.kind == "revision":
                rows.revisions[row.id] = _Revision(row.id, row.a, row.n)
            elif row.kind == "head":
                rows.heads[row.id] = _Head(
                    row.id, row.a, row.b, row.c, row.n, row.f1, row.f2, read_revision_id=row.c
                )
            elif row.kind == "plan":
                rows.plan_areas[row.id] = row.a
                rows.plan_starts[row.id] = date.fromisoformat(row.b[:10])
            elif row.kind == "action":
                rows.actions[row.id] = (row.a, row.b)
                rows.plan_starts[row.a] = date.fromisoformat(row.c[:10])
            else:
                rows.place_areas[row.id] = row.a
        replayed = [m.revision_id for m in mutations if m.revision_id in rows.revisions]
        if replayed:  # rare (a lost answer): the stored content, to compare with the replay
            query = _REPLAYED.where(_REVISION.c.id.in_(replayed))
            for stored in session.connection().execute(query).mappings():
                rows.revisions[stored["id"]].content = dict(stored)
        return rows, device

    def write(self, session: Session) -> None:
        """Versions for the new revisions, in batch order; then heads and revisions in bulk."""
        if self.written:
            first = allocate(session, len(self.written))
            for offset, revision in enumerate(self.written):
                revision.server_version = first + offset
                assert revision.row is not None
                revision.row["server_version"] = revision.server_version
        new_heads = [h for h in self.heads.values() if h.new]
        if new_heads:
            _insert_rows(session, _ENTRY, [_head_row(h) for h in new_heads])
        if self.written:
            _insert_rows(session, _REVISION, [r.row for r in self.written if r.row])
        for head in self.heads.values():
            if not head.changed or head.new:
                continue
            params = {
                "head_id": head.id,
                "read": head.read_revision_id,
                "rev": head.current_revision_id,
                "seq": head.current_seq,
                "gone": head.deleted,
                "review": head.needs_review,
            }
            _guarded_update(session, _MOVE_HEAD, params, head.id)


@dataclass
class _Device:
    """The pushing device's acknowledgement state (``SyncDevice``), read once per batch."""

    client_id: str
    officer_id: str
    last_mutation_id: int
    stored: bool
    read_mutation_id: int

    def write(self, session: Session) -> None:
        """Insert, or update guarded by the value read (another batch may have moved it)."""
        now = utcnow()
        if not self.stored:
            row: dict[str, object] = {
                "client_id": self.client_id,
                "officer_id": self.officer_id,
                "last_mutation_id": self.last_mutation_id,
            }
            row |= {"created_at": now, "last_seen_at": now}
            session.connection().execute(_INSERT_DEVICE, row)
            return
        params = {
            "device": self.client_id,
            "officer": self.officer_id,
            "read": self.read_mutation_id,
            "last": self.last_mutation_id,
            "now": now,
        }
        _guarded_update(session, _MOVE_DEVICE, params, self.client_id)


def _guarded_update(session: Session, statement: Update, params: dict, row: str) -> None:
    """An UPDATE whose WHERE holds the value read; no row moved means it changed meanwhile."""
    if session.connection().execute(statement, params).rowcount != 1:
        raise _Changed(row)


def _head_row(head: _Head) -> dict:
    return {
        "id": head.id,
        "officer_id": head.officer_id,
        "device_id": head.device_id,
        "current_revision_id": head.current_revision_id,
        "current_seq": head.current_seq,
        "deleted": head.deleted,
        "needs_review": head.needs_review,
        "created_at": head.created_at or utcnow(),
    }


@dataclass(frozen=True)
class _Pending:
    """An applied mutation whose result waits for its server version."""

    mutation: MutationIn
    revision: _Revision
    head: _Head
    status: Literal["applied", "duplicate"] = "applied"


def push_and_commit(session: Session, scope: Scope, batch: PushIn) -> PushOut:
    """Apply a batch and commit it: optimistically first on PostgreSQL (see the module)."""
    if session.get_bind().dialect.name == "postgresql":
        try:
            result = push_batch(session, scope, batch, locked=False)
            session.commit()
            return result
        except (_Changed, IntegrityError):
            session.rollback()
    result = push_batch(session, scope, batch)
    session.commit()
    return result


def push_batch(session: Session, scope: Scope, batch: PushIn, *, locked: bool = True) -> PushOut:
    """Apply a batch; the caller commits (and must, before answering the device).

    ``locked=False`` reads without the writers' lock and raises ``_Changed`` (or the
    database's IntegrityError) when a row it read changed before it wrote."""
    if not batch.ids_increase():
        raise Refused(400, "mutation ids must increase within a batch")
    if locked:
        lock_versions(session)  # one writer at a time: checks below cannot race another batch
    rows, device = _Batch.load(session, batch, scope.officer_id)
    outcomes = [
        _apply(session, scope, device, mutation, number, rows)
        for number, mutation in enumerate(batch.mutations, start=1)
    ]
    if not locked and not rows.written:
        lock_versions(session)  # every write happens under the lock, the device's too
    rows.write(session)
    device.last_mutation_id = max(device.last_mutation_id, batch.mutations[-1].mutation_id)
    device.write(session)
    results = [_result(o) if isinstance(o, _Pending) else o for o in outcomes]
    return PushOut(results=results, last_mutation_id=device.last_mutation_id)


def _conflict(mutation: MutationIn, code: RefusalCode, detail: str) -> MutationResult:
    return MutationResult(
        mutation_id=mutation.mutation_id,
        status="conflict",
        revision_id=mutation.revision_id,
        detail=detail,
        code=code,
    )


def _comparable(value: Any) -> Any:
    """Stored and sent values on one footing: instants as UTC, enums as their values."""
    if isinstance(value, datetime):
        return to_utc(value) if value.tzinfo else value.replace(tzinfo=UTC)
    return getattr(value, "value", value)


def _same_change(mutation: MutationIn, stored: dict[str, Any]) -> bool:
    sent = {
        **mutation.content.model_dump(),
        "base_revision_id": mutation.base_revision_id,
        "deleted": mutation.deleted,
    }
    return all(_comparable(sent[name]) == _comparable(stored[name]) for name in _COMPARED)


def _apply(
    session: Session,
    scope: Scope,
    device: _Device,
    mutation: MutationIn,
    number: int,
    rows: _Batch,
) -> MutationResult | _Pending:
    stored = rows.revisions.get(mutation.revision_id)
    if stored is not None:
        return _replayed(session, scope, mutation, stored, number, rows)
    content = mutation.content
    references = (content.plan_id, content.action_id, content.place_id)
    if references not in rows.checked:
        _check_references(scope, mutation, number, rows)
        rows.checked.add(references)
    _check_dates(mutation, number, rows)
    head = rows.heads.get(mutation.entry_id)
    if mutation.base_revision_id is None:
        if head is not None:
            return _conflict(
                mutation, RefusalCode.entry_exists, f"entry {mutation.entry_id} already exists"
            )
        return _create(scope, device, mutation, rows)
    if head is None:
        return _conflict(mutation, RefusalCode.unknown_entry, f"unknown entry {mutation.entry_id}")
    if not may_edit_entry(session, scope, head.officer_id):
        raise Refused(
            403, f"mutation {number}: you may not change entry {head.id}", RefusalCode.not_yours
        )
    base = rows.revisions.get(mutation.base_revision_id)
    if base is None or base.entry_id != head.id:
        return _conflict(
            mutation,
            RefusalCode.unknown_base,
            f"unknown base revision {mutation.base_revision_id}",
        )
    concurrent = base.id != head.current_revision_id
    return _append(device, mutation, head, rows, concurrent=concurrent)


def _replayed(
    session: Session,
    scope: Scope,
    mutation: MutationIn,
    stored: _Revision,
    number: int,
    rows: _Batch,
) -> MutationResult | _Pending:
    head = rows.heads.get(stored.entry_id)
    if head is None or not may_edit_entry(session, scope, head.officer_id):
        raise Refused(
            403,
            f"mutation {number}: you may not change entry {stored.entry_id}",
            RefusalCode.not_yours,
        )
    if stored.entry_id != mutation.entry_id:
        return _conflict(
            mutation, RefusalCode.revision_reused, "this revision id belongs to another entry"
        )
    content = stored.row if stored.row is not None else stored.content
    if content is not None and not _same_change(mutation, content):
        return _conflict(
            mutation,
            RefusalCode.revision_reused,
            f"revision {mutation.revision_id} is stored with other content; this one was not",
        )
    if stored.row is not None:  # sent twice in one batch: written once, version still to come
        return _Pending(mutation, stored, head, status="duplicate")
    return MutationResult(
        mutation_id=mutation.mutation_id,
        status="duplicate",
        revision_id=stored.id,
        server_version=stored.server_version,
        needs_review=head.needs_review,
    )


def _check_references(scope: Scope, mutation: MutationIn, number: int, rows: _Batch) -> None:
    """Plans, actions and places must exist and lie in the caller's areas."""
    content = mutation.content
    if content.plan_id is not None:
        if content.plan_id not in rows.plan_areas:
            raise Refused(
                400, f"mutation {number}: unknown plan {content.plan_id}", RefusalCode.unknown_plan
            )
        if not scope.has_area(rows.plan_areas[content.plan_id]):
            raise Refused(
                403,
                f"mutation {number}: plan {content.plan_id} is outside your areas",
                RefusalCode.outside_areas,
            )
    if content.action_id is not None:
        if content.action_id not in rows.actions:
            raise Refused(
                400,
                f"mutation {number}: unknown action {content.action_id}",
                RefusalCode.unknown_action,
            )
        plan_id, area_id = rows.actions[content.action_id]
        if content.plan_id is not None and plan_id != content.plan_id:
            raise Refused(
                400,
                f"mutation {number}: action {content.action_id} belongs to another plan",
                RefusalCode.wrong_plan,
            )
        if not scope.has_area(area_id):
            raise Refused(
                403,
                f"mutation {number}: action {content.action_id} is outside your areas",
                RefusalCode.outside_areas,
            )
    if content.place_id is not None:
        if content.place_id not in rows.place_areas:
            raise Refused(
                400,
                f"mutation {number}: unknown place {content.place_id}",
                RefusalCode.unknown_place,
            )
        if not scope.has_place(rows.place_areas[content.place_id]):
            raise Refused(
                403,
                f"mutation {number}: place {content.place_id} is outside your areas",
                RefusalCode.outside_areas,
            )


def _check_dates(mutation: MutationIn, number: int, rows: _Batch) -> None:
    """Plausible instants (``app.core.model.limits``): not after now plus ``MAX_FUTURE``, not
    before 2000 nor, for an entry of a plan, before the plan's period less ``PLAN_GRACE``."""
    content = mutation.content
    plan_id = content.plan_id
    if plan_id is None and content.action_id is not None:
        plan_id = rows.actions[content.action_id][0]
    earliest = rows.earliest.get(plan_id)
    if earliest is None:
        earliest = EARLIEST if plan_id is None else earliest_for_plan(rows.plan_starts[plan_id])
        rows.earliest[plan_id] = earliest
    now = rows.now
    for name, value in (
        ("occurred_at", content.occurred_at),
        ("recorded_at", mutation.recorded_at),
    ):
        if value is None:
            continue
        try:
            check_instant(name, value, now, not_before=earliest)
        except ValueError as exc:
            where = "" if plan_id is None else f" (the plan starts on {rows.plan_starts[plan_id]})"
            raise Refused(400, f"mutation {number}: {exc}{where}") from None


def _revision(
    device: _Device, mutation: MutationIn, rows: _Batch, *, seq: int, officer_id: str
) -> _Revision:
    row = {
        **vars(mutation.content),  # its fields as validated (model_dump() would copy each)
        "id": mutation.revision_id,
        "entry_id": mutation.entry_id,
        "seq": seq,
        "base_revision_id": mutation.base_revision_id,
        "officer_id": officer_id,
        "device_id": device.client_id,
        "recorded_at": mutation.recorded_at or rows.now,
        "deleted": mutation.deleted,
        "server_version": None,
    }
    revision = _Revision(mutation.revision_id, mutation.entry_id, None, row)
    rows.revisions[revision.id] = revision
    rows.written.append(revision)
    return revision


def _result(pending: _Pending) -> MutationResult:
    return MutationResult(
        mutation_id=pending.mutation.mutation_id,
        status=pending.status,
        revision_id=pending.revision.id,
        server_version=pending.revision.server_version,
        needs_review=pending.head.needs_review,
    )


def _create(scope: Scope, device: _Device, mutation: MutationIn, rows: _Batch) -> _Pending:
    revision = _revision(device, mutation, rows, seq=1, officer_id=scope.officer_id)
    head = _Head(
        id=mutation.entry_id,
        officer_id=scope.officer_id,
        device_id=device.client_id,
        current_revision_id=revision.id,
        current_seq=1,
        deleted=False,
        needs_review=False,
        created_at=rows.now,
        new=True,
    )
    rows.heads[head.id] = head
    return _Pending(mutation, revision, head)


def _append(
    device: _Device, mutation: MutationIn, head: _Head, rows: _Batch, *, concurrent: bool
) -> _Pending:
    """A new revision in force; a concurrent one (stale base) also flags the entry."""
    revision = _revision(
        device, mutation, rows, seq=head.current_seq + 1, officer_id=device.officer_id
    )
    head.current_revision_id, head.current_seq = revision.id, head.current_seq + 1
    head.deleted = mutation.deleted
    head.needs_review = head.needs_review or concurrent
    head.changed = True
    return _Pending(mutation, revision, head)
