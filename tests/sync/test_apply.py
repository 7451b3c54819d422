"""Storing a pulled page on the device: several revisions of one entry in page order, our own
pending revision kept in force, our own revision coming back — and the bulk apply against the
row-by-row rules it replaced, on random pages."""

from __future__ import annotations

import random
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import Session, col

from app.core.model import Entry, EntryIn, EntryKind, EntryRevision, OutboxItem
from app.core.model.clock import utcnow
from app.core.model.ids import new_id
from app.core.store.db import session_scope
from app.core.store.entries import log_entry, revise_entry
from app.core.sync.schemas import ChangesOut, RevisionOut
from app.device.sync import apply, local
from app.device.sync.client import SyncClient
from tests.sync.conftest import DeviceFactory, snapshot

OTHER_PHONE = "other-phone"


def officer_of(device: SyncClient) -> str:
    with Session(device.engine) as session:
        officer_id = local.signed_in_officer_id(session)
    assert officer_id is not None
    return officer_id


def pulled(
    officer_id: str,
    entry_id: str,
    version: int,
    *,
    revision_id: str | None = None,
    seq: int = 1,
    deleted: bool = False,
    needs_review: bool = False,
    note: str = "",
) -> RevisionOut:
    """A revision as the service sends it (another phone's, unless ``revision_id`` is ours)."""
    return RevisionOut(
        id=revision_id or new_id(),
        entry_id=entry_id,
        seq=seq,
        base_revision_id=None,
        officer_id=officer_id,
        device_id=OTHER_PHONE,
        recorded_at=utcnow() - timedelta(minutes=30),
        deleted=deleted,
        server_version=version,
        entry_officer_id=officer_id,
        entry_device_id=OTHER_PHONE,
        entry_needs_review=needs_review,
        kind=EntryKind.place_check,
        occurred_at=utcnow() - timedelta(hours=1),
        persons_legitimised=1,
        note=note,
    )


def page(revisions: list[RevisionOut], cursor: int = 100) -> ChangesOut:
    return ChangesOut(
        since=0,
        next_cursor=cursor,
        has_more=False,
        scope="test",
        last_mutation_id=None,
        units=[],
        areas=[],
        officers=[],
        places=[],
        plans=[],
        revisions=revisions,
    )


def head_of(device: SyncClient, entry_id: str) -> Entry:
    with Session(device.engine) as session:
        head = session.get(Entry, entry_id)
        assert head is not None
        return head


def revision_of(device: SyncClient, revision_id: str) -> EntryRevision:
    with Session(device.engine) as session:
        revision = session.get(EntryRevision, revision_id)
        assert revision is not None
        return revision


def log_here(device: SyncClient, note: str = "") -> EntryRevision:
    """An entry logged on this device, waiting in its outbox."""
    content = EntryIn(
        kind=EntryKind.place_check, occurred_at=utcnow() - timedelta(hours=2), note=note
    )
    with session_scope(device.engine) as session:
        return log_entry(
            session, content, officer_id=officer_of(device), device_id=device.device_id
        )


def edit_here(device: SyncClient, entry_id: str, note: str) -> EntryRevision:
    content = EntryIn(kind=EntryKind.place_check, occurred_at=utcnow() - timedelta(hours=2))
    with session_scope(device.engine) as session:
        revision = revise_entry(
            session,
            entry_id,
            content.model_copy(update={"note": note}),
            officer_id=officer_of(device),
            device_id=device.device_id,
        )
        return EntryRevision.model_validate(revision.model_dump())


def mark_sent(device: SyncClient, revision: EntryRevision, version: int) -> None:
    """As if the service had stored it: acknowledged, with its version."""
    with session_scope(device.engine) as session:
        session.execute(
            update(OutboxItem)
            .where(col(OutboxItem.revision_id) == revision.id)
            .values(acked_at=utcnow())
        )
        session.execute(
            update(EntryRevision)
            .where(col(EntryRevision.id) == revision.id)
            .values(server_version=version)
        )


def test_several_revisions_of_one_entry_on_a_page_are_applied_in_page_order(
    make_device: DeviceFactory,
) -> None:
    device = make_device()
    officer = officer_of(device)
    entry, single = new_id(), new_id()
    first = pulled(officer, entry, 10, note="pierwsza")
    second = pulled(officer, entry, 11, seq=2, note="poprawka")
    tombstone = pulled(officer, entry, 12, seq=3, deleted=True, needs_review=True)
    alone = pulled(officer, single, 13)
    changes = page([first, second, alone, tombstone])
    assert apply.apply_page(device.engine, changes) == 4

    head = head_of(device, entry)
    assert (head.current_revision_id, head.current_seq) == (tombstone.id, 3)
    assert head.deleted and head.needs_review  # needs_review as the last of the page says
    assert head.officer_id == officer and head.device_id == OTHER_PHONE
    assert [revision_of(device, r.id).server_version for r in (first, second, tombstone)] == [
        10,
        11,
        12,
    ]
    assert revision_of(device, second.id).note == "poprawka"
    assert head_of(device, single).current_revision_id == alone.id
    assert local.read_settings(device.engine, local.CURSOR)[local.CURSOR] == "100"

    before = snapshot(device.engine)
    apply.apply_page(device.engine, changes)  # the same page pulled twice changes nothing
    assert snapshot(device.engine) == before

    # newer first, then an older one (stale): the head stays on the newer
    restored = pulled(officer, entry, 21, seq=5, note="przywrócona")
    stale = pulled(officer, entry, 20, seq=4, note="starsza")
    apply.apply_page(device.engine, page([restored, stale]))
    head = head_of(device, entry)
    assert (head.current_revision_id, head.current_seq, head.deleted) == (restored.id, 5, False)
    assert not head.needs_review
    assert revision_of(device, stale.id).server_version == 20  # stored all the same


