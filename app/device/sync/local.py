"""The device side of sync on the local database: what to send, and the answers to it.

Every function here is one local transaction. An outbox item is only marked done in the
same transaction that records the server's answer, so the app may be killed between any two
steps: what was not recorded is simply sent again, and the server answers a replay without
storing anything twice. (Pulled pages: ``apply``.)

Outbox items are *settled* once the service has answered them for good: ``acked_at`` is set,
and ``last_error`` / ``refusal_code`` say why when the service did not store the change (a
conflict or a refusal). Only the service's own recognisable answer settles an item (see
``client``). The local revision is kept either way, and a settled item with an error is
*unsent*: it stays in front of the officer (badge, History) until they resend it — an edit of
the entry resends it too — or discard it on purpose (``resolution``).
"""

from dataclasses import dataclass
from datetime import datetime

from pydantic import AnyHttpUrl, TypeAdapter, ValidationError
from sqlalchemy import ColumnElement, and_, not_, or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from app.core.model import Entry, EntryIn, EntryRevision, OutboxItem, Place
from app.core.model.clock import utcnow
from app.core.model.enums import Resolution
from app.core.model.ids import new_id
from app.core.store.db import session_scope
from app.core.store.entries import revise_entry
from app.core.store.plans import read_plan
from app.core.store.settings import get_setting, set_setting
from app.core.sync.outputs import stored_plan_input
from app.core.sync.schemas import (
    EntryContentIn,
    MutationIn,
    MutationResult,
    PlaceWriteIn,
    PlanWriteIn,
    RefusalCode,
)

TOKEN = "sync.token"
OFFICER_ID = "sync.officer_id"
BADGE = "sync.badge"
TOKEN_EXPIRES = "sync.token_expires_at"
CURSOR = "sync.cursor"
SCOPE = "sync.scope"
LAST_SUCCESS = "sync.last_success"
LAST_ERROR = "sync.last_error"
LAST_FAILURE = "sync.last_failure"
SERVER_URL = "server_url"
"""The service's address chosen on this device (Ustawienia); the app's default until set."""
DEVICE_ID = "sync.device_id"


_HTTP_URL: TypeAdapter[AnyHttpUrl] = TypeAdapter(AnyHttpUrl)


def valid_server_url(text: str) -> str:
    """The address as kept (no trailing slash); ``ValueError`` unless it is http(s) with a
    host — httpx itself takes "http://a b" and only fails when a round tries to connect."""
    text = text.strip()
    try:
        url = _HTTP_URL.validate_python(text)
    except ValidationError as exc:
        raise ValueError(f"not an http(s) address: {text!r}") from exc
    if not url.host or " " in text:
        raise ValueError(f"not an http(s) address: {text!r}")
    return text.rstrip("/")


def device_id(engine: Engine) -> str:
    """This device's id for the server (made once, kept in the local store)."""
    with session_scope(engine) as session:
        value = get_setting(session, DEVICE_ID)
        if not value:
            value = new_id()
            set_setting(session, DEVICE_ID, value)
        return value


def signed_in_officer_id(session: Session) -> str | None:
    """The server id of the officer signed in on this device (entries are logged as them)."""
    return get_setting(session, OFFICER_ID) or None


# outbox --------------------------------------------------------------------------------


def _by(officer_id: str | None) -> ColumnElement[bool]:
    """Changes of ``officer_id`` (and those queued before authors were kept)."""
    authorless = col(OutboxItem.officer_id).is_(None)
    if officer_id is None:
        return authorless
    return or_(col(OutboxItem.officer_id) == officer_id, authorless)


def pending_items(engine: Engine, limit: int) -> list[OutboxItem]:
    """The oldest changes waiting, of the officer whose sign-in (token) this device holds.

    Changes made under another officer (a phone handed over before it synced, a sign-out
    while something waited) wait for that officer: they are never sent under someone else's
    sign-in, where the service would refuse them — or, worse, take them as that person's.
    """
    with session_scope(engine) as session:
        officer_id = signed_in_officer_id(session)
        query = (
            select(OutboxItem)
            .where(col(OutboxItem.acked_at).is_(None), _by(officer_id))
            .order_by(col(OutboxItem.mutation_id))
            .limit(limit)
        )
        return list(session.exec(query))


_UNSENT = (
    col(OutboxItem.acked_at).is_not(None),
    OutboxItem.last_error != "",
    col(OutboxItem.resolved_at).is_(None),
)
"""Answered without being stored, and neither resent nor discarded yet."""


def pending_count(engine: Engine, officer_id: str | None = None) -> int:
    """Changes waiting to be sent: all of them, or those of ``officer_id``."""
    with session_scope(engine) as session:
        query = select(func.count()).where(col(OutboxItem.acked_at).is_(None))
        if officer_id is not None:
            query = query.where(_by(officer_id))
        return int(session.exec(query).one())


