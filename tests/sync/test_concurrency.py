"""Pushes racing each other: on PostgreSQL a batch reads without the writers' lock and must end
as if it had taken it (``push`` module: optimistic run, re-checked by the writes, locked rerun).
"""

from __future__ import annotations

import threading
import uuid

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.core.model import Entry, EntryRevision, SyncDevice
from app.core.model.ids import stable_id
from app.core.store.org import officer_by_badge
from app.core.store.versions import init_server_store
from app.core.sync.schemas import PushIn, PushOut
from app.server import push
from app.server.push import push_and_commit
from app.server.scope import Scope, scope_for
from tests.sync.conftest import OFFICER, mutation

RACERS = 6


def _scope(engine: Engine) -> Scope:
    with Session(engine) as session:
        return scope_for(session, officer_by_badge(session, OFFICER))


def _race(engine: Engine, scope: Scope, batches: list[dict]) -> list[PushOut | BaseException]:
    """Every batch pushed at once from its own thread and session."""
    results: list[PushOut | BaseException] = [RuntimeError("not run")] * len(batches)
    start = threading.Barrier(len(batches))

    def run(index: int) -> None:
        start.wait()
        try:
            with Session(engine, expire_on_commit=False) as session:
                results[index] = push_and_commit(
                    session, scope, PushIn.model_validate(batches[index])
                )
        except BaseException as exc:
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(batches))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def _ok(results: list[PushOut | BaseException]) -> list[PushOut]:
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == []
    return [r for r in results if isinstance(r, PushOut)]


def _revisions(engine: Engine, entry_id: str) -> list[EntryRevision]:
    with Session(engine) as session:
        query = select(EntryRevision).where(EntryRevision.entry_id == entry_id)
        return list(session.exec(query.order_by(col(EntryRevision.seq))))


def _create(engine: Engine, scope: Scope) -> tuple[str, str]:
    created = mutation(1)
    with Session(engine) as session:
        push_and_commit(session, scope, PushIn(client_id="first", mutations=[created]))
    return created["entry_id"], created["revision_id"]


def test_concurrent_edits_of_one_entry_are_all_kept_and_flagged(demo_engine: Engine) -> None:
    init_server_store(demo_engine)
    scope = _scope(demo_engine)
    entry_id, first = _create(demo_engine, scope)
    edits = [
        {
            "client_id": f"phone-{n}",
            "mutations": [mutation(1, entry_id=entry_id, base_revision_id=first)],
        }
        for n in range(RACERS)
    ]
    results = _ok(_race(demo_engine, scope, edits))
    assert all(r.results[0].status == "applied" for r in results)
    stored = _revisions(demo_engine, entry_id)
    assert [r.seq for r in stored] == list(range(1, RACERS + 2))  # none lost, none twice
    versions = [r.server_version for r in stored]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)
    with Session(demo_engine) as session:
        head = session.get(Entry, entry_id)
        assert head is not None and head.needs_review  # edits of a stale base were kept
        assert head.current_revision_id == stored[-1].id and head.current_seq == RACERS + 1


def test_one_batch_sent_many_times_at_once_is_stored_once(demo_engine: Engine) -> None:
    init_server_store(demo_engine)
    scope = _scope(demo_engine)
    batch = {"client_id": "phone", "mutations": [mutation(1), mutation(2)]}
    results = _ok(_race(demo_engine, scope, [batch] * RACERS))
    statuses = sorted(r.results[0].status for r in results)
    assert statuses.count("applied") == 1 and statuses.count("duplicate") == RACERS - 1
    for item in batch["mutations"]:
        assert len(_revisions(demo_engine, item["entry_id"])) == 1
    versions = {r.results[1].server_version for r in results}
    assert len(versions) == 1 and None not in versions  # every answer names the stored one


def test_one_new_entry_id_from_many_devices_is_created_once(demo_engine: Engine) -> None:
    init_server_store(demo_engine)
    scope = _scope(demo_engine)
    entry_id = str(uuid.uuid4())
    batches = [
        {"client_id": f"phone-{n}", "mutations": [mutation(1, entry_id=entry_id)]}
        for n in range(RACERS)
    ]
    results = _ok(_race(demo_engine, scope, batches))
    statuses = sorted(r.results[0].status for r in results)
    assert statuses == ["applied"] + ["conflict"] * (RACERS - 1)
    assert len(_revisions(demo_engine, entry_id)) == 1


def test_a_device_acknowledgement_only_moves_forward(demo_engine: Engine) -> None:
    init_server_store(demo_engine)
    scope = _scope(demo_engine)
    batches = [{"client_id": "phone", "mutations": [mutation(n)]} for n in range(1, RACERS + 1)]
    _ok(_race(demo_engine, scope, batches))
    with Session(demo_engine) as session:
        device = session.get(SyncDevice, ("phone", stable_id("officer", OFFICER)))
        assert device is not None and device.last_mutation_id == RACERS


def test_a_replay_waits_for_a_locked_batch_of_the_same_device(demo_engine, monkeypatch) -> None:
    """A locked run has read the device's acknowledgement; a batch of the same device with
    nothing to store (a replay and a clash) moves the acknowledgement too, and must not slip
    that write in before the locked run's."""
    init_server_store(demo_engine)
    scope = _scope(demo_engine)
    first = mutation(1)
    with Session(demo_engine) as session:
        push_and_commit(session, scope, PushIn(client_id="phone", mutations=[first]))
    read, resume = threading.Event(), threading.Event()
    original = push._Batch.load.__func__

    def load_then_pause(cls, session, batch, officer_id):
        loaded = original(cls, session, batch, officer_id)
        if threading.current_thread().name == "locked":
            read.set()
            resume.wait(10)
        return loaded

    monkeypatch.setattr(push._Batch, "load", classmethod(load_then_pause))
    outcome: dict[str, object] = {}

    def locked() -> None:
        try:
            with Session(demo_engine, expire_on_commit=False) as session:
                batch = PushIn(client_id="phone", mutations=[mutation(3)])
                outcome["locked"] = push.push_batch(session, scope, batch, locked=True)
                session.commit()
        except Exception as exc:
            outcome["locked"] = exc

    def replay() -> None:
        try:
            with Session(demo_engine, expire_on_commit=False) as session:
                clash = mutation(2, entry_id=first["entry_id"])  # a create of an entry in use
                batch = PushIn(client_id="phone", mutations=[first, clash])
                outcome["replay"] = push_and_commit(session, scope, batch)
        except Exception as exc:
            outcome["replay"] = exc

    runs = [threading.Thread(target=locked, name="locked"), threading.Thread(target=replay)]
    runs[0].start()
    assert read.wait(10)
    runs[1].start()
    runs[1].join(0.5)  # the replay waits for the lock the locked run holds
    resume.set()
    for run in runs:
        run.join(30)
    assert isinstance(outcome["locked"], PushOut), outcome["locked"]
    assert isinstance(outcome["replay"], PushOut), outcome["replay"]
    statuses = [r.status for r in outcome["replay"].results]
    assert statuses == ["duplicate", "conflict"]
    with Session(demo_engine) as session:
        device = session.get(SyncDevice, ("phone", stable_id("officer", OFFICER)))
        assert device is not None and device.last_mutation_id == 3