def test_our_pending_revision_is_not_overtaken_and_takes_the_servers_order_back(
    make_device: DeviceFactory,
) -> None:
    device = make_device()
    officer = officer_of(device)
    logged = log_here(device, "zapisana")
    mark_sent(device, logged, 5)
    ours = edit_here(device, logged.entry_id, "nasza poprawka")  # waiting in the outbox

    theirs = pulled(officer, logged.entry_id, 30, seq=2, note="z innego telefonu")
    apply.apply_page(device.engine, page([theirs]))
    head = head_of(device, logged.entry_id)
    assert (head.current_revision_id, head.current_seq) == (ours.id, 2)  # ours stays in force
    assert revision_of(device, theirs.id).note == "z innego telefonu"  # theirs is stored

    # ours comes back (merged after theirs): the server's order and version, still in force
    back = pulled(officer, logged.entry_id, 31, revision_id=ours.id, seq=3, needs_review=True)
    apply.apply_page(device.engine, page([back]))
    stored = revision_of(device, ours.id)
    assert (stored.seq, stored.server_version, stored.note) == (3, 31, "nasza poprawka")
    head = head_of(device, logged.entry_id)
    assert (head.current_revision_id, head.current_seq, head.needs_review) == (ours.id, 3, True)

    # once sent, an older revision of the service does not overtake it either
    mark_sent(device, ours, 31)
    late = pulled(officer, logged.entry_id, 25, seq=2)
    apply.apply_page(device.engine, page([late]))
    assert head_of(device, logged.entry_id).current_revision_id == ours.id


# the rules as they were, one ORM object per row: the bulk apply must store the same ----------


def _row_by_row(session: Session, incoming: RevisionOut, pending: set[str]) -> None:
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
    else:
        revision.seq, revision.server_version = incoming.seq, incoming.server_version
        session.add(revision)
    current = session.get(EntryRevision, head.current_revision_id)
    older = (
        current is not None
        and current.id not in pending
        and (current.server_version or 0) < incoming.server_version
    )
    if current is None or current.id == incoming.id or older:
        head.current_revision_id, head.current_seq = incoming.id, incoming.seq
        head.deleted = incoming.deleted
    head.needs_review = incoming.entry_needs_review
    session.add(head)
    session.flush()


def _random_pages(rng: random.Random, device: SyncClient) -> list[ChangesOut]:
    """A device holding entries waiting, sent, and sent then edited; two pages mixing our own
    revisions coming back, other phones' revisions of them (newer and older), new entries with
    several revisions, and a revision twice on one page."""
    officer = officer_of(device)
    stored: list[EntryRevision] = []
    for number in range(6):
        logged = log_here(device, f"wpis {number}")
        stored.append(logged)
        if rng.random() < 0.6:
            mark_sent(device, logged, rng.randint(1, 40))
            if rng.random() < 0.5:
                stored.append(edit_here(device, logged.entry_id, f"poprawka {number}"))
    entries = [r.entry_id for r in stored]
    fresh = [new_id() for _ in range(3)]
    pages = []
    for _ in range(2):
        revisions: list[RevisionOut] = []
        for _ in range(14):
            version, seq = rng.randint(1, 60), rng.randint(1, 4)
            flags = {"deleted": rng.random() < 0.2, "needs_review": rng.random() < 0.3}
            choice = rng.random()
            if choice < 0.25:  # one of ours coming back
                ours = rng.choice(stored)
                revisions.append(
                    pulled(officer, ours.entry_id, version, revision_id=ours.id, seq=seq, **flags)
                )
            elif choice < 0.5:  # another phone's revision of an entry we hold
                revisions.append(pulled(officer, rng.choice(entries), version, seq=seq, **flags))
            elif choice < 0.85 or not revisions:  # a new entry, often several revisions
                revisions.append(pulled(officer, rng.choice(fresh), version, seq=seq, **flags))
            else:  # a revision of this page again, another order
                again = rng.choice(revisions)
                revisions.append(
                    pulled(
                        officer,
                        again.entry_id,
                        version,
                        revision_id=again.id,
                        seq=seq,
                        **flags,
                    )
                )
        pages.append(page(revisions))
    return pages


@pytest.mark.parametrize("seed", range(8))
def test_the_bulk_apply_stores_what_row_by_row_did(
    make_device: DeviceFactory, tmp_path: Path, seed: int
) -> None:
    device = make_device()
    pages = _random_pages(random.Random(seed), device)
    device.engine.dispose()  # the WAL folded in: the file alone is the whole store
    copy = tmp_path / f"row-by-row-{seed}.db"
    shutil.copy(str(device.engine.url.database), copy)
    reference = make_device(path=copy, signed_in=False)

    for changes in pages:
        apply.apply_page(device.engine, changes)
        with session_scope(reference.engine) as session:
            pending = apply._pending_revision_ids(session)
            for incoming in changes.revisions:
                _row_by_row(session, incoming, pending)
    assert snapshot(device.engine) == snapshot(reference.engine)