def unsent_count(engine: Engine, officer_id: str | None = None) -> int:
    """Changes the service would not store that their officer has not dealt with yet."""
    with session_scope(engine) as session:
        query = select(func.count()).where(*_UNSENT)
        if officer_id is not None:
            query = query.where(_by(officer_id))
        return int(session.exec(query).one())


@dataclass(frozen=True)
class Waiting:
    """What of this device's changes is not in the unit's store yet, as one officer sees it."""

    pending: int
    """Their changes waiting to be sent."""
    unsent: int
    """Their changes the service did not store, not yet resent or given up."""
    others: int
    """Changes of other officers of this device, waiting or not stored: each waits for its
    own officer's sign-in (never sent under this one's)."""


def waiting(engine: Engine, officer_id: str | None) -> Waiting:
    """The counts the badge shows to ``officer_id`` (``None``: nobody signed in)."""
    mine = _by(officer_id)
    with session_scope(engine) as session:
        pending = select(func.count()).where(col(OutboxItem.acked_at).is_(None))
        unsent = select(func.count()).where(*_UNSENT)
        open_ = or_(col(OutboxItem.acked_at).is_(None), and_(*_UNSENT))
        others = select(func.count()).where(open_, not_(mine))
        return Waiting(
            pending=int(session.exec(pending.where(mine)).one()),
            unsent=int(session.exec(unsent.where(mine)).one()),
            others=int(session.exec(others).one()),
        )


def conflicts(engine: Engine, officer_id: str | None = None) -> list[OutboxItem]:
    """Changes the service answered without storing them and still unresolved, oldest first
    (all, or those of ``officer_id``)."""
    with session_scope(engine) as session:
        query = select(OutboxItem).where(*_UNSENT).order_by(col(OutboxItem.mutation_id))
        if officer_id is not None:
            query = query.where(_by(officer_id))
        return list(session.exec(query))


def unsent_entries(session: Session, officer_id: str | None = None) -> dict[str, OutboxItem]:
    """Entry id → the newest of its changes the service would not store (unresolved); all,
    or those of ``officer_id``."""
    query = (
        select(OutboxItem)
        .where(*_UNSENT, OutboxItem.object_type == "entry")
        .order_by(col(OutboxItem.mutation_id))
    )
    if officer_id is not None:
        query = query.where(_by(officer_id))
    return {item.object_id: item for item in session.exec(query)}


def conflicts_in(session: Session, officer_id: str) -> list[OutboxItem]:
    """``officer_id``'s changes the service did not store, unresolved, oldest first."""
    query = (
        select(OutboxItem).where(*_UNSENT, _by(officer_id)).order_by(col(OutboxItem.mutation_id))
    )
    return list(session.exec(query))


def pending_of(session: Session, object_type: str, object_id: str, officer_id: str) -> int:
    """``officer_id``'s changes of this object waiting to be sent."""
    query = select(func.count()).where(
        OutboxItem.object_type == object_type,
        OutboxItem.object_id == object_id,
        col(OutboxItem.acked_at).is_(None),
        _by(officer_id),
    )
    return int(session.exec(query).one())


def unsettled_ids(session: Session, object_type: str) -> set[str]:
    """Plans (or places) with a change of this device waiting, or not stored and not dealt
    with yet: the device's copy is that change, and a pull must not put it back silently."""
    query = select(OutboxItem.object_id).where(
        OutboxItem.object_type == object_type,
        or_(col(OutboxItem.acked_at).is_(None), and_(*_UNSENT)),
    )
    return set(session.exec(query))


def waiting_for_others(session: Session, object_type: str, object_id: str, officer_id: str) -> int:
    """Changes of this object made by other officers on this device, not in the unit's store."""
    query = select(func.count()).where(
        OutboxItem.object_type == object_type,
        OutboxItem.object_id == object_id,
        or_(col(OutboxItem.acked_at).is_(None), and_(*_UNSENT)),
        col(OutboxItem.officer_id).is_not(None),
        col(OutboxItem.officer_id) != officer_id,
    )
    return int(session.exec(query).one())


def pending_entry_ids(session: Session) -> set[str]:
    """Entries with a change still waiting to be sent."""
    query = select(OutboxItem.object_id).where(
        col(OutboxItem.acked_at).is_(None), OutboxItem.object_type == "entry"
    )
    return set(session.exec(query))


def resolve(session: Session, item: OutboxItem, resolution: Resolution) -> None:
    item.resolved_at, item.resolution = utcnow(), resolution
    session.add(item)


