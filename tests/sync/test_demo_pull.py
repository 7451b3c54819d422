"""The demo's history in the sync service's store: pullable, and the same rows a device's own
demo holds (``rejon run`` loads both), so a first pull doubles nothing."""

from __future__ import annotations

from sqlmodel import Session, select

from app.core.demo import load_demo
from app.core.model import EntryRevision, Officer, Plan
from app.core.reports.generate import DEVICE_ID as GENERATOR
from app.core.store.db import session_scope
from tests.sync.conftest import OFFICER, SUPERVISOR, snapshot


def load_history(engine) -> None:
    """The demo's history, written into a service store that already assigns versions."""
    with Session(engine) as session:
        load_demo(session)
        session.commit()


def officer_entries(engine, badge: str) -> set[str]:
    with Session(engine) as session:
        officer = session.exec(select(Officer).where(Officer.badge == badge)).one()
        query = select(EntryRevision.entry_id).where(
            EntryRevision.officer_id == officer.id, EntryRevision.device_id == GENERATOR
        )
        return set(session.exec(query))


async def test_the_history_is_versioned_and_pulled(make_device, demo_engine, server):
    load_history(demo_engine)  # `server` made this a service store first
    with Session(demo_engine) as session:
        revisions = list(session.exec(select(EntryRevision)))
        plans = {p.id: p.server_version for p in session.exec(select(Plan))}
    assert revisions and all(r.server_version for r in revisions)
    assert all(r.server_version > plans[r.plan_id] for r in revisions)  # parents come first
    assert len({r.server_version for r in revisions}) == len(revisions)

    phone = make_device(OFFICER)
    result = await phone.sync_once()
    assert result.ok
    mine = officer_entries(demo_engine, OFFICER)
    assert mine and officer_entries(phone.engine, OFFICER) == mine
    assert snapshot(phone.engine, mine) == snapshot(demo_engine, mine)
    # a supervisor's phone gets the unit: more than one officer's history
    boss = make_device(SUPERVISOR)
    assert (await boss.sync_once()).ok
    with Session(boss.engine) as session:
        owners = set(session.exec(select(EntryRevision.officer_id)))
    assert len(owners) > 1


async def test_a_device_with_its_own_demo_pulls_without_doubling(make_device, demo_engine, server):
    load_history(demo_engine)
    phone = make_device(OFFICER)
    with session_scope(phone.engine) as session:  # what `rejon run` gives the device's store
        load_demo(session)
    mine = officer_entries(demo_engine, OFFICER)
    local_before = snapshot(phone.engine, mine)
    result = await phone.sync_once()
    assert result.ok and phone.pending_count() == 0  # the demo is not queued for sending
    after = snapshot(phone.engine, mine)
    assert set(after) == set(local_before) == mine
    for entry_id in mine:  # the same single revision on both sides; nothing added
        assert after[entry_id][0] == local_before[entry_id][0]
        assert len(after[entry_id][-1]) == 1
    with Session(phone.engine) as session:  # now known as the server's rows
        rows = session.exec(select(EntryRevision).where(EntryRevision.entry_id.in_(mine)))
        assert all(r.server_version for r in rows)
