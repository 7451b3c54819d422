"""Entries on both databases: revisions, tombstones, the outbox, and nothing half-stored."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.core.model import (
    Entry,
    EntryIn,
    EntryRevision,
    Officer,
    OfficerBase,
    OutboxItem,
    ServiceAreaBase,
    Unit,
)
from app.core.store import entries, org
from app.core.store.db import session_scope
from app.core.store.errors import Conflict, NotFound

T0 = datetime(2024, 3, 1, 17, 0, tzinfo=UTC)


@pytest.fixture
def officer(engine: Engine) -> str:
    with session_scope(engine) as s:
        org.upsert_unit(s, Unit(id="u1", name="KPP w Lubartowie"))
        org.upsert_area(s, ServiceAreaBase(unit_id="u1", number_text="3"), "a1")
        org.upsert_officer(
            s, OfficerBase(badge="100301", name="Jan Nowak", unit_id="u1"), "o1", ["a1"]
        )
    return "o1"


def check(**counts: int) -> EntryIn:
    return EntryIn(kind="place_check", occurred_at=T0, **counts)


def test_an_edit_appends_a_revision_and_keeps_the_old_one(engine: Engine, officer: str) -> None:
    with session_scope(engine) as s:
        first = entries.log_entry(
            s, check(persons_legitimised=3), officer_id=officer, device_id="d1"
        )
        second = entries.revise_entry(
            s, first.entry_id, check(persons_legitimised=4), officer_id=officer, device_id="d1"
        )
    with Session(engine) as s:
        history = entries.entry_history(s, first.entry_id)
        assert [(r.seq, r.persons_legitimised) for r in history] == [(1, 3), (2, 4)]
        assert history[1].base_revision_id == first.id
        [current] = entries.current_entries(s)
        assert current.id == second.id
        assert s.get(Entry, first.entry_id).current_seq == 2


def test_a_delete_is_a_tombstone(engine: Engine, officer: str) -> None:
    with session_scope(engine) as s:
        first = entries.log_entry(s, check(leaflets=20), officer_id=officer, device_id="d1")
        entries.delete_entry(s, first.entry_id, officer_id=officer, device_id="d1")
    with session_scope(engine) as s:
        assert entries.current_entries(s) == []
        [tomb] = entries.current_entries(s, include_deleted=True)
        assert tomb.deleted and tomb.leaflets == 20
        assert len(entries.entry_history(s, first.entry_id)) == 2
        with pytest.raises(Conflict, match="was deleted"):
            entries.revise_entry(s, first.entry_id, check(), officer_id=officer, device_id="d1")


def test_every_change_is_queued_in_the_same_transaction(engine: Engine, officer: str) -> None:
    with session_scope(engine) as s:
        rev = entries.log_entry(s, check(), officer_id=officer, device_id="d1")
        entries.revise_entry(s, rev.entry_id, check(fines=1), officer_id=officer, device_id="d1")
    with pytest.raises(RuntimeError), session_scope(engine) as s:
        entries.log_entry(s, check(), officer_id=officer, device_id="d1")
        raise RuntimeError("app killed before commit")
    with Session(engine) as s:
        queued = entries.pending_outbox(s)
        assert [q.mutation_id for q in queued] == sorted(q.mutation_id for q in queued)
        assert len(queued) == 2
        assert len(list(s.exec(select(Entry)))) == 1
        assert len(list(s.exec(select(EntryRevision)))) == 2


def test_filters_by_plan_time_and_officer(demo_engine: Engine) -> None:
    from app.core.model.ids import stable_id

    officer_id = stable_id("officer", "100301")
    plan_id = stable_id("plan", "lubartow", "2024-01-01")
    with session_scope(demo_engine) as s:
        for day in range(3):
            entries.log_entry(
                s,
                EntryIn(kind="place_check", occurred_at=T0 + timedelta(days=day), plan_id=plan_id),
                officer_id=officer_id,
                device_id="d1",
            )
    with Session(demo_engine) as s:
        found = entries.current_entries(
            s, plan_id=plan_id, since=T0 + timedelta(days=1), until=T0 + timedelta(days=2)
        )
        assert [e.occurred_at for e in found] == [T0 + timedelta(days=1)]
        assert len(entries.current_entries(s, officer_id=officer_id)) == 3
        assert entries.current_entries(s, officer_id="someone-else") == []


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_bad_input_stores_nothing(engine: Engine, officer: str) -> None:
    with pytest.raises(ValueError, match="whole number"), session_scope(engine) as s:
        entries.log_entry(
            s,
            EntryIn.model_construct(kind="place_check", occurred_at=T0, leaflets=2.5),
            officer_id=officer,
            device_id="d1",
        )
    with Session(engine) as s:
        assert list(s.exec(select(EntryRevision))) == []
        assert list(s.exec(select(OutboxItem))) == []


def test_the_database_itself_refuses_negative_counts(engine: Engine, officer: str) -> None:
    """Defence in depth: a row that bypasses validation still cannot hold a negative count."""
    with session_scope(engine) as s:
        rev = entries.log_entry(s, check(), officer_id=officer, device_id="d1")
    row = rev.model_dump()
    row.update(id="bad", seq=2, persons_legitimised=-5)
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(EntryRevision.__table__).values(**row))


def test_unknown_entries_are_not_found(engine: Engine, officer: str) -> None:
    with session_scope(engine) as s, pytest.raises(NotFound):
        entries.revise_entry(s, "nope", check(), officer_id=officer, device_id="d1")


def test_an_entry_id_cannot_be_reused(engine: Engine, officer: str) -> None:
    with session_scope(engine) as s:
        rev = entries.log_entry(s, check(), officer_id=officer, device_id="d1")
        with pytest.raises(Conflict):
            entries.log_entry(s, check(), officer_id=officer, device_id="d1", entry_id=rev.entry_id)


def test_the_field_apps_store_checkpoints_off_the_save_path(tmp_path) -> None:
    """No automatic checkpoint inside a commit; the background checkpoint empties the WAL."""
    from sqlalchemy import text

    from app.core.store.db import checkpoint, open_store

    engine = open_store(f"sqlite:///{tmp_path / 'device.db'}", background_checkpoints=True)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA wal_autocheckpoint")).scalar_one() == 0
    with session_scope(engine) as s:
        org.upsert_unit(s, Unit(id="u1", name="KPP w Lubartowie"))
        org.upsert_area(s, ServiceAreaBase(unit_id="u1", number_text="3"), "a1")
        org.upsert_officer(
            s, OfficerBase(badge="100301", name="Jan Nowak", unit_id="u1"), "o1", ["a1"]
        )
    for _ in range(20):
        with session_scope(engine) as s:
            entries.log_entry(s, check(fines=1), officer_id="o1", device_id="d1")
    busy, frames, copied = checkpoint(engine)
    assert busy == 0 and frames > 0 and copied == frames
    with Session(engine) as s:
        assert len(entries.current_entries(s)) == 20
    engine.dispose()


def test_a_saved_entry_is_what_is_stored_and_queued(engine: Engine, officer: str) -> None:
    """The save writes its three rows directly: the revision it returns is the stored row,
    the head points at it, and one outbox item queues it."""
    with session_scope(engine) as s:
        rev = entries.log_entry(s, check(fines=2, leaflets=5), officer_id=officer, device_id="d1")
    with Session(engine) as s:
        stored = s.get(EntryRevision, rev.id)
        assert stored is not None and stored.model_dump() == rev.model_dump()
        head = s.get(Entry, rev.entry_id)
        assert head is not None
        assert (head.current_revision_id, head.current_seq, head.deleted) == (rev.id, 1, False)
        assert (head.officer_id, head.device_id) == (officer, "d1")
        queued = entries.pending_outbox(s)
        assert [(i.object_type, i.object_id, i.revision_id) for i in queued] == [
            ("entry", rev.entry_id, rev.id)
        ]
        assert entries.current_revision(s, rev.entry_id).fines == 2


def test_a_save_sees_what_the_session_has_not_flushed_yet(engine: Engine) -> None:
    """Rows added to the session just before (the officer, not flushed) are written first,
    so the entry's reference to its officer holds."""
    with session_scope(engine) as s:
        s.add(Unit(id="u9", name="KPP w Kraśniku"))
        s.flush()
        s.add(Officer(id="o9", badge="200301", name="Anna Wiśniewska", unit_id="u9"))
        assert s.new
        rev = entries.log_entry(s, check(), officer_id="o9", device_id="d9")
    with Session(engine) as s:
        head = s.get(Entry, rev.entry_id)
        assert head is not None and head.officer_id == "o9"


