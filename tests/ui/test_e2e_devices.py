"""Web mode in real Chromium: every browser context is a device of its own, three officers at
once each see only their scope (before and after a reload) and the service holds every entry
once, and an idle browser locks. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import (
    NIVEA,
    PASSWORD,
    SIGN_IN_TIMEOUT,
    TIMEOUT,
    chromium,
    load,
    open_page,
    rejon_run,
    shot,
    shown,
    sign_in,
    type_into,
)
from playwright.sync_api import Browser, Page, expect

from app.core.demo import PLACES
from app.core.model.ids import stable_id
from app.core.reports.generate import DEVICE_ID as GENERATOR

pytestmark = pytest.mark.e2e

CHECK = stable_id("action", "lubartow", "2026-07-01", "check")
LUBARTOW = "Plac zabaw Nivea — grupowanie się młodzieży i spożywanie alkoholu"
KRASNIK = "Oszustwa na szkodę seniorów („na wnuczka”, „na policjanta”)"
EMERYCI = PLACES["emeryci"]
DEVICE_KEY = "flutter.rejon.device"
"""Where Flutter's SharedPreferences keeps our key in the browser's localStorage."""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    storage = tmp_path_factory.mktemp("storage")
    with rejon_run(storage) as url:
        yield url, storage


def device_key(page: Page) -> str:
    return page.evaluate(f"window.localStorage.getItem('{DEVICE_KEY}')") or ""


def sync_now(page: Page) -> None:
    page.get_by_role("tab", name="Ustawienia").click()
    page.get_by_role("button", name="Synchronizuj teraz").click()
    done = page.get_by_text(re.compile(r"^Wysłano \d+, pobrano \d+\.$")).first
    expect(done).to_be_attached(timeout=SIGN_IN_TIMEOUT)  # the supervisor pulls the whole unit


def on_plan_tab(page: Page, sees: str, never: str) -> None:
    page.get_by_role("tab", name="Plan").click()
    expect(page.get_by_text(sees).first).to_be_attached(timeout=TIMEOUT)
    page.wait_for_timeout(500)
    assert page.get_by_text(never).count() == 0, f"{never!r} is outside this officer's scope"


def rows(path: Path, query: str, *args: object) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute(query, args).fetchall()


def test_two_browsers_are_two_devices(browser: Browser, app: tuple[str, Path]) -> None:
    url, storage = app
    first = open_page(browser, url)
    sign_in(first, "100301")
    expect(first.get_by_text("Tomasz Nowak", exact=False).first).to_be_attached(timeout=TIMEOUT)

    second = open_page(browser, url)
    expect(second.get_by_role("button", name="Zaloguj")).to_be_attached(timeout=TIMEOUT)
    second.wait_for_timeout(500)
    assert second.get_by_text("Tomasz Nowak", exact=False).count() == 0
    assert second.get_by_role("button", name="Nowy wpis").count() == 0
    shot(second, "devices_1_fresh_browser_signs_in")
    first_key, second_key = device_key(first), device_key(second)
    assert first_key and second_key and first_key != second_key
    stores = {p.stem for p in (storage / "devices").glob("*.db")}
    assert {first_key.strip('"'), second_key.strip('"')} <= stores

    first.get_by_role("tab", name="Ustawienia").click()
    first.get_by_role("button", name="Wyloguj").click()
    expect(first.get_by_role("button", name="Zaloguj")).to_be_attached(timeout=TIMEOUT)
    first.wait_for_timeout(500)
    assert first.get_by_text("Tomasz Nowak", exact=False).count() == 0
    load(first)
    expect(first.get_by_role("button", name="Zaloguj")).to_be_attached(timeout=TIMEOUT)
    assert first.get_by_text("Tomasz Nowak", exact=False).count() == 0, "signed out for good"
    shot(first, "devices_2_after_sign_out")
    first.context.close()
    second.context.close()


def test_three_officers_at_once_each_in_their_scope(
    browser: Browser, app: tuple[str, Path]
) -> None:
    url, storage = app
    officer = open_page(browser, url)
    other = open_page(browser, url, gps=(EMERYCI.lat, EMERYCI.lon))
    chief = open_page(browser, url, gps=None)
    sign_in(officer, "100301")
    sign_in(other, "200301")
    sign_in(chief, "100300")
    expect(other.get_by_text("Anna Wiśniewska", exact=False).first).to_be_attached()
    expect(chief.get_by_text("Piotr Zieliński", exact=False).first).to_be_attached()

    officer.locator(f'[flt-semantics-identifier="log-{CHECK}"]').click()
    expect(officer.get_by_text("Dokładność GPS ±8 m")).to_be_attached(timeout=TIMEOUT)
    officer.get_by_role("button", name="Zapisz").click()
    shown(officer, "Zapisano: Kontrola miejsca")

    other.get_by_role("button", name="Nowy wpis").click()
    expect(other.get_by_text(EMERYCI.name).first).to_be_attached(timeout=TIMEOUT)
    expect(other.get_by_text("Dokładność GPS ±8 m")).to_be_attached(timeout=TIMEOUT)
    other.get_by_role("button", name="Zapisz").click()
    shown(other, re.compile("^Zapisano: "))

    chief.get_by_role("button", name="Nowy wpis").click()
    chief.get_by_role("button", name="Zapisz").click()
    chief.get_by_role("button", name="Zapisz bez miejsca").click()  # no GPS, no place: asked
    shown(chief, re.compile("^Zapisano: "))

    for page in (officer, other, chief, officer, other, chief):  # twice: replays store nothing
        sync_now(page)
    shot(chief, "devices_3_supervisor_synced")

    scopes = ((officer, LUBARTOW, KRASNIK), (other, KRASNIK, LUBARTOW), (chief, LUBARTOW, KRASNIK))
    for page, sees, never in scopes:
        on_plan_tab(page, sees, never)
    for page, sees, never in scopes:
        load(page)  # a reload: the same device, still signed in, the same scope
        expect(page.get_by_role("tab", name="Dziś")).to_be_attached(timeout=TIMEOUT)
        page.get_by_role("tab", name="Dziś").click()
        expect(page.get_by_role("button", name="Nowy wpis")).to_be_attached(timeout=TIMEOUT)
        on_plan_tab(page, sees, never)
    shot(other, "devices_4_krasnik_after_reload")

    badges = {officer: "100301", other: "200301", chief: "100300"}
    held, new = {}, {}  # who logged what each device holds; what was logged in this test
    for page, badge in badges.items():
        store = storage / "devices" / f"{device_key(page).strip(chr(34))}.db"
        held[badge] = {r[0] for r in rows(store, "SELECT officer_id FROM entry")}
        new[badge] = {
            r[0]
            for r in rows(
                store,
                "SELECT id FROM entry WHERE officer_id = ? AND device_id != ?",
                stable_id("officer", badge),
                GENERATOR,  # the demo's lived-in history
            )
        }
    assert all(len(ids) == 1 for ids in new.values()), new
    officer_of = {badge: stable_id("officer", badge) for badge in badges.values()}
    assert held["200301"] == {officer_of["200301"]}, "Kraśnik's device holds nothing else"
    assert held["100301"] == {officer_of["100301"]}, "an officer's device holds no one else's"
    assert {officer_of["100301"], officer_of["100300"]} <= held["100300"]
    assert officer_of["200301"] not in held["100300"], "the supervisor: their unit only"
    own = new
    server = storage / "server.db"
    for (entry_id,) in (tuple(ids) for ids in own.values()):
        assert rows(server, "SELECT COUNT(*) FROM entry WHERE id = ?", entry_id) == [(1,)]
        revisions = rows(server, "SELECT COUNT(*) FROM entry_revision WHERE entry_id = ?", entry_id)
        assert revisions == [(1,)], "stored once, whatever the replays"
    for page in (officer, other, chief):
        page.context.close()


@pytest.fixture(scope="module")
def quick_lock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with rejon_run(tmp_path_factory.mktemp("storage"), "--idle-lock", "0.1") as url:
        yield url


def test_an_idle_browser_locks_and_asks_for_the_password(browser: Browser, quick_lock: str) -> None:
    page = open_page(browser, quick_lock, gps=(NIVEA.lat, NIVEA.lon))
    sign_in(page, "100301")
    page.locator(f'[flt-semantics-identifier="log-{CHECK}"]').click()
    page.get_by_role("button", name="Zapisz").click()
    shown(page, "Zapisano: Kontrola miejsca")

    unlock = page.get_by_role("button", name="Odblokuj")
    expect(unlock).to_be_attached(timeout=30_000)  # 6 s without input, checked every second
    page.wait_for_timeout(500)
    assert page.get_by_text("Kontrole placu zabaw Nivea", exact=False).count() == 0
    assert page.get_by_role("tab", name="Historia").count() == 0
    shot(page, "devices_5_locked")

    load(page)  # a reload does not get past the lock
    expect(page.get_by_role("button", name="Odblokuj")).to_be_attached(timeout=TIMEOUT)

    type_into(page, "Hasło", "wrong-password")
    page.get_by_role("button", name="Odblokuj").click()
    expect(page.get_by_text(re.compile("^Nieprawidłowe hasło"))).to_be_attached(timeout=TIMEOUT)
    type_into(page, "Hasło", PASSWORD)
    page.get_by_role("button", name="Odblokuj").click()
    expect(page.get_by_role("button", name="Nowy wpis")).to_be_attached(timeout=TIMEOUT)
    expect(page.get_by_text("Zrobione", exact=True)).to_be_attached(timeout=TIMEOUT)
    shot(page, "devices_6_unlocked")
    page.context.close()
