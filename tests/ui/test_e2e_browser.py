"""The real app (`rejon run`) in Debian Chromium via Playwright, phone-sized, on a fixed day.

Screenshots of every screen go to tests/artifacts/ (git-ignored): look at them after a change.
These tests fail, never skip, when /usr/bin/chromium is missing (`.ci/run` installs it).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from app.model.ids import stable_id
from app.plans.demo import PLACES, place_id

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
DAY = "2026-11-18"
CHECK = stable_id("action", "lubartow", "2026-07-01", "check")
NIVEA = PLACES["nivea"]
TIMEOUT = 20_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`rejon run` on a free port, over a fresh storage folder with the demo, on a fixed day."""
    port = _free_port()
    storage = tmp_path_factory.mktemp("storage")
    env = dict(os.environ, REJON_STORAGE_DIR=str(storage))
    for name in ("DISPLAY", "REJON_DATABASE_URL", "REJON_SERVER_DATABASE_URL"):
        env.pop(name, None)
    log_path = storage / "server.log"
    command = [sys.executable, "-c", "from app.cli import main; main()", "run"]
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [*command, "--port", str(port), "--date", DAY],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"rejon run did not start:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) "
            "or set CHROMIUM to its path; the browser tests never skip."
        )
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield browser
        browser.close()


def open_app(browser: Browser, url: str, *, gps: bool = True) -> Page:
    """A phone-sized page of the app with its accessibility tree on, signed in as 100301."""
    options: dict = {"viewport": {"width": 412, "height": 915}, "locale": "pl-PL"}
    if gps:
        options["geolocation"] = {"latitude": NIVEA.lat, "longitude": NIVEA.lon, "accuracy": 8}
        options["permissions"] = ["geolocation"]
    context = browser.new_context(**options)
    page = context.new_page()
    page.add_init_script("window.addEventListener('flutter-first-frame',()=>{window.__ff=1})")
    page.goto(url)
    page.wait_for_function("window.__ff === 1", timeout=60_000)
    page.locator("flt-semantics-placeholder").dispatch_event("click")
    today = page.get_by_role("tab", name="Dziś")
    expect(today).to_be_attached(timeout=TIMEOUT)
    sign_in = page.get_by_role("button", name="Zaloguj lokalnie")
    if sign_in.count():
        page.get_by_role("button", name=re.compile("^100301")).click()
        page.get_by_label("Hasło").click()
        page.keyboard.type("rejon-demo")
        sign_in.click()
    expect(page.get_by_role("button", name="Nowy wpis")).to_be_attached(timeout=TIMEOUT)
    return page


def shown(page: Page, text: str | re.Pattern) -> None:
    """``text`` is on screen: as a text node, or as the label of a group (a snackbar)."""
    exact = isinstance(text, str)
    target = page.get_by_text(text, exact=exact).or_(page.get_by_label(text, exact=exact))
    expect(target.first).to_be_attached(timeout=TIMEOUT)


def shot(page: Page, name: str) -> None:
    """Let the canvas catch up with the accessibility tree, then keep a screenshot."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(800)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    assert page.get_by_text("Unknown control").count() == 0, f"{name}: a control is missing"


def test_today_lists_the_demo_tasks(browser: Browser, app_url: str) -> None:
    page = open_app(browser, app_url)
    for text in (
        "Kontrole placu zabaw Nivea w godzinach 7:00–22:00",
        "Rozmowy profilaktyczne z mieszkańcami rejonu",
    ):
        expect(page.get_by_text(text)).to_be_attached(timeout=TIMEOUT)
    expect(page.get_by_text("Zadania na dziś")).to_be_attached()
    shot(page, "1_today")
    page.context.close()


def test_log_a_nivea_check_in_two_taps_then_history_and_progress(
    browser: Browser, app_url: str
) -> None:
    page = open_app(browser, app_url)
    page.get_by_role("tab", name="Plan").click()
    progress = page.get_by_text(re.compile(r"^Wykonano \d+ z \d+ do dziś$")).first
    expect(progress).to_be_attached(timeout=TIMEOUT)
    before = progress.inner_text()
    page.get_by_role("tab", name="Dziś").click()

    page.locator(f'[flt-semantics-identifier="log-{CHECK}"]').click()  # tap 1
    expect(page.get_by_text("Dokładność GPS ±8 m")).to_be_attached(timeout=TIMEOUT)
    shot(page, "2_quick_log")
    page.get_by_role("button", name="Zapisz").click()  # tap 2
    shown(page, "Zapisano: Kontrola miejsca")
    expect(page.get_by_text("Zrobione", exact=True)).to_be_attached(timeout=TIMEOUT)
    shot(page, "3_today_after_save")

    page.get_by_role("tab", name="Historia").click()
    # today's check on top of the demo's history (which ends yesterday)
    expect(page.get_by_text("środa, 18 listopada 2026")).to_be_attached(timeout=TIMEOUT)
    expect(page.get_by_text(re.compile(r"\d\d:\d\d · Kontrola miejsca")).first).to_be_attached()
    expect(page.get_by_text("Plac zabaw Nivea").first).to_be_attached()
    shot(page, "4_history")

    page.get_by_role("tab", name="Plan").click()
    after = page.get_by_text(re.compile(r"^Wykonano \d+ z \d+ do dziś$")).first
    expect(after).not_to_have_text(before, timeout=TIMEOUT)
    assert int(after.inner_text().split()[1]) == int(before.split()[1]) + 1
    shot(page, "5_plan")
    page.mouse.move(200, 500)
    page.mouse.wheel(0, 450)
    shot(page, "5b_plan_chart")
    page.context.close()


def test_without_gps_permission_the_place_is_picked(browser: Browser, app_url: str) -> None:
    page = open_app(browser, app_url, gps=False)
    page.get_by_role("button", name="Nowy wpis").click()
    expect(page.get_by_text(re.compile("wybierz miejsce poniżej"))).to_be_attached(timeout=TIMEOUT)
    osiedle = PLACES["osiedle"].name
    page.get_by_role("button", name=re.compile(osiedle)).click()
    shot(page, "6_log_without_gps")
    page.get_by_role("button", name="Zapisz").click()
    shown(page, "Zapisano: Obchód")
    page.get_by_role("tab", name="Historia").click()
    expect(page.get_by_text(osiedle).first).to_be_attached(timeout=TIMEOUT)
    expect(page.get_by_text("bez pozycji GPS").first).to_be_attached()
    assert place_id("osiedle")
    page.get_by_role("tab", name="Ustawienia").click()
    expect(page.get_by_text("Synchronizacja", exact=True)).to_be_attached(timeout=TIMEOUT)
    shot(page, "7_settings")
    page.get_by_role("tab", name="Plan").click()
    page.get_by_role("button", name="Nowy plan").click()
    expect(page.get_by_label("Zagrożenie")).to_be_attached(timeout=TIMEOUT)
    shot(page, "8_plan_editor")
    page.context.close()