def test_a_new_entry_under_a_known_id_settles_its_refused_changes(
    engine: Engine, officer: str
) -> None:
    """An entry stored again under its own id (e.g. after giving up) marks the refused
    changes of that id as put right; a new random id has none to settle."""
    with session_scope(engine) as s:
        s.add(
            OutboxItem(
                object_type="entry",
                object_id="e1",
                revision_id="r0",
                acked_at=T0,
                last_error="refused",
            )
        )
    with session_scope(engine) as s:
        entries.log_entry(s, check(), officer_id=officer, device_id="d1", entry_id="e1")
    with Session(engine) as s:
        refused = s.exec(select(OutboxItem).where(OutboxItem.revision_id == "r0")).one()
        assert refused.resolved_at is not None and refused.resolution == "resent"
        assert [i.object_id for i in entries.pending_outbox(s)] == ["e1"]


def test_pages_of_entries_follow_one_another_without_gaps_or_repeats(
    engine: Engine, officer: str
) -> None:
    """History's pages: each starts after the last entry of the page before, also where
    several entries share one minute."""
    times = [
        T0,
        T0,
        T0,
        T0 - timedelta(hours=1),
        T0 + timedelta(hours=1),
        T0,
        T0 - timedelta(days=1),
    ]
    with session_scope(engine) as s:
        for when in times:
            entries.log_entry(
                s, EntryIn(kind="place_check", occurred_at=when), officer_id=officer, device_id="d1"
            )
    with Session(engine) as s:
        everything = [e.entry_id for e in entries.current_entries(s, officer_id=officer)]
        paged: list[str] = []
        before = None
        while page := entries.current_entries(s, officer_id=officer, before=before, limit=2):
            paged += [e.entry_id for e in page]
            before = (page[-1].occurred_at, page[-1].entry_id)
    assert paged == everything and len(set(paged)) == len(times)
