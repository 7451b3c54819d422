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
from playwright.sync_api import Browser, Locator, Page, expect
from test_e2e_browser import (  # the same `rejon run` and browser fixtures (own instances)
    ARTIFACTS,
    CHECK,
    ROOT,
    TIMEOUT,
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


def open_tab(page: Page, name: str, shows: Locator) -> None:
    """Tap a tab until its screen shows. Right after signing in on a page that signed out, the
    web client's first tap on the tab bar is sometimes lost (Flutter web's focus handling; seen
    in Chromium, not a phone's touch): one more tap then."""
    for attempt in range(2):
        tap(page, page.get_by_role("tab", name=name))
        try:
            expect(shows).to_be_attached(timeout=5_000 if attempt == 0 else TIMEOUT)
            return
        except AssertionError:
            if attempt:
                raise


def sign_in(page: Page, badge: str) -> None:
    page.get_by_role("button", name=re.compile(f"^{badge}")).click()
    page.get_by_label("Hasło").click()
    page.keyboard.type("rejon-demo")


def scroll(page: Page, pixels: int) -> None:
    page.mouse.move(206, 600)
    page.mouse.wheel(0, pixels)


def test_the_readme_pictures(browser: Browser, app_url: str) -> None:
    page = new_page(browser, app_url)

    # 1. a new browser: the sign-in screen, nobody's data visible
    expect(page.get_by_role("button", name="Zaloguj lokalnie")).to_be_attached(timeout=TIMEOUT)
    assert page.get_by_text("Plac zabaw Nivea").count() == 0
    sign_in(page, "100301")
    picture(page, "01-sign-in")
    tap(page, page.get_by_role("button", name="Zaloguj lokalnie"))

    # 2. Today: the tasks and the plan's headline from the demo's history
    expect(page.get_by_role("button", name="Nowy wpis")).to_be_attached(timeout=TIMEOUT)
    expect(page.get_by_text("Kontrole placu zabaw Nivea w godzinach 7:00–22:00")).to_be_attached()
    expect(page.get_by_text(re.compile(r"wobec \d+ w poprzednim")).first).to_be_attached()
    picture(page, "02-today")

    # 3. the quick log, at the playground: Odnotuj → Zapisz
    tap(page, page.locator(f'[flt-semantics-identifier="log-{CHECK}"]'))
    expect(page.get_by_text("Dokładność GPS ±8 m")).to_be_attached(timeout=TIMEOUT)
    picture(page, "03-quick-log")
    tap(page, page.get_by_role("button", name="Zapisz", exact=True))
    expect(page.get_by_text("Zrobione", exact=True)).to_be_attached(timeout=TIMEOUT)
    # with the accessibility tree on, Flutter keeps a snackbar with an action (Undo) until it
    # is dismissed: the next pictures come from a fresh page of the same (signed-in) device
    page.context.close()
    page = new_page(browser, app_url)
    expect(page.get_by_role("button", name="Nowy wpis")).to_be_attached(timeout=TIMEOUT)

    # 4. History: today's check on top of the demo's days
    tap(page, page.get_by_role("tab", name="Historia"))
    expect(page.get_by_text(re.compile(r"\d\d:\d\d · Kontrola miejsca")).first).to_be_attached(
        timeout=TIMEOUT
    )
    picture(page, "04-history")

    # 5. the plan: progress against the criterion and its chart
    tap(page, page.get_by_role("tab", name="Plan"))
    expect(page.get_by_text(re.compile(r"^Wykonano \d+ z \d+ do dziś$")).first).to_be_attached(
        timeout=TIMEOUT
    )
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
    tap(page, page.get_by_role("tab", name="Mapa"))
    expect(page.get_by_text(re.compile("jesteś: Plac zabaw Nivea"))).to_be_attached(timeout=TIMEOUT)
    expect(page.get_by_text("Dzisiejsze wpisy (1)")).to_be_attached()
    picture(page, "06-map")
    tap(page, page.get_by_role("button", name="Odnotuj tutaj").first)  # the first place listed
    expect(page.get_by_role("heading", name="Nowy wpis")).to_be_attached(timeout=TIMEOUT)
    expect(page.get_by_text("Dokładność GPS ±8 m", exact=True)).to_be_attached(timeout=TIMEOUT)
    tap(page, page.get_by_role("button", name="Zapisz", exact=True))
    shown(page, "Zapisano: Obchód")
    tap(page, page.get_by_role("tab", name="Mapa"))
    expect(page.get_by_text("Dzisiejsze wpisy (2)")).to_be_attached(timeout=TIMEOUT)

    # 7. the supervisor, on their own phone: every plan of the unit, on track or behind
    page.context.close()
    page = new_page(browser, app_url)
    if page.get_by_role("button", name="Zaloguj lokalnie").count() == 0:
        tap(page, page.get_by_role("tab", name="Ustawienia"))  # this demo device is shared
        expect(page.get_by_role("button", name="Wyloguj")).to_be_attached(timeout=TIMEOUT)
        tap(page, page.get_by_role("button", name="Wyloguj"))
    expect(page.get_by_role("button", name="Zaloguj lokalnie")).to_be_attached(timeout=TIMEOUT)
    sign_in(page, "100300")
    tap(page, page.get_by_role("button", name="Zaloguj lokalnie"))
    expect(page.get_by_text("kom. Piotr Zieliński")).to_be_attached(timeout=TIMEOUT)
    expect(toasts(page)).to_have_count(0, timeout=TIMEOUT)
    overview = page.locator('[flt-semantics-identifier="unit-overview"]')
    open_tab(page, "Plan", overview)
    expect(page.get_by_text("opóźnienie").first).to_be_attached()
    expect(page.get_by_text("zgodnie z planem").first).to_be_attached()
    picture(page, "07-supervisor")
    page.context.close()
