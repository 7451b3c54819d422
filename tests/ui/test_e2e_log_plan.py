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
from browser_support import TIMEOUT, chromium, load, rejon_run, shot, sign_in, type_into
from playwright.sync_api import Browser, Page, expect

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
  const bottom = Math.min(innerHeight, ...bars.map(t => t - 20));  // the bars' own padding
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
              h: Math.round(Math.max(box.height, r.height)), tag: e.tagName});
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
    unnamed = [c for c in tree["controls"] if not c["name"]]
    small = [c for c in tree["controls"] if c["w"] < 48 or c["h"] < 48]
    assert not unnamed, f"{name}: tappable controls without a name: {unnamed}"
    assert not small, f"{name}: tappable controls under 48×48 px: {small}"
    other = ENGLISH if language == "pl" else POLISH
    found = sorted(set(other.findall(tree["text"])))
    assert not found, f"{name}: {found} on a {language} screen"
    shot(page, f"log_plan_{name}_{language}")


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
