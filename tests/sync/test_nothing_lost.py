"""Nothing lost, nothing hidden: every change reaches the unit's store, or waits, or is shown
as not sent with its reason (issue: never lose or hide an entry).

Each test ends with a reconciliation of the device against the service's store.
"""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlmodel import Session, select

from app.core.model import (
    Entry,
    EntryIn,
    EntryRevision,
    Officer,
    OutboxItem,
    Place,
    PlaceIn,
    Plan,
    PlanStatus,
)
from app.core.model.enums import Resolution
from app.core.store.db import session_scope
from app.core.store.org import officer_area_ids
from app.core.store.places import save_place
from app.core.sync.schemas import REFUSAL_HEADER, RefusalCode
from app.device.sync import local
from app.device.sync.client import SyncClient
from tests.sync.conftest import (
    BASE_URL,
    KRASNIK_PLACE,
    OFFICER,
    SUPERVISOR,
    bearer,
    edit_local,
    entry_content,
    log_local,
    mutation,
    token_for,
)

pytestmark = pytest.mark.db


def _in_force(session: Session, entry_id: str) -> tuple | None:
    head = session.get(Entry, entry_id)
    if head is None:
        return None
    revision = session.get(EntryRevision, head.current_revision_id)
    assert revision is not None
    return (head.deleted, revision.model_dump(include=set(EntryIn.model_fields)))


def reconcile(client: SyncClient, server_engine) -> dict[str, str]:
    """Every entry on the device is in the unit's store as the device has it, or waiting, or
    shown as not sent — never a fourth state. Returns entry id → state."""
    states: dict[str, str] = {}
    with Session(client.engine) as device, Session(server_engine) as store:
        waiting = local.pending_entry_ids(device)
        unsent = local.unsent_entries(device)
        for head in device.exec(select(Entry)):
            here, there = _in_force(device, head.id), _in_force(store, head.id)
            if head.id in waiting:
                states[head.id] = "waiting"
            elif head.id in unsent:
                states[head.id] = "unsent"
            elif there is not None and here == there:
                states[head.id] = "stored"
            elif there is None and head.deleted:
                states[head.id] = "discarded"  # given up on purpose, never in the store
            else:
                raise AssertionError(f"entry {head.id} is neither stored, waiting nor shown")
    return states


def foreign_place_on_device(client: SyncClient, server_engine) -> str:
    """Kraśnik's place copied onto a Lubartów phone (as after a change of areas): entries
    logged at it are refused by the service."""
    with Session(server_engine) as store:
        place = store.get(Place, KRASNIK_PLACE)
        data = place.model_dump(exclude={"area_id", "server_version"})
    with session_scope(client.engine) as session:
        session.add(Place(**data))
    return KRASNIK_PLACE


def add_place_on_device(client: SyncClient, name: str, lat: float, lon: float) -> str:
    """What the app does for "Dodaj nowe miejsce tutaj": the place, queued for sync."""
    from app.device.ui.services import add_place

    with Session(client.engine) as session:
        officer = session.get(Officer, local.signed_in_officer_id(session))
        assert officer is not None
        session.expunge(officer)
    return add_place(client.engine, officer, name, lat, lon).id


# ---- 1. new places travel before the entries logged at them ----------------------------------


async def test_a_place_made_on_the_device_reaches_the_unit_before_its_entry(
    make_device, demo_engine
):
    phone = make_device(OFFICER)
    assert (await phone.sync_once()).ok
    place = add_place_on_device(phone, "Garaże, ul. Lubelska", 51.4500, 22.5800)
    entry = log_local(phone, place_id=place, lat=51.4501, lon=22.5801, plan_id=None)

    result = await phone.sync_once()

    assert result.ok and result.conflicts == 0, local.conflicts(phone.engine)
    assert phone.state().unsent == 0 and phone.pending_count() == 0
    with Session(demo_engine) as store:
        stored_place = store.get(Place, place)
        assert stored_place is not None and stored_place.name == "Garaże, ul. Lubelska"
        assert stored_place.server_version is not None
        assert store.get(Entry, entry) is not None
    assert reconcile(phone, demo_engine) == {entry: "stored"}

    supervisor = make_device(SUPERVISOR)  # the supervisor's phone pulls place and entry
    assert (await supervisor.sync_once()).ok
    with Session(supervisor.engine) as session:
        assert session.get(Place, place) is not None
        assert session.get(Entry, entry) is not None


