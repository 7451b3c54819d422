"""The README's pictures: a new user's walk through the demo in real Chromium at 412×915.

Sign-in, Today, the quick log, History, the plan with its chart, the map, the supervisor's
overview and the first page of the realization report (PDF, downloaded from the app and
drawn by pdftoppm). With ``REJON_PICTURES=docs`` the pictures replace those in
``docs/screens/`` (the README shows them); otherwise they go to
``tests/artifacts/pictures/``. Every step is also checked, so this is a journey test too.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, ROOT, TIMEOUT
from browser_support import sign_in as sign_in_through_the_form
from playwright.sync_api import Browser, Locator, Page, expect
from test_e2e_browser import (  # the same `rejon run` and browser fixtures (own instances)
    CHECK,
    app_url,
    browser,
    shown,
)

pytestmark = pytest.mark.e2e
__all__ = ["app_url", "browser"]

PICTURES = (
    ROOT / "docs" / "screens"
    if os.environ.get("REJON_PICTURES") == "docs"
    else (ARTIFACTS / "pictures")
)
PDFTOPPM = shutil.which("pdftoppm") or "/usr/bin/pdftoppm"


def new_page(browser: Browser, url: str) -> Page:
    """A phone-sized page at the Nivea playground, accessibility tree on."""
    context = browser.new_context(
        viewport={"width": 412, "height": 915},
        locale="pl-PL",
        timezone_id="Europe/Warsaw",
        geolocation={"latitude": 51.46622, "longitude": 22.61060, "accuracy": 8},
        permissions=["geolocation"],
        accept_downloads=True,
    )
    page = context.new_page()
    page.add_init_script("window.addEventListener('flutter-first-frame',()=>{window.__ff=1})")
    page.goto(url)
    page.wait_for_function("window.__ff === 1", timeout=60_000)
    page.locator("flt-semantics-placeholder").dispatch_event("click")
    expect(page.get_by_role("tab", name="Dziś")).to_be_attached(timeout=TIMEOUT)
    return page


TOASTS = re.compile("^(Zalogowano|Zapisano)")


def toasts(page: Page) -> Locator:
    """Snackbars on screen (a text node, or the label of their group)."""
    return page.get_by_text(TOASTS).or_(page.get_by_label(TOASTS))


def picture(page: Page, name: str) -> Path:
    """Once the toasts are gone and the canvas has caught up with the accessibility tree,
    keep the screen."""
    PICTURES.mkdir(parents=True, exist_ok=True)
    expect(toasts(page)).to_have_count(0, timeout=TIMEOUT)
    page.mouse.move(400, 30)  # no hover tooltip on the tab bar
    page.wait_for_timeout(1200)
    path = PICTURES / f"{name}.png"
    page.screenshot(path=str(path))
    assert page.get_by_text("Unknown control").count() == 0, f"{name}: a control is missing"
    return path


def tap(page: Page, target: Locator) -> None:
    """Click like a finger: Flutter's web semantics may keep keyboard focus on a control of the
    previous screen, and a click then only moves the focus; a phone's touch has none."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    target.click()


def tap_until(page: Page, target: Locator, shows: Locator) -> None:
    """Tap until the next screen shows. Right after a text field had focus, or a screen was
    replaced, the web client sometimes takes the first click only as a focus change (Flutter
    web's focus handling in Chromium; a phone's touch has no keyboard focus): one more tap."""
    tap(page, target)
    try:
        expect(shows.first).to_be_attached(timeout=5_000)
        return
    except AssertionError:
        if target.count():  # still there: the tap was lost (else the screen is just slow)
            tap(page, target)
    expect(shows.first).to_be_attached(timeout=TIMEOUT)


def type_into(page: Page, label: str, text: str) -> None:
    """Replace a field's text as a user would (again if the first click only took focus)."""
    field = page.get_by_role("textbox", name=label).first  # not the "Pokaż hasło" button
    for _attempt in range(3):
        page.evaluate("document.activeElement && document.activeElement.blur()")
        field.click()
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
        if text:
            page.keyboard.type(text)
        page.wait_for_timeout(300)
        if field.input_value() == text:
            return
    raise AssertionError(f"could not type into {label!r}")


def open_tab(page: Page, name: str, shows: Locator) -> None:
    tap_until(page, page.get_by_role("tab", name=name), shows)


def fill_sign_in(page: Page, badge: str) -> None:
    type_into(page, "Numer służbowy", badge)
    type_into(page, "Hasło", "rejon-demo")


def scroll(page: Page, pixels: int) -> None:
    page.mouse.move(206, 600)
    page.mouse.wheel(0, pixels)


