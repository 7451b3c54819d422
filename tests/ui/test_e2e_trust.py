"""Browser journeys of "never lose or hide an entry" (real Chromium, 412×915, pl-PL).

Each journey ends with the reconciliation of the device against the unit's store
(``browser_support.reconcile``): stored, visibly waiting, or visibly not sent — no fourth state.
Screenshots go to tests/artifacts/trust_*.png.
"""

from __future__ import annotations

import json
import re
import threading
import urllib.request
from collections.abc import Iterator
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from browser_support import (
    NIVEA,
    TIMEOUT,
    WORDS,
    Service,
    free_port,
    message,
    reconcile,
    rejon_run,
    served_app,
    shot,
    tap_until,
    type_into,
)
from playwright.sync_api import Browser, Page, expect
from test_e2e_browser import CHECK, browser, open_app, shown

pytestmark = pytest.mark.e2e
__all__ = ["browser"]  # the fixture, used by every test here


storage, app_url = served_app("trust-storage")


class NotFoundEverywhere(BaseHTTPRequestHandler):
    """Someone else's server: a 404 page for every request."""

    def _answer(self) -> None:
        body = b"<html><body><h1>404 Not Found</h1></body></html>"
        self.send_response(404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _answer

    def log_message(self, *_args: object) -> None:
        return


@pytest.fixture
def wrong_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), NotFoundEverywhere)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def set_address(page: Page, url: str) -> None:
    page.get_by_role("tab", name="Ustawienia").click()
    expect(page.get_by_label("Adres serwera")).to_be_attached(timeout=TIMEOUT)
    type_into(page, "Adres serwera", url)
    page.get_by_role("button", name="Zapisz adres").click()
    shown(page, "Adres serwera zapisany.")


def sync_now(page: Page, language: str = "pl") -> None:
    page.get_by_role("tab", name=WORDS[language]["settings"]).click()
    page.get_by_role("button", name=WORDS[language]["sync_now"]).click()


def log_check(page: Page) -> None:
    """Today → Odnotuj → Zapisz. Today may be drawn again as the first sync brings data in:
    a tap that lands on the old drawing is tapped again, as a person would."""
    page.get_by_role("tab", name="Dziś").click()
    task = page.locator(f'[flt-semantics-identifier="log-{CHECK}"]')
    save = page.get_by_role("button", name="Zapisz")
    for _ in range(3):
        expect(task).to_be_attached(timeout=TIMEOUT)
        page.wait_for_timeout(500)
        task.click()
        try:
            expect(save).to_be_attached(timeout=8000)
            break
        except AssertionError:
            continue
    save.click()
    shown(page, "Zapisano: Kontrola miejsca")


