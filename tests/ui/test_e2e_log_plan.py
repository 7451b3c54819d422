"""Issue 14 in real Chromium at 412×915: the log form follows the plan, a goal that can be
measured, a form a thumb can fill, Polish throughout.

Every screen visited is checked from the accessibility tree: every tappable control has a
name and is at least 48×48 px, and a Polish screen shows none of a list of English words
(``ENGLISH``). Screenshots go to tests/artifacts/log_plan_*.png (both languages).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from browser_support import (
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

from app.core.model.ids import stable_id

pytestmark = pytest.mark.e2e

ENGLISH = re.compile(
    r"\b(Error|Copy|Back|Cancel|Save|Undo|Delete|Close|Today|History|Settings|Map|Sign in|"
    r"characters remaining|remaining|was deleted|no connection|ConnectError|running app|"
    r"entry|Counts|Place|Note|Time|Date|goal|task)\b"
)
"""English a Polish screen must not show (Flutter's own texts and ours)."""
POLISH = re.compile(r"\b(Zapisz|Anuluj|Cofnij|Wstecz|Dziś|Historia|Ustawienia|Miejsce|Liczby)\b")
"""Polish an English screen must not show."""

TREE = """() => {
  const named = (e) => (e.getAttribute('aria-label') || e.innerText || e.value || '').trim();
  const out = [];
  // only what is wholly in view: a control the scrolling body clips under the app bar or
  // above the bottom bars reports its clipped size
  const bars = [...document.querySelectorAll('flt-semantics[role=tab], [flt-semantics-identifier=save-bar]')]
    .map(e => e.getBoundingClientRect().top);
  const top = document.querySelector('flt-semantics[role=dialog]') ? 0 : 56 + 20;  // the app bar, and its edge
  // the bars' own padding; a scrolling body ends a little above the window's edge (its own
  // padding), and a node it cuts ends there: what ends in the last 16 px is not wholly in view
  const bottom = Math.min(innerHeight - 16, ...bars.map(t => t - 20));
  const tappable = 'flt-semantics[role=button], flt-semantics[role=tab], flt-semantics[role=checkbox],'
    + ' flt-semantics[role=radio], flt-semantics[role=switch], flt-semantics[role=menuitem],'
    + ' flt-semantics[role=link], flt-semantics[flt-tappable], input, textarea';
  for (const e of document.querySelectorAll(tappable)) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.top < top - 1 || r.bottom > bottom + 1) continue;
    let name = named(e), up = e.parentElement;
    while (!name && up && up.tagName === 'FLT-SEMANTICS') {  // a tooltip names its button
      const u = up.getBoundingClientRect();
      if (Math.abs(u.width - r.width) > 1 || Math.abs(u.height - r.height) > 1) break;
      name = (up.getAttribute('aria-label') || '').trim();
      up = up.parentElement;
    }
    // a text field's box is its semantics node (the input itself may be drawn smaller)
    const box = (e.tagName === 'INPUT' || e.tagName === 'TEXTAREA') && e.parentElement
      ? e.parentElement.getBoundingClientRect() : r;
    out.push({name, w: Math.round(Math.max(box.width, r.width)),
              h: Math.round(Math.max(box.height, r.height)), tag: e.tagName,
              y: [Math.round(r.top), Math.round(r.bottom), bottom]});
  }
  const texts = [...document.querySelectorAll('flt-semantics')]
    .map(e => (e.getAttribute('aria-label') || '') + ' ' + (e.childElementCount ? '' : e.textContent))
    .concat([...document.querySelectorAll('input, textarea')].map(e => e.getAttribute('aria-label') || ''));
  return {controls: out, text: texts.join(' \\n ')};
}"""


def check_screen(page: Page, name: str, *, language: str = "pl") -> None:
    """Named, thumb-sized controls and one language on what is on screen; a screenshot."""
    page.wait_for_timeout(600)
    tree = page.evaluate(TREE)
    shot(page, f"log_plan_{name}_{language}")  # before the checks: a failure's screen is kept
    unnamed = [c for c in tree["controls"] if not c["name"]]
    small = [c for c in tree["controls"] if c["w"] < 48 or c["h"] < 48]
    assert not unnamed, f"{name}: tappable controls without a name: {unnamed}"
    assert not small, f"{name}: tappable controls under 48×48 px: {small}"
    other = ENGLISH if language == "pl" else POLISH
    found = sorted(set(other.findall(tree["text"])))
    assert not found, f"{name}: {found} on a {language} screen"


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with rejon_run(tmp_path_factory.mktemp("storage")) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


def new_device(browser: Browser, url: str) -> tuple[Page, list[str]]:
    """A phone-sized browser without GPS; the addresses it asks for, from its first request."""
    context = browser.new_context(viewport={"width": 412, "height": 915}, locale="pl-PL")
    page = context.new_page()
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    load(page, url)
    return page, asked


def pick(page: Page, field: str, option: str) -> None:
    page.get_by_role("button", name=field).click()
    page.get_by_role("button", name=option).last.click()  # the menu's entry, over the form


def test_a_krasnik_meeting_shows_and_counts_what_counts(browser: Browser, app_url: str) -> None:
    page, asked = new_device(browser, app_url)
    check_screen(page, "sign_in")
    sign_in(page, "200301")
    check_screen(page, "today")

    page.get_by_role("button", name="Nowy wpis").click()
    expect(page.get_by_role("button", name="Zapisz")).to_be_attached(timeout=TIMEOUT)
    check_screen(page, "new_entry")
    pick(page, "Zadanie z planu", "Spotkania z seniorami z Polskiego Związku")
    # the highlighted card is read as one group: its heading, then what each counter feeds
    counting = page.get_by_label(re.compile("Liczy się do celu\n")).first
    expect(counting).to_be_attached(timeout=TIMEOUT)
    label = counting.get_attribute("aria-label") or ""
    assert "liczy się do celu i do zadania: Rozmowy z seniorami" in label
    assert "liczy się do zadania: Kolportaż ulotek informacyjnych" in label
    check_screen(page, "meeting")

    type_into(page, "Wręczone ulotki", "-5")  # kept as typed, and refused on the field
    expect(page.get_by_text("Liczba nie może być ujemna")).to_be_attached(timeout=TIMEOUT)
    type_into(page, "Wręczone ulotki", "40")
    residents = page.get_by_label("Mieszkańcy, z którymi rozmawiano", exact=True)
    residents.click()  # showing "0": the focus selects it, typing replaces it
    page.wait_for_timeout(600)
    page.keyboard.type("25")
    expect(residents).to_have_value("25", timeout=TIMEOUT)
    check_screen(page, "meeting_filled")

    page.get_by_role("button", name="Zapisz", exact=True).click()
    expect(page.get_by_text("Bez miejsca?", exact=True)).to_be_attached(timeout=TIMEOUT)
    check_screen(page, "placeless")
    page.get_by_role("button", name="Zapisz bez miejsca").click()
    expect(page.get_by_role("button", name="Nowy wpis")).to_be_attached(timeout=TIMEOUT)
    check_screen(page, "saved")

    page.get_by_role("tab", name="Plan").click()
    expect(
        page.get_by_text(re.compile(r"Mieszkańcy, z którymi rozmawiano: \d+ z 80"))
    ).to_be_attached(timeout=TIMEOUT)
    check_screen(page, "plan")
    assert not [u for u in asked if "rive" in u or "cdn.jsdelivr" in u], "a CDN was asked"
    page.context.close()


def test_the_baseline_is_entered_on_an_approved_plan(browser: Browser, app_url: str) -> None:
    page, _asked = new_device(browser, app_url)
    sign_in(page, "100301")
    page.get_by_role("tab", name="Plan").click()
    edit = page.get_by_role("button", name="Popraw wartość bazową")
    expect(edit).to_be_attached(timeout=TIMEOUT)
    edit.scroll_into_view_if_needed()
    check_screen(page, "lubartow_plan")
    edit.click()
    expect(page.get_by_label("Liczba z poprzedniego okresu", exact=True)).to_be_attached(
        timeout=TIMEOUT
    )
    type_into(page, "Liczba z poprzedniego okresu", "24")
    check_screen(page, "baseline_dialog")
    page.get_by_role("button", name="Zapisz", exact=True).click()
    line = page.get_by_text(re.compile(r"^Wartość bazowa 24: wpisał\(a\) st\. asp\. Tomasz Nowak"))
    expect(line).to_be_attached(timeout=TIMEOUT)
    line.scroll_into_view_if_needed()
    check_screen(page, "baseline_saved")
    page.context.close()


def test_every_tab_in_both_languages(browser: Browser, app_url: str) -> None:
    page, _asked = new_device(browser, app_url)
    sign_in(page, "100301")
    tabs = {"pl": ("Dziś", "Historia", "Mapa", "Plan", "Ustawienia"),
            "en": ("Today", "History", "Map", "Plan", "Settings")}  # fmt: skip
    for name in tabs["pl"]:
        page.get_by_role("tab", name=name).click()
        page.wait_for_timeout(1500)
        check_screen(page, f"tab_{name}")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("tab", name="Settings")).to_be_attached(timeout=TIMEOUT)
    for name in tabs["en"]:
        page.get_by_role("tab", name=name).click()
        page.wait_for_timeout(1500)
        check_screen(page, f"tab_{name}", language="en")
    page.get_by_role("tab", name="Today").click()
    page.get_by_role("button", name="New entry").click()
    expect(page.get_by_role("button", name="Save", exact=True)).to_be_attached(timeout=TIMEOUT)
    check_screen(page, "new_entry", language="en")
    page.context.close()


