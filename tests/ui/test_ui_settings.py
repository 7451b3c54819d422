"""Settings: language, GPS threshold, server address, sign-out."""

from conftest import CHECK_ACTION, SUPERVISOR

from app.core.store.db import session_scope
from app.core.store.settings import get_setting
from app.device.ui import state as keys


async def test_switch_to_english_and_back(app, ui_engine):
    await app.go("/settings")
    await app.click("lang-en")
    nav = app.get("nav")
    assert [d.label for d in nav.destinations] == ["Today", "History", "Map", "Plan", "Settings"]
    assert "Language" in app.text()
    await app.go("/")
    assert app.get(f"status-{CHECK_ACTION}").content.value == "To do"
    assert "Tasks for today" in app.text()
    with session_scope(ui_engine) as session:
        assert get_setting(session, keys.SETTING_LANGUAGE) == "en"
    await app.go("/settings")
    await app.click("lang-pl")
    assert "Język" in app.text()


async def test_gps_threshold_is_checked_and_used(app, app_factory, ui_engine):
    await app.go("/settings")
    await app.type_into("gps-threshold", "2")
    await app.click("save-gps-threshold")
    assert app.get("gps-threshold").error == "Liczba metrów od 5 do 5000"
    await app.type_into("gps-threshold", "5")
    await app.click("save-gps-threshold")
    assert app.get("gps-threshold").error is None
    await app.go("/")
    await app.click(f"log-{CHECK_ACTION}")
    await app.wait_for(lambda: "Słaba dokładność GPS (±8 m)" in app.get("gps-status").value)


async def test_server_address_is_validated_and_stored(app, ui_engine):
    await app.go("/settings")
    await app.type_into("server-url", "rejon.local")
    await app.click("save-server-url")
    assert app.get("server-url").error
    await app.type_into("server-url", "https://rejon.example.pl/")
    await app.click("save-server-url")
    with session_scope(ui_engine) as session:
        assert get_setting(session, keys.SETTING_SERVER_URL) == "https://rejon.example.pl"


async def test_sync_now_without_a_service_says_so(app):
    await app.go("/settings")
    await app.click("sync-now")
    toast = app.toast("sync-result")
    assert toast.content.value == "Brak serwera synchronizacji."


async def test_sync_now_reports_what_was_sent(app_factory):
    from types import SimpleNamespace

    from app.device.sync.client import SyncState

    class FakeSync:
        taps = 0

        def state(self, _officer_id=None):
            return SyncState(pending=0, online=True, last_success=None, last_error=None)

        def officer_active(self) -> None:
            self.taps += 1

        async def sync_once(self):
            return SimpleNamespace(pushed=2, pulled=5, errors=[])

    sync = FakeSync()
    async with app_factory(sync=sync) as h:
        await h.go("/settings")
        taps = sync.taps
        await h.click("sync-now")
        assert h.toast("sync-result").content.value == "Wysłano 2, pobrano 5."
        assert sync.taps == taps + 1  # every tap tells the sync client to let it go first


async def test_sign_out_returns_to_the_sign_in(app, ui_engine):
    await app.go("/settings")
    await app.click("sign-out")
    assert app.find("sign-in")
    await app.go("/history")
    assert app.view_routes() == ["/"], "nothing but sign-in without an officer"


async def test_sign_out_with_changes_waiting_asks_and_keeps_them_for_the_officer(
    app_factory, ui_engine
):
    """The officer's waiting change stays theirs: signing out asks first (with the count),
    says what is left; the supervisor signing in next on this phone sees it waiting for
    another user — never "Wszystko wysłane" — and cannot send it."""
    async with app_factory() as h:
        await h.go(f"/log?action={CHECK_ACTION}")
        await h.click("save")
        await h.go("/settings")
        await h.click("sign-out")
        dialog = h.dialogs()[-1]
        assert dialog.title.value == "Wylogować mimo niewysłanych zmian (1)?"
        assert "nigdy z konta innej osoby" in dialog.content.value
        await h.click("cancel-sign-out")
        assert h.find("settings-officer"), "cancel keeps the officer signed in"
        await h.click("sign-out")
        await h.click("confirm-sign-out")
        assert h.find("sign-in")
        assert h.toast("error").content.value == (
            "Wylogowano. Na tym urządzeniu czeka Twoich zmian: 1. "
            "Zostaną wysłane, gdy znów się tu zalogujesz."
        )

    async with app_factory(officer=SUPERVISOR) as h:
        badge = h.get("sync-badge").content.controls[1].value
        assert badge == "Czeka na zalogowanie: 1"
        spoken = h.find(where=lambda c: getattr(c, "identifier", None) == "sync-badge")[0].label
        assert spoken == "Synchronizacja: zmiany innego użytkownika (1) czekają na jego zalogowanie"
        assert "nigdy nie są wysyłane z Twojego konta" in h.get("sync-detail").value

    async with app_factory() as h:
        assert h.get("sync-badge").content.controls[1].value == "Czeka: 1"
