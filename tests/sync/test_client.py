"""The app's sync client against the service in-process: devices exchange entries and plans."""

from __future__ import annotations

import asyncio
import json
import random

import httpx
import pytest
from sqlmodel import Session, select

from app.core.demo import DEMO_PASSWORD, load_demo
from app.core.model import Entry, EntryIn, EntryRevision, OutboxItem, Plan, PlanStatus
from app.core.store.db import session_scope
from app.core.store.entries import delete_entry
from app.core.store.plans import save_plan
from app.core.sync.outputs import stored_plan_input
from app.device.sync import client as client_module
from app.device.sync import local
from app.device.sync.backoff import Backoff
from app.device.sync.client import SignInRequired, SyncClient
from tests.sync.conftest import (
    BASE_URL,
    KRASNIK_PLACE,
    OFFICER,
    SUPERVISOR,
    current_plan,
    edit_local,
    entry_content,
    log_local,
    mutation,
    sign_in_directly,
    snapshot,
    token_for,
)


def delete_local(client: SyncClient, entry_id: str) -> None:
    with session_scope(client.engine) as session:
        delete_entry(
            session,
            entry_id,
            officer_id=local.signed_in_officer_id(session),
            device_id=client.device_id,
        )


class CountingTransport(httpx.AsyncBaseTransport):
    def __init__(self, app) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.pushes: list[int] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/push"):
            self.pushes.append(len(json.loads(await request.aread())["mutations"]))
        return await self.inner.handle_async_request(request)


async def test_two_devices_exchange_entries(make_device, demo_engine, server, monkeypatch):
    network = CountingTransport(server)
    phone, tablet = make_device(OFFICER, transport=network), make_device(OFFICER)
    first = await phone.sync_once()
    assert first.ok and first.pulled > 0  # plans, places, areas arrive before any entry
    await tablet.sync_once()

    kept, dropped = log_local(phone, persons_legitimised=4), log_local(phone, leaflets=20)
    extra = [log_local(phone, note="ż" * 1500) for _ in range(3)]
    assert phone.pending_count() == 5
    phone.batch_size = 4
    monkeypatch.setattr(client_module, "BODY_BUDGET", 7000)  # one long note per request
    result = await phone.sync_once()
    assert (result.pushed, result.errors) == (5, [])
    assert network.pushes == [3, 1, 1]  # at most 4 per batch, and the body stays small
    assert phone.pending_count() == 0
    assert len(snapshot(demo_engine, set(extra))) == 3

    await tablet.sync_once()
    edit_local(tablet, kept, persons_legitimised=6, note="poprawione")
    delete_local(tablet, dropped)
    assert (await tablet.sync_once()).pushed == 2
    await phone.sync_once()

    ids = {kept, dropped}
    server, on_phone, on_tablet = (
        snapshot(e, ids) for e in (demo_engine, phone.engine, tablet.engine)
    )
    assert server == on_phone == on_tablet
    assert len(server[kept][-1]) == 2 and len(server[dropped][-1]) == 2  # every revision kept
    assert server[dropped][2] is True  # deleted: a tombstone heads the entry
    state = phone.state()
    assert state.pending == 0 and state.online and state.last_error is None
    assert state.last_success is not None


async def test_a_round_holds_its_batches_while_the_officer_taps(make_device, server, monkeypatch):
    """The screens share the process with the sync work: a tap goes first, the round's next
    batch waits until the officer pauses."""
    network = CountingTransport(server)
    phone = make_device(OFFICER, transport=network)
    await phone.sync_once()
    log_local(phone, leaflets=3)
    monkeypatch.setattr(client_module, "OFFICER_QUIET_S", 2.0)
    phone.officer_active()
    sending = asyncio.create_task(phone.sync_once())
    for _ in range(5):  # the officer keeps tapping
        await asyncio.sleep(0.05)
        phone.officer_active()
    assert network.pushes == [] and not sending.done()
    result = await sending  # sent once they pause
    assert (result.pushed, result.errors, network.pushes) == (1, [], [1])


async def test_offline_edits_of_one_entry_converge_and_are_flagged(make_device, demo_engine):
    phone, supervisor = make_device(OFFICER), make_device(SUPERVISOR)
    await phone.sync_once()
    entry = log_local(phone)
    await phone.sync_once()
    await supervisor.sync_once()  # the supervisor sees the unit's entries

    edit_local(phone, entry, note="telefon")  # both offline, both edit revision 1
    edit_local(supervisor, entry, note="kierownik")
    await phone.sync_once()
    await supervisor.sync_once()
    await phone.sync_once()

    server, a, b = (snapshot(e, {entry}) for e in (demo_engine, phone.engine, supervisor.engine))
    assert server == a == b
    head = server[entry]
    assert head[3] is True  # needs review
    assert len(head[-1]) == 3
    with Session(demo_engine) as session:
        current = session.get(EntryRevision, session.get(Entry, entry).current_revision_id)
        assert current.note == "kierownik"  # later in server order