async def test_a_place_outside_the_officers_areas_is_refused_and_shown(make_device, demo_engine):
    phone = make_device(OFFICER)
    await phone.sync_once()
    with session_scope(phone.engine) as session:  # a place of no area: an officer's must have one
        place = save_place(session, PlaceIn(name="Cudzy plac", lat=50.9, lon=22.2))
        session.add(OutboxItem(object_type="place", object_id=place.id))
        place_id = place.id
    result = await phone.sync_once()
    assert result.conflicts == 1
    assert phone.state().unsent == 1
    [item] = local.conflicts(phone.engine)
    assert item.object_id == place_id and item.refusal_code == RefusalCode.outside_areas
    with Session(demo_engine) as store:
        assert store.get(Place, place_id) is None


# ---- 2. only the service's own refusal settles a change ----------------------------------------


def answering(status: int, body: bytes, headers: dict[str, str] | None = None):
    def handler(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers=headers or {})

    return httpx.MockTransport(handler)


NOT_THE_SERVICE = {
    "html 404": answering(
        404, b"<html><body>Not Found</body></html>", {"content-type": "text/html"}
    ),
    "proxy 502": answering(502, b"Bad Gateway"),
    "json that is not ours": answering(
        400, b'{"error": "bad request"}', {"content-type": "application/json"}
    ),
    "our shape without our header": answering(
        422, b'{"detail": "nope"}', {"content-type": "application/json"}
    ),
    "header without a body": answering(403, b"forbidden", {REFUSAL_HEADER: "not_allowed"}),
    "redirect to another host": answering(302, b"", {"location": "http://portal.example/login"}),
    "a 200 that is not a push answer": answering(200, b"<html>captive portal</html>"),
}


@pytest.mark.parametrize("answer", list(NOT_THE_SERVICE), ids=list(NOT_THE_SERVICE))
async def test_answers_that_are_not_the_service_settle_nothing(make_device, answer):
    phone = make_device(OFFICER, transport=NOT_THE_SERVICE[answer])
    entries = [log_local(phone, plan_id=None, place_id=None) for _ in range(3)]
    result = await phone.sync_once()
    assert not result.ok
    assert phone.pending_count() == 3 and phone.state().unsent == 0
    with Session(phone.engine) as session:
        assert local.pending_entry_ids(session) == set(entries)


async def test_a_timeout_settles_nothing(make_device):
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    phone = make_device(OFFICER, transport=httpx.MockTransport(handler))
    log_local(phone, plan_id=None, place_id=None)
    result = await phone.sync_once()
    assert not result.ok and phone.pending_count() == 1