def resend(engine: Engine, mutation_id: int, *, officer_id: str, device_id: str) -> None:
    """Send a change again that the service did not store (after the cause was put right).

    It gets a new mutation id; an entry goes as it is now on the device (``entry_mutation``
    bases it on what the service holds), as a new revision when the service holds its
    revision id with other content. Only the change's own officer resends it."""
    with session_scope(engine) as session:
        item = session.get(OutboxItem, mutation_id)
        if item is None or item.resolved_at is not None or item.acked_at is None:
            return
        if item.officer_id not in (None, officer_id):
            return
        revision_id = item.revision_id
        head = session.get(Entry, item.object_id) if item.object_type == "entry" else None
        if head is not None:
            revision_id = head.current_revision_id
            if item.refusal_code == RefusalCode.revision_reused and not head.deleted:
                current = session.get(EntryRevision, head.current_revision_id)
                assert current is not None  # a head always points at a stored revision
                content = EntryIn.model_validate(
                    current.model_dump(include=set(EntryIn.model_fields))
                )
                revise_entry(
                    session, head.id, content, officer_id=officer_id, device_id=device_id
                )  # queues it, and marks the unsent change resent
                return
        session.add(
            OutboxItem(
                object_type=item.object_type,
                object_id=item.object_id,
                revision_id=revision_id,
                officer_id=officer_id,
            )
        )
        _resolve_entry_items(session, item, Resolution.resent)


def discard(engine: Engine, mutation_id: int, *, officer_id: str, device_id: str) -> None:
    """Give up a change the service did not store, on purpose; the discard is recorded.

    An entry returns to what the unit's store holds of it — its last revision the service
    stored, or nothing (a local tombstone) — and its other waiting changes are given up too.
    That local revision is not sent: the service already holds what it restores. A plan or a
    place is pulled again whole (from the start of the change log), so the device's copy
    becomes the unit's again. Only the change's own officer gives it up."""
    with session_scope(engine) as session:
        item = session.get(OutboxItem, mutation_id)
        if item is None or item.resolved_at is not None:
            return
        if item.officer_id not in (None, officer_id):
            return
        if item.object_type == "entry":
            _restore_stored(session, item.object_id, officer_id=officer_id, device_id=device_id)
        else:
            set_setting(session, CURSOR, "0")
        _resolve_entry_items(session, item, Resolution.discarded)


def _resolve_entry_items(session: Session, item: OutboxItem, resolution: Resolution) -> None:
    """``item`` and, for an entry, its other unsent or (on discard) waiting changes."""
    others = select(OutboxItem).where(
        OutboxItem.object_type == item.object_type,
        OutboxItem.object_id == item.object_id,
        col(OutboxItem.resolved_at).is_(None),
        col(OutboxItem.mutation_id) != item.mutation_id,
    )
    for other in session.exec(others):
        unsent = other.acked_at is not None and other.last_error != ""
        waiting = other.acked_at is None
        if unsent or (waiting and resolution is Resolution.discarded):
            if waiting:
                other.acked_at, other.last_error = utcnow(), "discarded on this device"
            resolve(session, other, resolution)
    resolve(session, item, resolution)


def _restore_stored(session: Session, entry_id: str, *, officer_id: str, device_id: str) -> None:
    head = session.get(Entry, entry_id)
    if head is None:
        return
    query = (
        select(EntryRevision)
        .where(EntryRevision.entry_id == entry_id, col(EntryRevision.server_version).is_not(None))
        .order_by(col(EntryRevision.seq).desc())
        .limit(1)
    )
    stored = session.exec(query).first()
    current = session.get(EntryRevision, head.current_revision_id)
    source = stored or current
    if source is None or (stored is not None and stored.id == head.current_revision_id):
        return
    content = source.model_dump(include=set(EntryIn.model_fields))
    revision = EntryRevision(
        id=new_id(),
        entry_id=entry_id,
        seq=head.current_seq + 1,
        base_revision_id=head.current_revision_id,
        officer_id=officer_id,
        device_id=device_id,
        deleted=stored.deleted if stored is not None else True,
        **content,
    )
    session.add(revision)
    head.current_revision_id, head.current_seq = revision.id, revision.seq
    head.deleted = revision.deleted
    session.add(head)


def _sent_base(session: Session, revision: EntryRevision) -> str | None:
    """The base to name when sending ``revision``: its own base when the service holds it or
    will (still waiting to be sent), else the nearest earlier revision the service holds —
    a change built on one the service refused or that was discarded here is sent over what
    the unit's store really has (``None``: as a new entry)."""
    base_id = revision.base_revision_id
    while base_id is not None:
        base = session.get(EntryRevision, base_id)
        if base is None:
            return None
        if base.server_version is not None:
            return base.id
        waiting = select(OutboxItem.mutation_id).where(
            OutboxItem.revision_id == base.id, col(OutboxItem.acked_at).is_(None)
        )
        if session.exec(waiting).first() is not None:
            return base.id
        base_id = base.base_revision_id
    return None