def test_the_readme_pictures(browser: Browser, app_url: str) -> None:
    page = new_page(browser, app_url)

    # 1. a new browser: the sign-in screen, nobody's data visible
    expect(page.get_by_role("button", name="Zaloguj")).to_be_attached(timeout=TIMEOUT)
    assert page.get_by_text("Plac zabaw Nivea").count() == 0
    fill_sign_in(page, "100301")
    picture(page, "01-sign-in")
    new_entry = page.get_by_role("button", name="Nowy wpis")
    tap_until(page, page.get_by_role("button", name="Zaloguj"), new_entry)

    # 2. Today: the tasks and the plan's headline from the demo's history
    expect(page.get_by_role("button", name="Nowy wpis")).to_be_attached(timeout=TIMEOUT)
    expect(page.get_by_text("Kontrole placu zabaw Nivea w godzinach 7:00–22:00")).to_be_attached()
    expect(page.get_by_text(re.compile(r"wobec \d+ w poprzednim")).first).to_be_attached()
    picture(page, "02-today")

    # 3. the quick log, at the playground: Odnotuj → Zapisz
    gps = page.get_by_text("Dokładność GPS ±8 m", exact=True)
    tap_until(page, page.locator(f'[flt-semantics-identifier="log-{CHECK}"]'), gps)
    picture(page, "03-quick-log")
    done = page.get_by_text("Zrobione", exact=True)
    tap_until(page, page.get_by_role("button", name="Zapisz", exact=True), done)
    sent = page.locator('[flt-semantics-identifier="sync-badge"]')
    expect(sent.first).to_contain_text("Wszystko wysłane", timeout=60_000)
    # with the accessibility tree on, Flutter keeps a snackbar with an action (Undo) until it
    # is dismissed: the next pictures come from a fresh browser (a device of its own), signed in
    page.context.close()
    page = new_page(browser, app_url)
    sign_in_through_the_form(page, "100301")

    # 4. History: today's check on top of the demo's days
    open_tab(page, "Historia", page.get_by_text(re.compile(r"\d\d:\d\d · Kontrola miejsca")))
    picture(page, "04-history")

    # 5. the plan: progress against the criterion and its chart
    open_tab(page, "Plan", page.get_by_text(re.compile(r"^Wykonano \d+ z \d+ do dziś$")))
    chart = page.locator('[flt-semantics-identifier="progress-chart"]')
    expect(chart).to_be_attached(timeout=TIMEOUT)
    scroll(page, 380)
    picture(page, "05-plan-chart")

    # 8. the realization report, downloaded as the officer would
    files = page.locator('[flt-semantics-identifier="plan-files"]')
    files.scroll_into_view_if_needed()
    with page.expect_download(timeout=60_000) as download:
        tap(page, page.get_by_role("button", name="Raport (PDF)"))
    pdf = PICTURES / "report.pdf"
    PICTURES.mkdir(parents=True, exist_ok=True)
    download.value.save_as(pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    subprocess.run(
        [PDFTOPPM, "-png", "-f", "1", "-l", "1", "-r", "80", "-singlefile", str(pdf),
         str(PICTURES / "08-report")],
        check=True,
    )  # fmt: skip
    pdf.unlink()
    assert (PICTURES / "08-report.png").stat().st_size > 10_000

    # 6. the map: places with their radius, today's entry, the fix; tap a place to log there
    open_tab(page, "Mapa", page.get_by_text(re.compile("jesteś: Plac zabaw Nivea")))
    expect(page.get_by_text("Dzisiejsze wpisy (1)")).to_be_attached()
    picture(page, "06-map")
    form = page.get_by_role("heading", name="Nowy wpis")
    tap_until(page, page.get_by_role("button", name="Odnotuj tutaj").first, form)  # 1st place
    expect(page.get_by_text("Dokładność GPS ±8 m", exact=True)).to_be_attached(timeout=TIMEOUT)
    today = page.get_by_text("Zadania na dziś")
    tap_until(page, page.get_by_role("button", name="Zapisz", exact=True), today)
    shown(page, "Zapisano: Obchód")
    open_tab(page, "Mapa", page.get_by_text("Dzisiejsze wpisy (2)"))

    # 7. the supervisor, on their own phone: every plan of the unit, on track or behind
    page.context.close()
    page = new_page(browser, app_url)
    expect(page.get_by_role("button", name="Zaloguj")).to_be_attached(timeout=TIMEOUT)
    fill_sign_in(page, "100300")
    tap_until(
        page,
        page.get_by_role("button", name="Zaloguj"),
        page.get_by_text("Zadania na dziś"),
    )
    expect(page.get_by_text("kom. Piotr Zieliński", exact=True)).to_be_attached(timeout=TIMEOUT)
    expect(toasts(page)).to_have_count(0, timeout=TIMEOUT)
    overview = page.locator('[flt-semantics-identifier="unit-overview"]')
    open_tab(page, "Plan", overview)
    expect(page.get_by_text("opóźnienie").first).to_be_attached()
    expect(page.get_by_text("zgodnie z planem").first).to_be_attached()
    picture(page, "07-supervisor")
    page.context.close()


def test_the_map_downloads_tiles_only_from_a_configured_address(
    browser: Browser, app_url: str
) -> None:
    """No tile address: the map asks nothing of anyone. With one, the tiles come from it."""
    page = new_page(browser, app_url)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    sign_in_through_the_form(page, "100301")
    open_tab(page, "Mapa", page.get_by_text("Podkład mapy"))
    page.wait_for_timeout(1500)
    assert not [url for url in asked if "/tiles/" in url or "tile." in url]
    outside = [url for url in asked if not url.startswith(app_url) and "rive" not in url]
    assert outside == []  # (the prebuilt client's Rive runtime is the one known CDN request)

    tiles = f"{app_url}tiles/{{z}}/{{x}}/{{y}}.png"  # this server: each tile a 404, but asked
    scroll(page, 4000)  # the field is under the list of places
    page.wait_for_timeout(500)
    type_into(page, "Adres kafelków mapy", tiles)
    page.keyboard.press("Enter")
    for _ in range(40):  # the map is drawn again with the tile layer, which asks for tiles
        if any("/tiles/" in url for url in asked):
            break
        page.wait_for_timeout(500)
    assert [url for url in asked if "/tiles/" in url], "the map asked the tile server"
    page.wait_for_timeout(900)
    page.screenshot(path=str(ARTIFACTS / "map-with-tile-address.png"))  # not for the README
    type_into(page, "Adres kafelków mapy", "")  # back to none for the next test
    page.keyboard.press("Enter")
    page.context.close()
