"""Pull and the version cursor: pages, tombstones, self-contained pages, versions for every write."""

from __future__ import annotations

import threading

from sqlmodel import Session, col, select

from app.core.demo import AREA_IDS, UNITS
from app.core.model import (
    Action,
    EntryIn,
    EntryRevision,
    Officer,
    OfficerArea,
    Place,
    Plan,
    Role,
    ServiceArea,
    Unit,
)
from app.core.model.ids import new_id, stable_id
from app.core.store.entries import log_entry
from app.core.store.plans import save_plan
from app.core.store.versions import current_version
from app.core.sync.outputs import stored_plan_input
from app.core.sync.schemas import ChangesOut
from app.device.sync import apply
from app.server import accounts
from tests.sync.conftest import OFFICER, SUPERVISOR, entry_content, mutation, token_for

PULLED = (Unit, ServiceArea, Officer, Place, Plan, EntryRevision)


async def pull(http, since: int, limit: int = 500, client_id: str | None = None) -> ChangesOut:
    params: dict = {"since": since, "limit": limit}
    if client_id:
        params["client_id"] = client_id
    response = await http.get("/api/v1/changes", params=params)
    assert response.status_code == 200, response.text
    return ChangesOut.model_validate(response.json())


def versions(changes: ChangesOut) -> list[int]:
    rows = [*changes.units, *changes.areas, *changes.officers, *changes.places, *changes.plans]
    return [r.server_version for r in [*rows, *changes.revisions]]


async def test_pages_walk_every_change_once_in_version_order(api, demo_engine, device_template):
    token = token_for(demo_engine, OFFICER)
    creates = [mutation(i) for i in range(1, 6)]
    delete = mutation(
        6,
        entry_id=creates[0]["entry_id"],
        base_revision_id=creates[0]["revision_id"],
        deleted=True,
    )
    async with api(token) as http:
        pushed = await http.post(
            "/api/v1/push", json={"client_id": "phone-1", "mutations": [*creates, delete]}
        )
        assert pushed.status_code == 200
        everything = await pull(http, 0)
        assert not everything.has_more
        assert everything.last_mutation_id is None  # no client named

        seen: list[int] = []
        revisions: list[str] = []
        cursor, pages = 0, 0
        while True:
            page = await pull(http, cursor, limit=3, client_id="phone-1")
            pages += 1
            assert page.since == cursor
            assert page.last_mutation_id == 6
            assert all(v > cursor for v in [r.server_version for r in page.revisions])
            assert all(v <= page.next_cursor for r in page.revisions for v in [r.server_version])
            seen.extend(v for v in versions(page) if cursor < v <= page.next_cursor)
            revisions.extend(r.id for r in page.revisions)
            cursor = page.next_cursor
            if not page.has_more:
                break
    assert pages >= len(seen) // 3
    assert seen == sorted(seen) and len(seen) == len(set(seen))  # each change once, in order
    assert sorted(seen) == sorted(versions(everything))
    assert sorted(revisions) == sorted(r.id for r in everything.revisions)
    assert len(revisions) == 6
    tombstones = [r for r in everything.revisions if r.deleted]
    assert [t.id for t in tombstones] == [delete["revision_id"]]
    assert tombstones[0].entry_id == creates[0]["entry_id"]
    with Session(demo_engine) as session:
        assert cursor == current_version(session)


async def test_each_page_can_be_stored_on_top_of_the_earlier_ones(api, demo_engine, make_device):
    """Pages of one row, stored one by one from cursor 0, never break a foreign key; a page
    for a device that is nearly up to date leaves out the parents it holds already."""
    token = token_for(demo_engine, OFFICER)
    device = make_device(OFFICER, signed_in=False)
    async with api(token) as http:
        await http.post("/api/v1/push", json={"client_id": "p", "mutations": [mutation(1)]})
        cursor, pages = 0, 0
        while True:
            page = await pull(http, cursor, limit=1)
            apply.apply_page(device.engine, page)  # each page in its own transaction
            cursor, pages = page.next_cursor, pages + 1
            if not page.has_more:
                break
        high = cursor
        everything = await pull(http, 0)
        last_revision = await pull(http, high - 1, limit=1)
    assert pages > len(everything.revisions) + len(everything.plans)
    assert len(last_revision.revisions) == 1
    revision = last_revision.revisions[0]
    assert revision.plan_id == entry_content()["plan_id"]
    assert last_revision.plans == [] and last_revision.places == []  # the device holds them
    assert [o.id for o in last_revision.officers] == []  # its own account: in its reach
    with Session(device.engine) as session:
        stored = session.get(EntryRevision, revision.id)
        assert stored is not None and stored.server_version == high
        for pulled in everything.plans:
            assert session.get(Plan, pulled.id) is not None

        # the device's database assigns no versions of its own: its entries wait for the server's
        officer_id = revision.officer_id
        content = EntryIn.model_validate(entry_content())
        written = log_entry(session, content, officer_id=officer_id, device_id="d")
        session.commit()
        assert session.get(EntryRevision, written.id).server_version is None