def entry_mutation(engine: Engine, item: OutboxItem) -> MutationIn:
    """The push form of an outbox item; ``ValueError`` when it cannot be sent as it is."""
    with session_scope(engine) as session:
        revision = session.get(EntryRevision, item.revision_id)
        if revision is None:
            raise ValueError(f"revision {item.revision_id} is missing from this device")
        content = {name: getattr(revision, name) for name in EntryIn.model_fields}
        try:
            return MutationIn(
                mutation_id=item.mutation_id or 0,
                type="entry",
                entry_id=revision.entry_id,
                revision_id=revision.id,
                base_revision_id=_sent_base(session, revision),
                deleted=revision.deleted,
                recorded_at=revision.recorded_at,
                content=EntryContentIn.model_validate(content),
            )
        except ValidationError as exc:
            raise ValueError(f"entry {revision.entry_id} cannot be sent: {exc}") from exc


def place_document(engine: Engine, place_id: str) -> PlaceWriteIn:
    """A place created on this device, as the service's ``PUT /places/{id}`` takes it."""
    with session_scope(engine) as session:
        place = session.get(Place, place_id)
        if place is None:
            raise LookupError(f"place {place_id} is missing from this device")
        return PlaceWriteIn.model_validate(place.model_dump(exclude={"id", "server_version"}))


def plan_document(engine: Engine, plan_id: str) -> PlanWriteIn:
    """The whole plan as the server's ``PUT`` takes it, status and review note included."""
    with session_scope(engine) as session:
        plan_in = stored_plan_input(session, plan_id)
        note = read_plan(session, plan_id).plan.review_note
        return PlanWriteIn.model_validate({**plan_in.model_dump(), "review_note": note})


@dataclass(frozen=True)
class Settled:
    stored: int
    """Changes the server stored, now or before (a replay)."""
    conflicts: int
    """Changes the server answered as conflicts: kept here, not stored there."""


def settle(engine: Engine, items: list[OutboxItem], results: list[MutationResult]) -> Settled:
    """Record the server's answers; only answers that match an item (id and revision) count."""
    by_id = {r.mutation_id: r for r in results}
    stored = conflicts = 0
    now = utcnow()
    with session_scope(engine) as session:
        for item in items:
            result = by_id.get(item.mutation_id or 0)
            if result is None or result.revision_id != item.revision_id:
                continue  # an answer to some other request: this item stays pending
            row = session.get(OutboxItem, item.mutation_id)
            if row is None or row.acked_at is not None:
                continue
            row.acked_at, row.attempts = now, row.attempts + 1
            if result.status == "conflict":
                row.last_error = f"conflict: {result.detail}"[:500]
                row.refusal_code = result.code or RefusalCode.conflict
                conflicts += 1
            else:
                row.last_error = ""
                stored += 1
                revision = session.get(EntryRevision, item.revision_id)
                if revision is not None and result.server_version is not None:
                    revision.server_version = result.server_version
                    session.add(revision)
            session.add(row)
    return Settled(stored, conflicts)


def settle_document(engine: Engine, item: OutboxItem, server_version: int | None = None) -> None:
    """The service stored the whole document (a plan, a place)."""
    with session_scope(engine) as session:
        row = session.get(OutboxItem, item.mutation_id)
        if row is not None and row.acked_at is None:
            row.acked_at, row.attempts, row.last_error = utcnow(), row.attempts + 1, ""
            session.add(row)
        if item.object_type == "place" and server_version is not None:
            place = session.get(Place, item.object_id)
            if place is not None:
                place.server_version = server_version
                session.add(place)


def settle_refused(
    engine: Engine, item: OutboxItem, reason: str, code: RefusalCode | str = ""
) -> None:
    """The service refused this change for good (or it cannot be sent): stop sending it,
    and keep why in front of the officer."""
    with session_scope(engine) as session:
        row = session.get(OutboxItem, item.mutation_id)
        if row is not None and row.acked_at is None:
            row.acked_at, row.attempts = utcnow(), row.attempts + 1
            row.last_error = f"refused: {reason}"[:500]
            row.refusal_code = str(code or RefusalCode.invalid)
            session.add(row)


def record_failure(engine: Engine, items: list[OutboxItem], reason: str) -> None:
    """A try that got no answer: the items stay pending, the UI can show why."""
    with session_scope(engine) as session:
        for item in items:
            row = session.get(OutboxItem, item.mutation_id)
            if row is not None and row.acked_at is None:
                row.attempts += 1
                row.last_error = reason[:500]
                session.add(row)


# sign-in and settings ------------------------------------------------------------------


def read_settings(engine: Engine, *keys: str) -> dict[str, str]:
    with session_scope(engine) as session:
        return {key: get_setting(session, key) for key in keys}


def write_settings(engine: Engine, values: dict[str, str]) -> None:
    with session_scope(engine) as session:
        for key, value in values.items():
            set_setting(session, key, value)


def parse_time(value: str) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
