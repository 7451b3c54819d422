"""The real app (`rejon run`) in Debian Chromium via Playwright, phone-sized, on a fixed day.

Screenshots of every screen go to tests/artifacts/ (git-ignored): look at them after a change.
These tests fail, never skip, when /usr/bin/chromium is missing (`.ci/run` installs it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from browser_support import NIVEA, TIMEOUT, chromium, open_page, rejon_run, shot, shown, sign_in
from playwright.sync_api import Browser, Locator, Page, expect

from app.core.demo import PLACES, place_id
from app.core.model.ids import stable_id

pytestmark = pytest.mark.e2e

CHECK = stable_id("action", "lubartow", "2026-07-01", "check")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with rejon_run(tmp_path_factory.mktemp("storage")) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


def open_app(browser: Browser, url: str, *, gps: bool = True) -> Page:
    """A new browser (a new device) signed in as 100301 through the form."""
    page = open_page(browser, url, gps=(NIVEA.lat, NIVEA.lon) if gps else None)
    sign_in(page, "100301")
    return page


def test_today_lists_the_demo_tasks(browser: Browser, app_url: str) -> None:
    page = open_app(browser, app_url)
    # drawn by skwasm on the page's own thread: no rendering worker that could spin
    assert page.evaluate("window._flutter_skwasmInstance !== undefined")
    assert page.evaluate("window.crossOriginIsolated") is False
    assert page.workers == []
    for text in (
        "Kontrole placu zabaw Nivea w godzinach 7:00–22:00",
        "Rozmowy profilaktyczne z mieszkańcami rejonu",
    ):
        expect(page.get_by_text(text)).to_be_attached(timeout=TIMEOUT)
    expect(page.get_by_text("Zadania na dziś")).to_be_attached()
    shot(page, "1_today")
    page.context.close()


def scroll_to(page: Page, target: Locator) -> None:
    """Scroll History until ``target`` is on the screen (its accessibility element is in the
    page already, placed where Flutter draws it)."""
    expect(target).to_be_attached(timeout=TIMEOUT)
    page.mouse.move(200, 500)
    for _ in range(40):
        box = target.bounding_box()
        if box is not None and 80 <= box["y"] <= 700:
            break
        page.mouse.wheel(0, 1000 if box is None else box["y"] - 400)
        page.wait_for_timeout(300)
    page.wait_for_timeout(500)


def test_history_shows_older_entries_on_request(browser: Browser, app_url: str) -> None:
    """History draws the newest entries; "Pokaż starsze" at their end adds the weeks before
    (the demo's late October is on its second page)."""
    page = open_app(browser, app_url)
    page.get_by_role("tab", name="Historia").click()
    older_day = page.get_by_text("wtorek, 27 października 2026", exact=True)
    more = page.get_by_role("button", name="Pokaż starsze")
    scroll_to(page, more)
    assert not older_day.count()
    shot(page, "4c_history_show_older")
    more.click()
    scroll_to(page, older_day)
    shot(page, "4d_history_older")
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