# ---- the screens beyond the tabs and the log form ------------------------------------------

CHECK = stable_id("action", "lubartow", "2026-07-01", "check")
"""Lubartów's place check: one tap on Today logs it (with the phone's GPS)."""


def test_history_edit_delete_and_undo(browser: Browser, app_url: str) -> None:
    page = open_page(browser, app_url)
    sign_in(page, "100301")
    page.locator(f'[flt-semantics-identifier="log-{CHECK}"]').click()
    page.get_by_role("button", name="Zapisz", exact=True).click()
    shown(page, "Zapisano: Kontrola miejsca")
    page.get_by_role("tab", name="Historia").click()
    edit = page.get_by_role("button", name="Edytuj").first
    expect(edit).to_be_attached(timeout=TIMEOUT)
    edit.click()
    expect(page.get_by_role("button", name="Zapisz", exact=True)).to_be_attached(timeout=TIMEOUT)
    check_screen(page, "history_edit")
    page.go_back()
    delete = page.get_by_role("button", name="Usuń").first
    expect(delete).to_be_attached(timeout=TIMEOUT)
    delete.click()
    expect(page.get_by_text("Usunąć ten wpis?", exact=True)).to_be_attached(timeout=TIMEOUT)
    check_screen(page, "history_delete_dialog")
    page.get_by_role("button", name="Usuń").last.click()
    undo = page.get_by_role("button", name="Cofnij")
    expect(undo).to_be_attached(timeout=TIMEOUT)
    check_screen(page, "history_deleted_undo")
    undo.click()
    expect(page.get_by_role("button", name="Edytuj").first).to_be_attached(timeout=TIMEOUT)
    page.context.close()