async def test_conflicts_and_refusals_are_kept_locally(make_device, demo_engine, api):
    phone = make_device(OFFICER)
    await phone.sync_once()
    with session_scope(phone.engine) as session:  # the phone also knows the Kraśnik demo plan
        load_demo(session)
    taken = mutation(1)
    async with api(token_for(demo_engine, OFFICER)) as http:
        await http.post("/api/v1/push", json={"client_id": "other", "mutations": [taken]})

    good_before = log_local(phone)
    clash = taken["entry_id"]
    from app.core.store.entries import log_entry

    with session_scope(phone.engine) as session:
        log_entry(
            session,
            EntryIn.model_validate(entry_content(note="mój")),
            officer_id=local.signed_in_officer_id(session),
            device_id=phone.device_id,
            entry_id=clash,
        )
    foreign = log_local(phone, plan_id=current_plan("krasnik"), place_id=KRASNIK_PLACE)
    good_after = log_local(phone)

    result = await phone.sync_once()
    assert result.ok and result.pushed == 2 and result.conflicts == 2
    assert phone.pending_count() == 0
    problems = {item.object_id: item.last_error for item in local.conflicts(phone.engine)}
    assert problems[clash].startswith("conflict: entry")
    assert problems[foreign].startswith("refused: 403")
    with Session(demo_engine) as session:
        assert session.get(Entry, good_before) and session.get(Entry, good_after)
        assert session.get(Entry, foreign) is None
        assert session.get(EntryRevision, taken["revision_id"]).note == "spokój"
    with Session(phone.engine) as session:  # nothing thrown away on the phone
        assert session.get(Entry, foreign) is not None
        notes = session.exec(select(EntryRevision.note).where(EntryRevision.entry_id == clash))
        assert set(notes) == {"mój", "spokój"}


async def test_plans_go_through_the_workflow(make_device, demo_engine):
    officer, supervisor = make_device(OFFICER), make_device(SUPERVISOR)
    await officer.sync_once()
    lubartow = current_plan("lubartow")

    def change(client: SyncClient, plan_id: str, **update: object) -> None:
        with session_scope(client.engine) as session:
            plan_in = stored_plan_input(session, plan_id).model_copy(update=update)
            plan = save_plan(session, plan_in)
            session.add(OutboxItem(object_type="plan", object_id=plan.id))

    with session_scope(officer.engine) as session:
        draft = stored_plan_input(session, lubartow).model_copy(
            update={"id": None, "status": PlanStatus.draft, "title": "Nowy plan"}
        )
        for section in ("actions", "partners", "channels"):
            rows = [row.model_copy(update={"id": None}) for row in getattr(draft, section)]
            setattr(draft, section, rows)
        plan_id = save_plan(session, draft).id
        session.add(OutboxItem(object_type="plan", object_id=plan_id))
    assert (await officer.sync_once()).pushed == 1
    change(officer, plan_id, status=PlanStatus.submitted)
    assert (await officer.sync_once()).pushed == 1

    await supervisor.sync_once()
    with session_scope(supervisor.engine) as session:
        plan = session.get(Plan, plan_id)
        assert plan.status is PlanStatus.submitted
        plan.status, plan.review_note = PlanStatus.approved, "Zatwierdzam."
        session.add(OutboxItem(object_type="plan", object_id=plan_id))
    assert (await supervisor.sync_once()).pushed == 1

    change(officer, lubartow, title="Samowolna zmiana")  # approved: officers cannot change it
    result = await officer.sync_once()
    assert result.conflicts == 1
    with Session(demo_engine) as session:
        assert session.get(Plan, plan_id).status is PlanStatus.approved
        assert session.get(Plan, plan_id).review_note == "Zatwierdzam."
        assert session.get(Plan, lubartow).title != "Samowolna zmiana"
    with Session(officer.engine) as session:
        assert session.get(Plan, plan_id).status is PlanStatus.approved


async def test_sign_in_sign_out(make_device, demo_engine):
    phone = make_device(OFFICER, signed_in=False)
    assert (await phone.sync_once()).errors == ["not signed in"]
    with pytest.raises(SignInRequired):
        await phone.login(OFFICER, "wrong-password")
    login = await phone.login(OFFICER, DEMO_PASSWORD)
    assert login.officer.badge == OFFICER
    saved = local.read_settings(phone.engine, local.TOKEN_EXPIRES, local.OFFICER_ID)
    assert local.parse_time(saved[local.TOKEN_EXPIRES]) == login.expires_at
    assert saved[local.OFFICER_ID] == login.officer.id
    assert (await phone.sync_once()).ok
    entry = log_local(phone)
    await phone.logout()
    assert (await phone.sync_once()).errors == ["not signed in"]

    # handed over before it synced: the next officer's token does not carry the entry
    sign_in_directly(phone, demo_engine, SUPERVISOR)
    assert (await phone.sync_once()).pushed == 0
    assert phone.pending_count() == 1
    with Session(demo_engine) as session:
        assert session.get(Entry, entry) is None
    sign_in_directly(phone, demo_engine, OFFICER)
    assert (await phone.sync_once()).pushed == 1
    with Session(demo_engine) as session:
        assert session.get(Entry, entry).officer_id == login.officer.id