async def test_twenty_entries_survive_a_wrong_address_and_go_when_it_is_fixed(
    make_device, demo_engine, server
):
    """The reported case: a server answering 404 to everything settled 20 entries."""
    service = httpx.ASGITransport(app=server)
    wrong = answering(404, b"<html>404</html>", {"content-type": "text/html"})

    class Switch(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.host == "wrong.test":
                return await wrong.handle_async_request(request)
            return await service.handle_async_request(request)

    phone = make_device(OFFICER, transport=Switch())
    local.write_settings(phone.engine, {local.SERVER_URL: "http://wrong.test"})
    entries = {log_local(phone, plan_id=None, place_id=None) for _ in range(20)}
    result = await phone.sync_once()
    assert not result.ok and phone.pending_count() == 20
    assert phone.server_url == "http://wrong.test"

    local.write_settings(phone.engine, {local.SERVER_URL: BASE_URL})
    result = await phone.sync_once()
    assert result.ok and result.pushed == 20 and phone.server_url == BASE_URL
    assert reconcile(phone, demo_engine) == dict.fromkeys(entries, "stored")


async def test_an_address_that_is_not_a_url_is_a_failed_try_not_a_crash(make_device):
    phone = make_device(OFFICER)
    log_local(phone, plan_id=None, place_id=None)
    local.write_settings(phone.engine, {local.SERVER_URL: "http://rejon.test:port"})
    result = await phone.sync_once()
    assert not result.ok and "not valid" in result.errors[0]
    assert phone.pending_count() == 1


# ---- 3. a real refusal stays visible until resent or discarded ----------------------------------


async def test_a_refused_entry_is_shown_then_corrected_and_sent(make_device, demo_engine):
    phone = make_device(OFFICER)
    await phone.sync_once()
    entry = log_local(phone, place_id=foreign_place_on_device(phone, demo_engine))
    result = await phone.sync_once()
    assert result.conflicts == 1 and phone.pending_count() == 0
    state = phone.state()
    assert state.unsent == 1
    with Session(phone.engine) as session:
        item = local.unsent_entries(session)[entry]
        assert item.refusal_code == RefusalCode.outside_areas
    assert reconcile(phone, demo_engine) == {entry: "unsent"}

    edit_local(phone, entry, note="poprawione miejsce")  # place back to Nivea: the correction
    assert phone.state().unsent == 0 and phone.pending_count() == 1
    result = await phone.sync_once()
    assert result.ok and result.conflicts == 0
    with Session(demo_engine) as store:
        head = store.get(Entry, entry)
        assert head is not None and head.current_seq == 1  # sent as a new entry
        revision = store.get(EntryRevision, head.current_revision_id)
        assert revision.note == "poprawione miejsce"
    assert reconcile(phone, demo_engine) == {entry: "stored"}


async def test_resend_after_the_cause_is_gone(make_device, demo_engine):
    phone = make_device(OFFICER)
    await phone.sync_once()
    place = str(uuid.uuid4())
    with session_scope(phone.engine) as session:  # a place the service does not know yet
        area = officer_area_ids(session, local.signed_in_officer_id(session))[0]
        save_place(
            session, PlaceIn(id=place, name="Nowe boisko", lat=51.46, lon=22.6, area_id=area)
        )
    entry = log_local(phone, place_id=place)
    assert (await phone.sync_once()).conflicts == 1
    [item] = local.conflicts(phone.engine)
    assert item.refusal_code == RefusalCode.unknown_place

    with session_scope(phone.engine) as session:  # the place is queued (as the app does)
        session.add(OutboxItem(object_type="place", object_id=place))
    with Session(phone.engine) as session:
        officer_id = local.signed_in_officer_id(session)
    local.resend(phone.engine, item.mutation_id, officer_id=officer_id, device_id=phone.device_id)
    # the resend queues after the place, so the place goes first
    assert phone.state().unsent == 0
    result = await phone.sync_once()
    assert result.ok and result.conflicts == 0
    with Session(phone.engine) as session:
        row = session.get(OutboxItem, item.mutation_id)
        assert row.resolution == Resolution.resent and row.resolved_at is not None
    assert reconcile(phone, demo_engine) == {entry: "stored"}


async def test_discard_is_recorded_and_the_entry_returns_to_the_stored_one(
    make_device, demo_engine
):
    phone = make_device(OFFICER)
    await phone.sync_once()
    kept = log_local(phone, persons_legitimised=2)
    assert (await phone.sync_once()).ok
    foreign = foreign_place_on_device(phone, demo_engine)
    edit_local(phone, kept, place_id=foreign, persons_legitimised=9)
    refused_new = log_local(phone, place_id=foreign)
    assert (await phone.sync_once()).conflicts == 2
    with Session(phone.engine) as session:
        officer_id = local.signed_in_officer_id(session)
    for item in local.conflicts(phone.engine):
        local.discard(phone.engine, item.mutation_id, officer_id=officer_id, device_id="phone")
    assert phone.state().unsent == 0 and phone.pending_count() == 0
    with Session(phone.engine) as session:
        kept_now = session.get(EntryRevision, session.get(Entry, kept).current_revision_id)
        assert kept_now.persons_legitimised == 2 and not kept_now.deleted
        assert session.get(Entry, refused_new).deleted
        discarded = session.exec(
            select(OutboxItem).where(OutboxItem.resolution == Resolution.discarded)
        ).all()
        assert len(discarded) == 2
    assert reconcile(phone, demo_engine) == {kept: "stored", refused_new: "discarded"}


# ---- 8. same identifiers, different content --------------------------------------------------


async def test_a_reused_revision_id_with_other_content_is_a_conflict_not_a_duplicate(
    api, demo_engine
):
    token = token_for(demo_engine, OFFICER)
    first = mutation(1)
    async with api(token) as http:
        answer = await http.post("/api/v1/push", json={"client_id": "p1", "mutations": [first]})
        assert answer.json()["results"][0]["status"] == "applied"
        same = await http.post("/api/v1/push", json={"client_id": "p1", "mutations": [first]})
        assert same.json()["results"][0]["status"] == "duplicate"
        changed = {**first, "content": entry_content(persons_legitimised=7)}
        answer = await http.post("/api/v1/push", json={"client_id": "p1", "mutations": [changed]})
    [result] = answer.json()["results"]
    assert result["status"] == "conflict" and result["code"] == "revision_reused"
    with Session(demo_engine) as store:
        assert store.get(EntryRevision, first["revision_id"]).persons_legitimised == 2


async def test_a_device_whose_counter_went_back_has_its_new_changes_stored(api, demo_engine):
    token = token_for(demo_engine, OFFICER)
    async with api(token) as http:
        batch = [mutation(n) for n in range(1, 41)]
        answer = await http.post("/api/v1/push", json={"client_id": "p2", "mutations": batch})
        assert answer.json()["last_mutation_id"] == 40
        restored = [mutation(n) for n in range(5, 9)]  # a backup: ids 5…8 again, new changes
        answer = await http.post("/api/v1/push", json={"client_id": "p2", "mutations": restored})
    statuses = [r["status"] for r in answer.json()["results"]]
    assert statuses == ["applied"] * 4
    with Session(demo_engine) as store:
        for sent in restored:
            assert store.get(EntryRevision, sent["revision_id"]) is not None


async def test_a_refusal_carries_the_services_header_and_code(api, demo_engine):
    token = token_for(demo_engine, OFFICER)
    async with api(token) as http:
        bad = mutation(1, content=entry_content(place_id=str(uuid.uuid4())))
        answer = await http.post("/api/v1/push", json={"client_id": "p3", "mutations": [bad]})
        assert answer.status_code == 400
        assert answer.headers[REFUSAL_HEADER] == "unknown_place"
        assert answer.json()["code"] == "unknown_place"
        invalid = await http.post("/api/v1/push", json={"client_id": "p3", "mutations": []})
        assert invalid.status_code == 422 and invalid.headers[REFUSAL_HEADER] == "invalid"
        unknown_route = await http.get("/api/v1/nothing-here", headers=bearer(token))
        assert unknown_route.status_code == 404 and REFUSAL_HEADER not in unknown_route.headers


# ---- 6. a change waiting on a device belongs to the officer who made it ------------------------


def _officer(client: SyncClient, badge: str) -> Officer:
    with Session(client.engine) as session:
        officer = session.exec(select(Officer).where(Officer.badge == badge)).one()
        session.expunge(officer)
    return officer


def _new_draft(client: SyncClient, officer: Officer, title: str) -> str:
    """A plan drafted in the app (queued under the officer who wrote it)."""
    from app.core.sync.outputs import stored_plan_input
    from app.device.ui import services
    from tests.sync.conftest import current_plan

    with Session(client.engine) as session:
        plan_in = stored_plan_input(session, current_plan("lubartow"))
    draft = plan_in.model_copy(
        update={
            "id": None,
            "title": title,
            "actions": [a.model_copy(update={"id": None}) for a in plan_in.actions],
            "partners": [],
            "channels": [],
        }
    )
    return services.save_plan_draft(client.engine, officer, draft).id


async def test_a_submitted_plan_waits_for_its_officer_when_the_phone_changes_user(
    make_device, demo_engine
):
    """The officer submits, signs out before it is sent, the supervisor signs in on the same
    phone: the officer's change is never sent under the supervisor's sign-in, the phone keeps
    the officer's copy (no silent revert), the badge says a change waits for another user;
    the officer signs in again and it is sent."""
    from app.core.plans.workflow import WorkflowError
    from app.device.ui import services
    from app.device.ui.controls import sync_badge
    from tests.sync.conftest import sign_in_directly

    phone = make_device(OFFICER)
    assert (await phone.sync_once()).ok
    officer = _officer(phone, OFFICER)
    plan_id = _new_draft(phone, officer, "Plan do zatwierdzenia")
    assert (await phone.sync_once()).pushed == 1
    services.submit_plan(phone.engine, officer, plan_id)  # waits: no sync before sign-out
    assert local.waiting(phone.engine, officer.id) == local.Waiting(1, 0, 0)

    await phone.logout()
    sign_in_directly(phone, demo_engine, SUPERVISOR)
    supervisor = _officer(phone, SUPERVISOR)
    result = await phone.sync_once()

    assert result.ok and result.conflicts == 0 and result.pushed == 0
    with Session(demo_engine) as store, Session(phone.engine) as device:
        assert store.get(Plan, plan_id).status is PlanStatus.draft  # not sent, not refused
        assert device.get(Plan, plan_id).status is PlanStatus.submitted  # the officer's copy
    state = phone.state(supervisor.id)
    assert (state.pending, state.unsent, state.others) == (0, 0, 1)
    badge = sync_badge(state)
    texts = [c.value for c in badge.controls[0].content.content.controls if hasattr(c, "value")]
    assert texts == ["Czeka na zalogowanie: 1"]
    with pytest.raises(WorkflowError, match="innego użytkownika"):
        services.approve_plan(phone.engine, supervisor, plan_id)

    await phone.logout()
    sign_in_directly(phone, demo_engine, OFFICER)
    assert phone.state(officer.id).pending == 1
    result = await phone.sync_once()

    assert result.ok and result.pushed == 1
    with Session(demo_engine) as store:
        assert store.get(Plan, plan_id).status is PlanStatus.submitted
    after = phone.state(officer.id)
    assert (after.pending, after.unsent, after.others) == (0, 0, 0)
    assert local.waiting(phone.engine, supervisor.id) == local.Waiting(0, 0, 0)


async def test_entries_and_places_wait_for_their_officer_too(make_device, demo_engine):
    from tests.sync.conftest import sign_in_directly

    phone = make_device(OFFICER)
    assert (await phone.sync_once()).ok
    place = add_place_on_device(phone, "Garaże, ul. Lubelska", 51.4500, 22.5800)
    entry = log_local(phone, place_id=place, lat=51.4501, lon=22.5801, plan_id=None)
    await phone.logout()
    sign_in_directly(phone, demo_engine, SUPERVISOR)

    assert (await phone.sync_once()).pushed == 0
    with Session(demo_engine) as store:
        assert store.get(Place, place) is None and store.get(Entry, entry) is None
    assert phone.state().others == 2 and phone.state().pending == 0

    await phone.logout()
    sign_in_directly(phone, demo_engine, OFFICER)
    assert (await phone.sync_once()).pushed == 2
    assert reconcile(phone, demo_engine)[entry] == "stored"


async def test_a_refused_plan_change_stays_visible_and_is_not_reverted(make_device, demo_engine):
    """The service refuses the officer's change (the supervisor approved the plan from another
    phone meanwhile): the phone keeps the officer's copy and shows the refusal with its reason
    until the officer resends or gives it up; giving up brings the unit's copy back."""
    from app.device.ui import services

    phone = make_device(OFFICER)
    assert (await phone.sync_once()).ok
    officer = _officer(phone, OFFICER)
    plan_id = _new_draft(phone, officer, "Plan przed zmianą")
    assert (await phone.sync_once()).pushed == 1
    with session_scope(demo_engine) as store:  # approved elsewhere meanwhile
        store.get(Plan, plan_id).status = PlanStatus.approved
    with Session(phone.engine) as session:
        plan_in = stored_plan_input_of(session, plan_id)
    services.save_plan_draft(phone.engine, officer, plan_in.model_copy(update={"title": "Po"}))

    result = await phone.sync_once()

    assert result.conflicts == 1
    with Session(phone.engine) as device:
        assert device.get(Plan, plan_id).title == "Po"  # not silently reverted
        [document] = services._unsent_documents(device, officer.id)
        assert (document.object_id, document.code) == (plan_id, RefusalCode.not_allowed)
        screen_sync = services.plan_sync(device, plan_id, officer.id)
        assert screen_sync.unsent == document
    assert phone.state(officer.id).unsent == 1

    services.discard(phone.engine, officer.id, phone.device_id, document.mutation_id)
    assert (await phone.sync_once()).ok
    with Session(phone.engine) as device, Session(demo_engine) as store:
        assert device.get(Plan, plan_id).title == store.get(Plan, plan_id).title
        assert device.get(Plan, plan_id).status is PlanStatus.approved
    assert phone.state(officer.id).unsent == 0


def stored_plan_input_of(session: Session, plan_id: str):
    from app.core.sync.outputs import stored_plan_input

    return stored_plan_input(session, plan_id)
