"""Push: one device's batch of entry mutations, applied in one transaction, safe to replay.

Rules, in the order they are checked for each mutation:
- a revision id already stored is a replay: acknowledged as ``duplicate``, nothing written;
- a mutation id at or below the last one acknowledged for this device and officer, with a
  revision never stored, was answered as a conflict before and is answered so again;
- a create (no base) of an entry id already in use is a ``conflict``: nothing is overwritten;
- an edit or delete whose base is the revision in force becomes the new revision in force;
- one whose base is an older revision of the entry (a concurrent edit) is kept as well and,
  being later in server order, wins; the entry is flagged ``needs_review``;
- one whose base the server does not know is a ``conflict``.
References to plans, actions and places must exist and lie in the caller's areas, and edits
need the right to change the entry; otherwise the whole batch is refused (``Refused``) and,
as the transaction is rolled back, nothing of it is stored.
"""

from sqlmodel import Session

from app.model import Action, Entry, EntryRevision, Place, Plan, SyncDevice
from app.model.clock import utcnow
from app.sync.schemas import MutationIn, MutationResult, PushIn, PushOut
from app.sync.scope import Scope, may_edit_entry
from app.sync.versions import lock_versions


class Refused(Exception):
    """The batch as a whole is refused with an HTTP status; nothing of it is stored."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def push_batch(session: Session, scope: Scope, batch: PushIn) -> PushOut:
    """Apply a batch; the caller commits (and must, before answering the device)."""
    lock_versions(session)  # one writer at a time: checks below cannot race another batch
    device = session.get(SyncDevice, (batch.client_id, scope.officer_id))
    if device is None:
        device = SyncDevice(client_id=batch.client_id, officer_id=scope.officer_id)
    results = [
        _apply(session, scope, device, mutation, number)
        for number, mutation in enumerate(batch.mutations, start=1)
    ]
    device.last_mutation_id = max(device.last_mutation_id, batch.mutations[-1].mutation_id)
    device.last_seen_at = utcnow()
    session.add(device)
    session.flush()
    return PushOut(results=results, last_mutation_id=device.last_mutation_id)


def _conflict(mutation: MutationIn, detail: str) -> MutationResult:
    return MutationResult(
        mutation_id=mutation.mutation_id,
        status="conflict",
        revision_id=mutation.revision_id,
        detail=detail,
    )


def _apply(
    session: Session, scope: Scope, device: SyncDevice, mutation: MutationIn, number: int
) -> MutationResult:
    stored = session.get(EntryRevision, mutation.revision_id)
    if stored is not None:
        return _replayed(session, scope, mutation, stored, number)
    if mutation.mutation_id <= device.last_mutation_id:
        return _conflict(mutation, "already answered as a conflict; this change was not stored")
    _check_references(session, scope, mutation, number)
    head = session.get(Entry, mutation.entry_id)
    if mutation.base_revision_id is None:
        if head is not None:
            return _conflict(mutation, f"entry {mutation.entry_id} already exists")
        return _create(session, scope, device, mutation)
    if head is None:
        return _conflict(mutation, f"unknown entry {mutation.entry_id}")
    if not may_edit_entry(session, scope, head):
        raise Refused(403, f"mutation {number}: you may not change entry {head.id}")
    base = session.get(EntryRevision, mutation.base_revision_id)
    if base is None or base.entry_id != head.id:
        return _conflict(mutation, f"unknown base revision {mutation.base_revision_id}")
    return _append(session, device, mutation, head, concurrent=base.id != head.current_revision_id)


def _replayed(
    session: Session, scope: Scope, mutation: MutationIn, stored: EntryRevision, number: int
) -> MutationResult:
    head = session.get(Entry, stored.entry_id)
    if head is None or not may_edit_entry(session, scope, head):
        raise Refused(403, f"mutation {number}: you may not change entry {stored.entry_id}")
    if stored.entry_id != mutation.entry_id:
        return _conflict(mutation, "this revision id belongs to another entry")
    return MutationResult(
        mutation_id=mutation.mutation_id,
        status="duplicate",
        revision_id=stored.id,
        server_version=stored.server_version,
        needs_review=head.needs_review,
    )


def _check_references(session: Session, scope: Scope, mutation: MutationIn, number: int) -> None:
    """Plans, actions and places must exist and lie in the caller's areas."""
    content = mutation.content
    plan = None
    if content.plan_id is not None:
        plan = session.get(Plan, content.plan_id)
        if plan is None:
            raise Refused(400, f"mutation {number}: unknown plan {content.plan_id}")
        if not scope.has_area(plan.area_id):
            raise Refused(403, f"mutation {number}: plan {plan.id} is outside your areas")
    if content.action_id is not None:
        action = session.get(Action, content.action_id)
        if action is None:
            raise Refused(400, f"mutation {number}: unknown action {content.action_id}")
        if plan is not None and action.plan_id != plan.id:
            raise Refused(400, f"mutation {number}: action {action.id} belongs to another plan")
        action_plan = plan or session.get(Plan, action.plan_id)
        if action_plan is None or not scope.has_area(action_plan.area_id):
            raise Refused(403, f"mutation {number}: action {action.id} is outside your areas")
    if content.place_id is not None:
        place = session.get(Place, content.place_id)
        if place is None:
            raise Refused(400, f"mutation {number}: unknown place {content.place_id}")
        if place.area_id is not None and not scope.has_area(place.area_id):
            raise Refused(403, f"mutation {number}: place {place.id} is outside your areas")


def _revision(
    device: SyncDevice, mutation: MutationIn, *, seq: int, officer_id: str
) -> EntryRevision:
    return EntryRevision(
        id=mutation.revision_id,
        entry_id=mutation.entry_id,
        seq=seq,
        base_revision_id=mutation.base_revision_id,
        officer_id=officer_id,
        device_id=device.client_id,
        recorded_at=mutation.recorded_at or utcnow(),
        deleted=mutation.deleted,
        **mutation.content.model_dump(),
    )


def _applied(mutation: MutationIn, revision: EntryRevision, head: Entry) -> MutationResult:
    return MutationResult(
        mutation_id=mutation.mutation_id,
        status="applied",
        revision_id=revision.id,
        server_version=revision.server_version,
        needs_review=head.needs_review,
    )


def _create(
    session: Session, scope: Scope, device: SyncDevice, mutation: MutationIn
) -> MutationResult:
    revision = _revision(device, mutation, seq=1, officer_id=scope.officer_id)
    head = Entry(
        id=mutation.entry_id,
        officer_id=scope.officer_id,
        device_id=device.client_id,
        current_revision_id=revision.id,
        current_seq=1,
    )
    session.add(head)
    session.flush()
    session.add(revision)
    session.flush()
    return _applied(mutation, revision, head)


def _append(
    session: Session, device: SyncDevice, mutation: MutationIn, head: Entry, *, concurrent: bool
) -> MutationResult:
    """A new revision in force; a concurrent one (stale base) also flags the entry."""
    revision = _revision(device, mutation, seq=head.current_seq + 1, officer_id=device.officer_id)
    session.add(revision)
    head.current_revision_id, head.current_seq = revision.id, revision.seq
    head.deleted = mutation.deleted
    head.needs_review = head.needs_review or concurrent
    session.add(head)
    session.flush()
    return _applied(mutation, revision, head)
