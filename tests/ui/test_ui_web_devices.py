"""Web mode in-process: every browser a device (key in its storage, its own store and sign-in),
first sign-in through the service, offline sign-in after, sign-out, the idle lock."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from conftest import CHECK_ACTION, NOW, OFFICER, geo_fakes
from flet_harness import FletHarness
from sqlalchemy.engine import Engine

from app.core.model.clock import utcnow
from app.core.store.db import make_engine, session_scope
from app.core.store.entries import pending_outbox
from app.core.store.settings import get_setting, set_setting
from app.device.sync import local
from app.device.ui import state as keys
from app.device.ui.app import make_web_main
from app.device.ui.devices import DEVICE_KEY, WebDevices, parse_key
from app.server.server import create_app

SERVICE = "http://rejon.test"
PASSWORD = "rejon-demo"
NIVEA_TASK = "Kontrole placu zabaw Nivea w godzinach 7:00–22:00"


@pytest.fixture
def service_engine(demo_template: Path, tmp_path: Path) -> Engine:
    """The unit's store: the demo lives here, not on the devices."""
    path = tmp_path / "server.db"
    shutil.copy(demo_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
def service(service_engine: Engine) -> httpx.AsyncBaseTransport:
    return httpx.ASGITransport(app=create_app(service_engine))


def offline() -> httpx.AsyncBaseTransport:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no network", request=request)

    return httpx.MockTransport(refuse)


Browser = Callable[..., FletHarness]


@pytest.fixture
async def web(tmp_path: Path, service: httpx.AsyncBaseTransport) -> AsyncIterator[dict]:
    """``web["devices"]`` over ``tmp_path/devices``; ``web["browser"](storage)`` a tab."""
    made: list[WebDevices] = []

    def devices(transport: httpx.AsyncBaseTransport = service, lock: float = 15) -> WebDevices:
        registry = WebDevices(
            tmp_path / "devices", server_url=SERVICE, lock_minutes=lock, transport=transport
        )
        made.append(registry)
        return registry

    def browser(storage: dict, registry: WebDevices | None = None) -> FletHarness:
        handlers = {
            **geo_fakes(),
            "SharedPreferences.get": lambda _c, args: storage.get(args["key"]),
            "SharedPreferences.set": lambda _c, args: (
                storage.__setitem__(args["key"], args["value"]) or True
            ),
        }
        main = make_web_main(registry or made[0], clock=lambda: NOW)
        return FletHarness(main, method_handlers=handlers)

    registry = devices()
    yield {
        "devices": devices,
        "browser": browser,
        "folder": tmp_path / "devices",
        "registry": registry,
        "service": service,
    }
    for registry in made:
        await registry.close_all()


async def sign_in(h: FletHarness, badge: str = "100301", password: str = PASSWORD) -> None:
    await h.type_into("badge", badge)
    await h.type_into("password", password)
    await h.click("sign-in")


async def close(h: FletHarness) -> None:
    await h.close()
    await asyncio.sleep(0.05)  # the page's close event detaches its device


def setting(engine: Engine, key: str) -> str:
    with session_scope(engine) as session:
        return get_setting(session, key)


def test_a_device_key_is_a_canonical_uuid4():
    key = str(uuid.uuid4())
    assert parse_key(key) == key
    for bad in (
        None,
        42,
        "",
        "../../server",
        key.upper(),
        "{" + key + "}",
        str(uuid.uuid1()),
        key + ".db",
    ):
        assert parse_key(bad) is None, bad


async def test_two_browsers_are_two_devices_each_starting_at_sign_in(web):
    first, second = {}, {}
    async with web["browser"](first) as a, web["browser"](second) as b:
        for h in (a, b):
            assert h.find("sign-in") and not h.find("new-entry")
            assert not h.find(where=lambda c: str(c.key or "").startswith("account-"))
        assert parse_key(first[DEVICE_KEY]) and parse_key(second[DEVICE_KEY])
        assert first[DEVICE_KEY] != second[DEVICE_KEY]
        files = sorted(p.name for p in web["folder"].glob("*.db"))
        assert files == sorted(f"{s[DEVICE_KEY]}.db" for s in (first, second))

        await sign_in(a)
        await a.wait_for(lambda: bool(a.find("new-entry")))
        assert NIVEA_TASK in a.text(), "the first sign-in pulled the officer's plan"
        assert b.find("sign-in") and "Tomasz Nowak" not in b.text()
    registry = web["devices"]()
    async with web["browser"](second, registry) as b2:
        assert b2.find("sign-in"), "a reload of the other browser is still signed out"


async def test_a_malformed_key_from_the_browser_names_no_file(web):
    storage = {DEVICE_KEY: "../../server"}
    async with web["browser"](storage) as h:
        assert h.find("sign-in")
    key = storage[DEVICE_KEY]
    assert parse_key(key) == key
    assert [p.name for p in web["folder"].iterdir() if p.suffix == ".db"] == [f"{key}.db"]
    assert not (web["folder"].parent / "server").exists()


async def test_first_sign_in_needs_the_service_then_works_offline(web):
    storage: dict = {}
    registry = web["devices"](transport=offline())
    async with web["browser"](storage, registry) as h:
        await sign_in(h)
        assert "Pierwsze logowanie na urządzeniu wymaga" in h.get("sign-in-message").value
        assert not h.find("new-entry")

    async with web["browser"](storage, web["devices"]()) as h:
        await sign_in(h, password="wrong-password")
        assert h.get("sign-in-message").value == "Nieprawidłowy numer służbowy lub hasło."
        await sign_in(h)
        await h.wait_for(lambda: bool(h.find("new-entry")))
        await h.go("/settings")
        await h.click("sign-out")
        assert h.find("sign-in")
    await asyncio.sleep(0.05)

    async with web["browser"](storage, web["devices"](transport=offline())) as h:
        await sign_in(h)
        await h.wait_for(lambda: bool(h.find("new-entry")))
        assert NIVEA_TASK in h.text(), "offline: the hash and the plan stayed on the device"


async def test_the_password_can_be_shown_with_a_named_button(web):
    async with web["browser"]({}, web["devices"]()) as h:
        reveal = h.get("password-reveal")
        assert reveal.tooltip == "Pokaż hasło" and reveal.width == reveal.height == 48
        assert h.get("password").password
        await h.click("password-reveal")
        assert not h.get("password").password and h.get("password-reveal").tooltip == "Ukryj hasło"
        await h.click("password-reveal")
        assert h.get("password").password


async def test_a_lost_connection_is_told_in_polish(web, service):
    """ "no connection to http://…: ConnectError" is the sync client's log line, never the
    officer's: Synchronizuj teraz says it in the screen's language."""

    class Flaky(httpx.AsyncBaseTransport):
        def __init__(self) -> None:
            self.down = False

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if self.down:
                raise httpx.ConnectError("no network", request=request)
            return await service.handle_async_request(request)

    transport = Flaky()
    async with web["browser"]({}, web["devices"](transport=transport)) as h:
        await sign_in(h)
        await h.wait_for(lambda: bool(h.find("new-entry")))
        transport.down = True
        await h.go("/settings")
        await h.click("sync-now")
        said = h.toast("sync-result").content.value
        assert said.startswith("Synchronizacja nie powiodła się: brak połączenia z serwerem"), said
        for english in ("ConnectError", "no connection", "rejon.test"):
            assert english not in said and english not in h.text()
        assert "brak połączenia z serwerem" in h.get("settings-sync-detail").value


async def test_sign_out_leaves_nothing_of_the_officer(web, service_engine):
    storage: dict = {}
    async with web["browser"](storage) as h:
        await sign_in(h)
        await h.wait_for(lambda: bool(h.find("new-entry")))
        await h.go("/settings")
        state_engine = web["folder"] / f"{storage[DEVICE_KEY]}.db"
        await h.click("sign-out")
        assert h.view_routes() == ["/"] and h.find("sign-in")
        shown = "\n".join(h.texts(h.page))
        assert "Tomasz Nowak" not in shown and "100301" not in shown
        await h.go("/history")
        assert h.view_routes() == ["/"], "nothing but sign-in without an officer"
    device = make_engine(f"sqlite:///{state_engine}")
    try:
        assert setting(device, local.TOKEN) == "", "the token is gone from the device"
        assert setting(device, keys.SETTING_OFFICER) == ""
    finally:
        device.dispose()


async def test_two_tabs_of_one_browser_share_its_device(web):
    storage: dict = {}
    async with web["browser"](storage) as a:
        await sign_in(a)
        await a.wait_for(lambda: bool(a.find("new-entry")))
        async with web["browser"](storage) as b:
            assert b.find("new-entry"), "the same browser: the same device and officer"
            await a.go("/settings")
            await a.click("sign-out")
            await b.wait_for(lambda: bool(b.find("sign-in")))
            assert "Tomasz Nowak" not in "\n".join(b.texts(b.page))


async def test_idle_lock_asks_for_the_password_and_keeps_waiting_entries(web):
    storage: dict = {}
    async with web["browser"](storage) as h:
        await sign_in(h)
        await h.wait_for(lambda: bool(h.find("new-entry")))
        device = registry_device(web, storage)
        device.client.transport = offline()  # the entry must wait
        await h.click(f"log-{CHECK_ACTION}")
        await h.wait_for(lambda: "±8 m" in (h.get("gps-status").value or ""))
        await h.click("save")
        await h.go("/history")
        device.lock.after_s = 0.3  # as if the officer had walked away for the lock time
        await h.wait_for(lambda: bool(h.find("unlock")), timeout=8)
        shown = "\n".join(h.texts(h.page.views))
        assert not h.find("nav") and "Kontrola miejsca" not in shown
        assert all(not d.open for d in h.page._dialogs.controls), "no dialog over the lock"
        assert "Tomasz Nowak" in h.get("locked-officer").value
        await h.go("/")
        assert h.find("unlock") and not h.find("new-entry"), "every route shows the lock"
        await h.go("/history")

        await h.type_into("unlock-password", "wrong-password")
        await h.click("unlock")
        assert h.get("unlock-message").value == "Nieprawidłowe hasło (pozostało prób: 4)."
        device.lock.after_s = 900
        await h.type_into("unlock-password", PASSWORD)
        await h.click("unlock")
        assert h.find("nav") and not h.find("unlock")
        assert h.view_routes() == ["/history"], "back where the officer was"
        with session_scope(device.engine) as session:
            assert len(pending_outbox(session, limit=10)) == 1, "the entry still waits"


def registry_device(web: dict, storage: dict):
    device = web["registry"].device(storage[DEVICE_KEY])
    assert device is not None and device.client is not None
    return device


async def test_a_browser_reopened_after_the_lock_time_starts_locked(web):
    storage: dict = {}
    async with web["browser"](storage) as h:
        await sign_in(h)
        await h.wait_for(lambda: bool(h.find("new-entry")))
    await asyncio.sleep(0.1)
    engine = make_engine(f"sqlite:///{web['folder'] / (storage[DEVICE_KEY] + '.db')}")
    try:
        long_ago = (utcnow() - timedelta(minutes=16)).isoformat()
        with session_scope(engine) as session:
            set_setting(session, keys.SETTING_LAST_ACTIVE, long_ago)
    finally:
        engine.dispose()
    async with web["browser"](storage, web["devices"]()) as h:
        assert h.find("unlock") and not h.find("new-entry")


async def test_too_many_wrong_unlocks_sign_out(web):
    storage: dict = {}
    async with web["browser"](storage) as h:
        await sign_in(h)
        await h.wait_for(lambda: bool(h.find("new-entry")))
        registry_device(web, storage).lock.after_s = 0.3
        await h.wait_for(lambda: bool(h.find("unlock")), timeout=8)
        for _ in range(5):
            await h.type_into("unlock-password", "wrong-password")
            await h.click("unlock")
        assert h.find("sign-in") and not h.find("unlock")


async def test_lock_time_is_set_in_settings_within_limits(web):
    storage: dict = {}
    async with web["browser"](storage) as h:
        await sign_in(h)
        await h.wait_for(lambda: bool(h.find("new-entry")))
        await h.go("/settings")
        assert h.get("idle-lock").value == "15"
        for bad in ("0", "61", ""):
            await h.type_into("idle-lock", bad)
            await h.click("save-idle-lock")
            assert h.get("idle-lock").error == "Liczba minut od 1 do 60"
        await h.type_into("idle-lock", "5")
        await h.click("save-idle-lock")
        assert h.get("idle-lock").error is None
    engine = make_engine(f"sqlite:///{web['folder'] / (storage[DEVICE_KEY] + '.db')}")
    try:
        assert setting(engine, keys.SETTING_IDLE_LOCK) == "5"
    finally:
        engine.dispose()


async def test_the_phone_keeps_its_one_device(app_factory, ui_engine):
    """The phone's entry (make_main) still serves one store; its demo accounts sign in."""
    async with app_factory(officer=None) as h:
        assert h.find("account-100301")
        await h.type_into("badge", "100301")
        await h.type_into("password", PASSWORD)
        await h.click("sign-in")
        await h.wait_for(lambda: bool(h.find("new-entry")))
    assert setting(ui_engine, keys.SETTING_OFFICER) == OFFICER


async def test_a_password_the_service_no_longer_takes_signs_the_device_out(web, service_engine):
    from sqlmodel import Session

    from app.server.accounts import disable_user

    storage: dict = {}
    async with web["browser"](storage) as h:
        await sign_in(h)
        await h.wait_for(lambda: bool(h.find("new-entry")))
        await h.go("/settings")
        await h.click("sign-out")
    await asyncio.sleep(0.05)
    with Session(service_engine) as session:
        disable_user(session, "100301")
        session.commit()
    async with web["browser"](storage, web["devices"]()) as h:
        await sign_in(h)  # the device's hash still takes it; the service then refuses
        await h.wait_for(lambda: bool(h.find("sign-in")) and not h.find("new-entry"))
        assert "Serwer nie przyjął tego hasła" in h.toast("error").content.value
        await sign_in(h)
        await h.wait_for(lambda: bool(h.get("sign-in-message").value))
        assert h.get("sign-in-message").value == "Nieprawidłowy numer służbowy lub hasło."


async def test_settings_belong_to_one_browser(web):
    first, second = {}, {}
    async with web["browser"](first) as a, web["browser"](second) as b:
        await a.go("/settings")
        await a.click("lang-en")
        await a.type_into("server-url", "https://rejon.example.pl")
        await a.click("save-server-url")
        await b.go("/settings")
        assert "Język" in b.text() and b.get("server-url").value == SERVICE
    async with web["browser"](first, web["devices"]()) as a2:
        await a2.go("/settings")
        assert "Language" in a2.text() and a2.get("server-url").value == "https://rejon.example.pl"


async def test_the_last_tab_closing_sends_what_waits(web, service_engine):
    from sqlmodel import select

    from app.core.model import Entry

    storage: dict = {}
    registry = web["registry"]
    h = await web["browser"](storage).start()
    await sign_in(h)
    await h.wait_for(lambda: bool(h.find("new-entry")))
    device = registry_device(web, storage)
    device.client.transport = offline()
    await h.click(f"log-{CHECK_ACTION}")
    await h.wait_for(lambda: "±8 m" in (h.get("gps-status").value or ""))
    await h.click("save")
    with session_scope(device.engine) as session:
        [waiting] = pending_outbox(session, limit=10)
    device.client.transport = web["service"]  # the network is back as the browser closes
    await close(h)
    for _ in range(100):
        if registry.device(storage[DEVICE_KEY]) is None:
            break
        await asyncio.sleep(0.05)
    assert registry.device(storage[DEVICE_KEY]) is None, "the device closed with its last tab"
    for _ in range(100):  # the device leaves the registry first, then sends what waits
        with session_scope(service_engine) as session:
            ids = session.exec(select(Entry.id)).all()
        if waiting.object_id in ids:
            break
        await asyncio.sleep(0.05)
    assert ids.count(waiting.object_id) == 1


def entry_ids(engine: Engine) -> set[str]:
    from sqlmodel import select

    from app.core.model import Entry

    with session_scope(engine) as session:
        return set(session.exec(select(Entry.id)).all())


async def test_a_browser_with_no_page_connected_pulls_nothing_until_one_is_back(
    web, service_engine
):
    """``rejon run`` keeps a closed tab's session (and device) for an hour: its rounds send
    what waits but leave the others' changes on the service until a page reconnects."""
    phone_storage: dict = {}
    phone_tab = await web["browser"](phone_storage).start()
    await sign_in(phone_tab)
    await phone_tab.wait_for(lambda: bool(phone_tab.find("new-entry")))
    phone = registry_device(web, phone_storage)
    assert phone.watched()
    await phone_tab.session.disconnect(3600)  # the tab went away; the session waits for it
    assert not phone.watched()

    async with web["browser"]({}) as other:  # the same officer in another browser logs a check
        await sign_in(other)
        await other.wait_for(lambda: bool(other.find("new-entry")))
        await other.click(f"log-{CHECK_ACTION}")
        await other.wait_for(lambda: "±8 m" in (other.get("gps-status").value or ""))
        before = entry_ids(service_engine)
        await other.click("save")
        await other.wait_for(lambda: entry_ids(service_engine) - before != set(), timeout=15)
        [logged] = entry_ids(service_engine) - before

    result = await phone.client.sync_once()
    assert result.ok and result.pulled == 0 and logged not in entry_ids(phone.engine)

    await phone_tab.session.connect(phone_tab.conn)  # the tab is back: it pulls at once
    assert phone.watched()
    await phone_tab.wait_for(lambda: logged in entry_ids(phone.engine), timeout=15)
    await phone_tab.session.disconnect(3600)
    await phone_tab.go("/history")  # an event from the page: it is there, whatever was told
    assert phone.watched()
    await close(phone_tab)