async def test_a_page_carries_parents_outside_the_reach(api, demo_engine):
    """The supervisor's account is outside an officer's reach: it comes with their entry."""
    with Session(demo_engine) as session:
        high = current_version(session)
    async with api(token_for(demo_engine, SUPERVISOR)) as http:
        pushed = await http.post(
            "/api/v1/push", json={"client_id": "s", "mutations": [mutation(1)]}
        )
        assert pushed.status_code == 200, pushed.text
    supervisor = stable_id("officer", SUPERVISOR)
    async with api(token_for(demo_engine, OFFICER)) as http:
        page = await pull(http, high)
    assert [r.officer_id for r in page.revisions] == [supervisor]
    assert [o.id for o in page.officers] == [supervisor]
    assert page.units == [] and page.plans == [] and page.places == []  # held already


def test_every_write_on_the_server_gets_a_version(demo_engine, server, device_template):
    """Demo data loaded before the service started, and writes outside the API after it."""
    with Session(demo_engine) as session:
        for model in PULLED:
            assert (
                session.exec(select(model).where(col(model.server_version).is_(None))).all() == []
            )
        before = current_version(session)

        officer = accounts.add_user(
            session,
            badge="100399",
            name="sierż. Jan Test",
            role=Role.officer,
            unit_id=UNITS["lubartow"].id,
            area_ids=[AREA_IDS["lubartow"]],
            password="tajne-haslo-1",
        )
        session.commit()
        assert officer.server_version > before

        # a plan's version moves when only a section changes
        plan = session.exec(select(Plan).where(Plan.status == "approved")).first()
        plan_version = plan.server_version
        action = session.exec(select(Action).where(Action.plan_id == plan.id)).first()
        action.text = "Kontrole placu zabaw (zmienione)"
        session.add(action)
        session.commit()
        assert session.get(Plan, plan.id).server_version > plan_version

        # so does an officer's when only their areas change
        officer_version = session.get(Officer, officer.id).server_version
        link = session.get(OfficerArea, (officer.id, AREA_IDS["lubartow"]))
        session.delete(link)
        session.commit()
        assert session.get(Officer, officer.id).server_version > officer_version

        # the whole plan saved again through the store keeps moving forward
        plan_in = stored_plan_input(session, plan.id)
        last = session.get(Plan, plan.id).server_version
        save_plan(session, plan_in)
        session.commit()
        assert session.get(Plan, plan.id).server_version > last


def test_versions_commit_in_the_order_they_are_taken(demo_engine, server):
    """A second writer waits for the first: a reader never sees version N+1 without N."""
    first = Session(demo_engine)
    before = current_version(first)
    first.add(Unit(id=new_id(), name="Komisariat A"))
    first.flush()  # version taken, not committed
    taken_first = first.exec(select(Unit).where(Unit.name == "Komisariat A")).one().server_version
    assert taken_first == before + 1

    result: dict[str, int] = {}

    def second_writer() -> None:
        with Session(demo_engine) as session:
            unit = Unit(id=new_id(), name="Komisariat B")
            session.add(unit)
            session.commit()
            result["version"] = unit.server_version

    thread = threading.Thread(target=second_writer)
    thread.start()
    thread.join(timeout=0.5)
    assert thread.is_alive(), "the second writer must wait for the first one's lock"
    with Session(demo_engine) as reader:
        assert current_version(reader) == before  # nothing new is visible yet
    first.commit()
    first.close()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert result["version"] == taken_first + 1
    with Session(demo_engine) as reader:
        assert current_version(reader) == taken_first + 1
