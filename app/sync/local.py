"""The device side of sync on the local database: what to send, and the answers to it.

Every function here is one local transaction. An outbox item is only marked done in the
same transaction that records the server's answer, so the app may be killed between any two
steps: what was not recorded is simply sent again, and the server answers a replay without
storing anything twice. (Pulled pages: ``apply``.)

Outbox items are *settled* once the server has answered them for good: ``acked_at`` is set,
and ``last_error`` says why when the server did not store the change (a conflict or a
refusal). The local revision is kept either way; settled items with an error are the
conflicts a user may want to look at.
"""

from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError
from sqlalchemy import or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from app.model import EntryIn, EntryRevision, OutboxItem
from app.model.clock import utcnow
from app.model.ids import new_id
from app.store.db import session_scope
from app.store.plans import read_plan
from app.store.settings import get_setting, set_setting
from app.sync.outputs import stored_plan_input
from app.sync.schemas import EntryContentIn, MutationIn, MutationResult, PlanWriteIn

TOKEN = "sync.token"
OFFICER_ID = "sync.officer_id"
BADGE = "sync.badge"
TOKEN_EXPIRES = "sync.token_expires_at"
CURSOR = "sync.cursor"
SCOPE = "sync.scope"
LAST_SUCCESS = "sync.last_success"
LAST_ERROR = "sync.last_error"
DEVICE_ID = "sync.device_id"


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


def pending_items(engine: Engine, limit: int) -> list[OutboxItem]:
    """The oldest changes waiting, of the officer signed in now.

    Entries written under another officer (a phone handed over before it synced) wait for
    that officer: the server would refuse them under this officer's token.
    """
    with session_scope(engine) as session:
        officer_id = signed_in_officer_id(session)
        query = (
            select(OutboxItem)
            .outerjoin(EntryRevision, col(EntryRevision.id) == OutboxItem.revision_id)
            .where(col(OutboxItem.acked_at).is_(None))
            .where(or_(OutboxItem.object_type != "entry", EntryRevision.officer_id == officer_id))
            .order_by(col(OutboxItem.mutation_id))
            .limit(limit)
        )
        return list(session.exec(query))


def pending_count(engine: Engine) -> int:
    with session_scope(engine) as session:
        query = select(func.count()).where(col(OutboxItem.acked_at).is_(None))
        return int(session.exec(query).one())


def conflicts(engine: Engine) -> list[OutboxItem]:
    """Changes the server answered without storing them (kept locally)."""
    with session_scope(engine) as session:
        query = (
            select(OutboxItem)
            .where(col(OutboxItem.acked_at).is_not(None), OutboxItem.last_error != "")
            .order_by(col(OutboxItem.mutation_id))
        )
        return list(session.exec(query))


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
                base_revision_id=revision.base_revision_id,
                deleted=revision.deleted,
                recorded_at=revision.recorded_at,
                content=EntryContentIn.model_validate(content),
            )
        except ValidationError as exc:
            raise ValueError(f"entry {revision.entry_id} cannot be sent: {exc}") from exc


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


def settle_plan(engine: Engine, item: OutboxItem) -> None:
    """The server stored the whole plan document."""
    with session_scope(engine) as session:
        row = session.get(OutboxItem, item.mutation_id)
        if row is not None and row.acked_at is None:
            row.acked_at, row.attempts, row.last_error = utcnow(), row.attempts + 1, ""
            session.add(row)


def settle_refused(engine: Engine, item: OutboxItem, reason: str) -> None:
    """The server refused this change for good (or it cannot be sent): stop sending it."""
    with session_scope(engine) as session:
        row = session.get(OutboxItem, item.mutation_id)
        if row is not None and row.acked_at is None:
            row.acked_at, row.attempts = utcnow(), row.attempts + 1
            row.last_error = f"refused: {reason}"[:500]
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