async def test_background_loop_backs_off_while_offline(device_template, tmp_path):
    import shutil

    from app.core.store.db import make_engine

    calls = 0

    def offline(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise httpx.ConnectError("network is unreachable", request=request)

    shutil.copy(device_template, tmp_path / "d.db")
    engine = make_engine(f"sqlite:///{tmp_path / 'd.db'}")
    local.write_settings(engine, {local.TOKEN: "t"})
    backoff = Backoff(base=0.01, cap=0.04, rng=random.Random(4))
    client = SyncClient(
        engine, BASE_URL, "d", transport=httpx.MockTransport(offline), backoff=backoff
    )
    stop = asyncio.Event()
    loop = asyncio.create_task(client.run_forever(stop))
    while calls < 4:
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(loop, timeout=5)
    assert backoff.failures >= 3
    state = client.state()
    assert not state.online and "no connection" in (state.last_error or "")
    engine.dispose()


def test_backoff_grows_with_jitter_up_to_the_cap():
    backoff = Backoff(base=1, factor=2, cap=8, rng=random.Random(1))
    delays = [backoff.next_delay() for _ in range(6)]
    ceilings = [1, 2, 4, 8, 8, 8]
    assert all(c / 2 <= d <= c for d, c in zip(delays, ceilings, strict=True))
    assert len(set(delays)) == len(delays)  # jittered
    backoff.reset()
    assert backoff.next_delay() <= 1
    with pytest.raises(ValueError):
        Backoff(base=0)


async def test_the_baseline_of_an_approved_plan_is_entered_on_a_device_and_synced(
    make_device, demo_engine
):
    """The officer enters it, the supervisor corrects it; the service records who and when
    (its own record of the signed-in officer) and each device pulls the other's change."""
    from app.core.plans import workflow
    from app.core.store.org import officer_by_badge

    officer, supervisor = make_device(OFFICER), make_device(SUPERVISOR)
    await officer.sync_once()
    await supervisor.sync_once()
    lubartow = current_plan("lubartow")

    def enter(client: SyncClient, badge: str, value: int) -> None:
        with session_scope(client.engine) as session:
            who = officer_by_badge(session, badge)
            workflow.set_baseline(session, who, lubartow, value)
            workflow.queue_for_sync(session, lubartow, who.id)

    enter(officer, OFFICER, 24)
    assert (await officer.sync_once()).pushed == 1
    with Session(demo_engine) as session:
        plan = session.get(Plan, lubartow)
        assert plan.status is PlanStatus.approved  # nothing else moved
        assert plan.criterion_baseline == 24
        assert plan.criterion_baseline_by == "st. asp. Tomasz Nowak (100301)"
        entered_at = plan.criterion_baseline_at
        assert entered_at is not None

    await supervisor.sync_once()
    enter(supervisor, SUPERVISOR, 26)
    assert (await supervisor.sync_once()).pushed == 1
    await officer.sync_once()
    for engine in (demo_engine, officer.engine):
        with Session(engine) as session:
            plan = session.get(Plan, lubartow)
            assert plan.criterion_baseline == 26
            assert plan.criterion_baseline_by.endswith("(100300)")
            assert plan.criterion_baseline_at >= entered_at


async def test_an_entry_logged_after_the_address_changed_never_goes_to_the_old_one(
    make_device, server, monkeypatch
):
    """A round under way when the officer sets a new address stops before its next request
    and goes on at the new one: what is logged after the change is not sent to the old."""
    old, new = CountingTransport(server), CountingTransport(server)
    phone = make_device(OFFICER, transport=old)
    await phone.sync_once()
    monkeypatch.setattr(client_module, "OFFICER_QUIET_S", 0.5)
    phone.officer_active()
    sending = asyncio.create_task(phone.sync_once())  # waits for the officer to pause
    await asyncio.sleep(0.05)
    local.write_settings(phone.engine, {local.SERVER_URL: "http://nowy.example"})
    phone.transport = new  # what answers at the new address
    log_local(phone, leaflets=3)
    result = await sending
    assert (result.pushed, result.errors) == (1, [])
    assert (old.pushes, new.pushes) == ([], [1])
    assert phone.server_url == "http://nowy.example"