def test_the_plan_editor_and_the_approvals(browser: Browser, app_url: str) -> None:
    page, _asked = new_device(browser, app_url)
    sign_in(page, "100301")
    page.get_by_role("tab", name="Plan").click()
    page.get_by_role("button", name="Nowy plan").click()
    save = page.get_by_role("button", name="Zapisz szkic")
    expect(save).to_be_attached(timeout=TIMEOUT)
    check_screen(page, "plan_editor")
    for part in range(1, 6):  # the whole form, a screenful at a time
        page.mouse.move(206, 500)
        page.mouse.wheel(0, 700)
        check_screen(page, f"plan_editor_{part}")
    save.click()  # the errors at their fields, in Polish
    shown(page, "Opisz zagrożenie.")
    check_screen(page, "plan_editor_errors")
    type_into(page, "Tytuł", "Plan do przeglądu dostępności")
    type_into(page, "Zagrożenie", "Spożywanie alkoholu na skwerze przy ul. Szkolnej.")
    type_into(page, "Cel", "Spokój na skwerze.")
    page.get_by_role("button", name="Zapisz i przekaż do zatwierdzenia").click()
    shown(page, "Przekazano do zatwierdzenia.")
    page.get_by_role("tab", name="Dziś").click()
    badge = page.locator('[flt-semantics-identifier="sync-badge"]').first
    expect(badge).to_contain_text(re.compile("wszystko wysłane", re.I), timeout=60_000)
    page.context.close()

    boss, _asked = new_device(browser, app_url)  # the supervisor, on another phone
    sign_in(boss, "100300")
    boss.get_by_role("tab", name="Plan").click()
    reviews = boss.get_by_role("button", name=re.compile(r"^Do zatwierdzenia \(\d+\)$"))
    expect(reviews).to_be_attached(timeout=60_000)
    reviews.click()
    expect(boss.get_by_role("button", name="Otwórz plan").first).to_be_attached(timeout=TIMEOUT)
    check_screen(boss, "approvals")
    boss.context.close()


@pytest.fixture(scope="module")
def quick_lock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with rejon_run(tmp_path_factory.mktemp("storage"), "--idle-lock", "0.1") as url:
        yield url


def test_the_lock_screen(browser: Browser, quick_lock: str) -> None:
    page, _asked = new_device(browser, quick_lock)
    sign_in(page, "100301")
    unlock = page.get_by_role("button", name="Odblokuj")
    expect(unlock).to_be_attached(timeout=60_000)  # 6 s without input, checked every second
    check_screen(page, "lock")
    type_into(page, "Hasło", "wrong-password")
    unlock.click()
    expect(page.get_by_text(re.compile("^Nieprawidłowe hasło"))).to_be_attached(timeout=TIMEOUT)
    check_screen(page, "lock_wrong_password")
    page.context.close()