def supervisor_pull(app_url: str) -> dict:
    """What the Lubartów supervisor's phone receives from the unit's store."""
    api = f"{app_url}sync/api/v1"
    login = json.dumps({"badge": "100300", "password": "rejon-demo"}).encode()
    request = urllib.request.Request(
        f"{api}/auth/login", data=login, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        token = json.load(answer)["access_token"]
    pulled: dict[str, list] = {"places": [], "revisions": []}
    cursor, more = 0, True
    while more:  # every page, as the phone does
        request = urllib.request.Request(
            f"{api}/changes?since={cursor}&limit=1000",
            headers={"Authorization": f"Bearer {token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            page = json.load(answer)
        for name in pulled:
            pulled[name] += page[name]
        cursor, more = page["next_cursor"], page["has_more"]
    return pulled


def wait_for_badge(page: Page, pattern: str, language: str = "pl") -> None:
    page.get_by_role("tab", name=WORDS[language]["today"]).click()
    target = page.locator('[flt-semantics-identifier="sync-badge"]')
    expect(target.first).to_contain_text(re.compile(pattern, re.IGNORECASE), timeout=60_000)


# ---- journey 3: five km from every known place ---------------------------------------------


def test_a_new_place_and_its_entry_reach_the_supervisor(
    browser: Browser, app_url: str, storage: Path
) -> None:
    page = open_app(browser, app_url)
    far = {"latitude": NIVEA.lat + 0.045, "longitude": NIVEA.lon, "accuracy": 10}
    page.context.set_geolocation(far)
    page.get_by_role("button", name="Nowy wpis").click()
    add = page.get_by_role("button", name="Dodaj nowe miejsce tutaj")
    expect(add).to_be_enabled(timeout=TIMEOUT)
    add.click()
    type_into(page, "Nazwa nowego miejsca", "Garaże przy Lubelskiej")
    page.get_by_role("button", name="Dodaj miejsce").click()
    expect(page.get_by_text(re.compile("Garaże przy Lubelskiej")).first).to_be_attached(
        timeout=TIMEOUT
    )
    shot(page, "trust_1_new_place")
    page.get_by_role("button", name="Zapisz").click()
    shown(page, "Zapisano: Obchód")
    wait_for_badge(page, "wszystko wysłane")
    shot(page, "trust_2_new_place_sent")

    pulled = supervisor_pull(app_url)
    assert "Garaże przy Lubelskiej" in [p["name"] for p in pulled["places"]]
    place = next(p for p in pulled["places"] if p["name"] == "Garaże przy Lubelskiej")
    assert place["id"] in {r["place_id"] for r in pulled["revisions"]}
    states = reconcile(storage)
    assert "unsent" not in states.values() and "waiting" not in states.values()
    page.context.close()


# ---- journey 7: an address that answers with someone else's 404 -------------------------------


def test_a_wrong_address_settles_nothing_and_the_fixed_one_sends_everything(
    browser: Browser, app_url: str, storage: Path, wrong_server: str
) -> None:
    page = open_app(browser, app_url)
    set_address(page, wrong_server)
    for _ in range(3):
        log_check(page)
    sync_now(page)
    shown(page, re.compile("pod tym adresem nie odpowiada serwis Rejon"))
    wait_for_badge(page, "brak połączenia, czeka 3")
    shot(page, "trust_3_wrong_address")
    states = reconcile(storage)
    assert list(states.values()).count("waiting") == 3

    set_address(page, f"{app_url}sync")  # "Zapisz adres" already asks for a round
    wait_for_badge(page, "wszystko wysłane")
    shot(page, "trust_4_address_fixed")
    states = reconcile(storage)
    assert set(states.values()) == {"stored"}
    page.context.close()


# ---- journey 6: the service stopped, entries logged, the service back -------------------------


def test_the_service_stopped_and_started_again(
    browser: Browser, app_url: str, storage: Path
) -> None:
    page = open_app(browser, app_url)  # signed in through the embedded service first
    service = Service(storage, free_port())
    service.start()
    try:
        set_address(page, service.url)  # "Zapisz adres" asks for a round at the new address
        wait_for_badge(page, "wszystko wysłane")
        service.kill()
        for _ in range(3):
            log_check(page)
        sync_now(page)
        shown(page, re.compile("brak połączenia z serwerem"))
        wait_for_badge(page, "brak połączenia, czeka 3")
        shot(page, "trust_5_service_down")
        expect(page.get_by_text(re.compile("Ostatnia udana")).first).to_be_attached(timeout=TIMEOUT)
        assert list(reconcile(storage).values()).count("waiting") == 3

        service.start()
        sync_now(page)
        wait_for_badge(page, "wszystko wysłane")
        shot(page, "trust_6_service_back")
        assert set(reconcile(storage).values()) == {"stored"}
    finally:
        service.kill()
        page.context.close()


# ---- edit → delete → Back; two files saved in a moment ---------------------------------------


def test_edit_delete_back_and_two_quick_exports_keep_the_session(
    browser: Browser, app_url: str, storage: Path
) -> None:
    page = open_app(browser, app_url)
    log_check(page)
    page.get_by_role("tab", name="Historia").click()
    page.get_by_role("button", name="Edytuj").first.click()
    expect(page.get_by_role("button", name="Zapisz")).to_be_attached(timeout=TIMEOUT)
    page.get_by_role("button", name="Zapisz").click()
    shown(page, "Zmiany zapisane (poprzednia wersja zostaje zachowana).")
    dialog = page.get_by_role("alertdialog")
    page.get_by_role("button", name="Usuń").first.click()
    expect(dialog).to_contain_text("Usunąć ten wpis?", timeout=TIMEOUT)
    dialog.get_by_role("button", name="Anuluj").click()
    expect(dialog).not_to_be_attached(timeout=TIMEOUT)
    page.get_by_role("button", name="Usuń").first.click()
    expect(dialog).to_contain_text("Usunąć ten wpis?", timeout=TIMEOUT)
    # a tap while the dialog still slides in may be lost (a second one is ignored by the app)
    tap_until(page, dialog.get_by_role("button", name="Usuń"), message(page, "Wpis usunięty."))
    page.get_by_role("button", name="Cofnij").click()  # undo the delete: the entry is back
    shown(page, "Wpis przywrócony.")
    expect(page.get_by_role("button", name="Edytuj").first).to_be_attached(timeout=TIMEOUT)
    shot(page, "trust_7a_delete_undone")
    page.get_by_role("button", name="Usuń").first.click()
    expect(dialog).to_contain_text("Usunąć ten wpis?", timeout=TIMEOUT)
    # a tap while the dialog still slides in may be lost (a second one is ignored by the app)
    tap_until(page, dialog.get_by_role("button", name="Usuń"), message(page, "Wpis usunięty."))
    page.go_back()  # to the edit form of the entry just deleted
    shown(page, "Ten wpis został usunięty: nie ma czego edytować.")
    shot(page, "trust_7_back_to_a_deleted_entry")
    page.go_forward()

    page.get_by_role("tab", name="Plan").click()
    pdf = page.get_by_role("button", name="Raport (PDF)")
    expect(pdf).to_be_attached(timeout=TIMEOUT)
    pdf.click()
    page.wait_for_timeout(1200)
    page.get_by_role("button", name="Wpisy (CSV)").click()
    page.wait_for_timeout(6000)  # both toasts come and go
    assert page.get_by_text(re.compile("Error running app|Frozen")).count() == 0
    expect(page.get_by_role("tab", name="Plan")).to_be_attached()
    shot(page, "trust_8_two_exports")
    wait_for_badge(page, "wszystko wysłane")
    assert set(reconcile(storage).values()) <= {"stored"}
    page.context.close()


# ---- the demonstration day later than the real date ------------------------------------------


def test_a_demonstration_day_later_than_today_saves(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    storage = tmp_path_factory.mktemp("later-day")
    later = (date.today() + timedelta(days=21)).isoformat()
    with rejon_run(storage, day=later) as url:
        page = open_app(browser, url)
        log_check(page)
        assert page.get_by_text(re.compile("Error running app")).count() == 0
        wait_for_badge(page, "wszystko wysłane")
        shot(page, "trust_9_demo_day_later")
        page.get_by_role("tab", name="Historia").click()
        expect(page.get_by_text(re.compile(r"\d\d:\d\d · Kontrola miejsca")).first).to_be_attached(
            timeout=TIMEOUT
        )
        assert set(reconcile(storage).values()) == {"stored"}
        page.context.close()


# ---- a change the service refuses: shown with its reason, corrected, sent -------------------


def test_a_refused_entry_is_shown_corrected_and_sent(
    browser: Browser, app_url: str, storage: Path
) -> None:
    """A typo in the year dates the entry long before the plan: the service refuses it. The
    officer sees it in History with the reason, corrects it (Edytuj) and it is sent."""
    page = open_app(browser, app_url)
    page.get_by_role("tab", name="Dziś").click()
    task = page.locator(f'[flt-semantics-identifier="log-{CHECK}"]')
    expect(task).to_be_attached(timeout=TIMEOUT)
    page.wait_for_timeout(500)
    task.click()
    expect(page.get_by_label("Data")).to_be_attached(timeout=TIMEOUT)
    shown(page, re.compile("^Pozostało 2\xa0000 znaków$"))  # Flutter's own text, in Polish
    assert page.get_by_text(re.compile("characters remaining")).count() == 0
    page.mouse.move(200, 400)
    page.mouse.wheel(0, 1500)  # the date sits at the end of the form
    page.wait_for_timeout(500)
    type_into(page, "Data", "18.11.2025")
    page.get_by_role("button", name="Zapisz").click()
    shown(page, "Zapisano: Kontrola miejsca")
    wait_for_badge(page, "nie wysłano 1")
    shot(page, "trust_10_refused_on_today")
    assert "unsent" in reconcile(storage).values()

    page.get_by_role("tab", name="Historia").click()
    reason = page.get_by_text(re.compile("^Nie wysłano \\(ta wersja\\): serwer uznał"))
    expect(reason).to_be_attached(timeout=TIMEOUT)
    shot(page, "trust_11_refused_in_history")
    page.get_by_role("button", name="Edytuj").first.click()
    expect(page.get_by_label("Data")).to_be_attached(timeout=TIMEOUT)
    page.mouse.move(200, 400)
    page.mouse.wheel(0, 1500)  # the date sits at the end of the form
    page.wait_for_timeout(500)
    type_into(page, "Data", "18.11.2026")
    shot(page, "trust_12a_correcting")
    page.get_by_role("button", name="Zapisz").click()
    shown(page, "Zmiany zapisane (poprzednia wersja zostaje zachowana).")
    wait_for_badge(page, "wszystko wysłane")
    page.get_by_role("tab", name="Historia").click()
    expect(page.get_by_text(re.compile("^Nie wysłano"))).not_to_be_attached(timeout=TIMEOUT)
    shot(page, "trust_12_corrected_and_sent")
    states = reconcile(storage)
    assert "unsent" not in states.values() and "waiting" not in states.values()
    page.context.close()
