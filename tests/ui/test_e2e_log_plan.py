"""Issue 14 in real Chromium at 412×915: the log form follows the plan, a goal that can be
measured, a form a thumb can fill, Polish throughout.

Every screen visited, in Polish and in English, is checked from the accessibility tree: every
tappable control has a name and is at least 48×48 px, a Polish screen shows none of a list of
English words (``ENGLISH``) and an English screen none of our Polish ones (``POLISH``; the
plans' own text is Polish data). Screenshots go to tests/artifacts/log_plan_*_{pl,en}.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

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
    tap_until,
    type_into,
)
from playwright.sync_api import Browser, Page, expect
from test_e2e_plan_import import PLAN, pdf_of

from app.core.i18n import gettext
from app.core.model.ids import stable_id
from app.device.ui.settings import LANGUAGE_NAMES

pytestmark = pytest.mark.e2e

ENGLISH = re.compile(
    r"\b(Error|Copy|Back|Cancel|Save|Undo|Delete|Close|Today|History|Settings|Map|Sign in|"
    r"characters remaining|remaining|was deleted|no connection|ConnectError|running app|"
    r"entry|Counts|Place|Note|Time|Date|goal|task)\b"
)
"""English a Polish screen must not show (Flutter's own texts and ours)."""
POLISH = re.compile(
    r"\b(Zapisz|Anuluj|Cofnij|Wstecz|Dziś|Historia|Ustawienia|Miejsce|Liczby|Usuń|Edytuj|Zamknij|"
    r"Odblokuj|Hasło|Nowy wpis|Zatwierdź|Zwróć|Synchronizuj|Zaloguj|Wyloguj|pozostało|znaków|"
    r"Błąd|Kopiuj|Wklej|Wytnij|Zaznacz wszystko|Szukaj|Mapa|Wpis|wpisy|Brak)\b"
)
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


def say(language: str, message: str, domain: str = "ui", **values: object) -> str:
    """One of our labels in ``language``, from the catalogue the app uses."""
    text = gettext(message, domain, language)
    return text.format(**values) if values else text


def speak(page: Page, language: str) -> None:
    """Switch a signed-in device to ``language`` through Ustawienia (a no-op for Polish)."""
    if language == "pl":
        return
    page.get_by_role("tab", name="Ustawienia").click()
    page.get_by_role("button", name=LANGUAGE_NAMES[language]).click()
    expect(page.get_by_role("tab", name=say(language, "Settings"))).to_be_attached(timeout=TIMEOUT)


def tab(page: Page, language: str, name: str) -> None:
    """Open a tab (tapped again if the tap was lost)."""
    label = say(language, name)
    tap_until(
        page,
        page.get_by_role("tab", name=label),
        page.get_by_role("tab", name=label, selected=True),
    )


BOTH = pytest.mark.parametrize("language", ["pl", "en"])


@BOTH
def test_a_krasnik_meeting_shows_and_counts_what_counts(
    browser: Browser, app_url: str, language: str
) -> None:
    page, asked = new_device(browser, app_url)
    check_screen(page, "sign_in")
    sign_in(page, "200301")
    speak(page, language)
    tab(page, language, "Today")
    check_screen(page, "today", language=language)

    page.get_by_role("button", name=say(language, "New entry")).click()
    save = page.get_by_role("button", name=say(language, "Save"), exact=True)
    expect(save).to_be_attached(timeout=TIMEOUT)
    check_screen(page, "new_entry", language=language)
    pick(page, say(language, "Plan task"), "Spotkania z seniorami z Polskiego Związku")
    # the highlighted card is read as one group: its heading, then what each counter feeds
    heading = say(language, "Counts towards the goal")
    counting = page.get_by_label(re.compile(re.escape(heading) + "\n")).first
    expect(counting).to_be_attached(timeout=TIMEOUT)
    label = counting.get_attribute("aria-label") or ""
    goal = "counts towards the goal and the task: {tasks}"
    assert say(language, goal, tasks="Rozmowy z seniorami") in label
    task = "counts towards the task: {tasks}"
    assert say(language, task, tasks="Kolportaż ulotek informacyjnych") in label
    check_screen(page, "meeting", language=language)

    leaflets = say(language, "Leaflets handed out")
    # below the fold: scrolled first, so that no click lands where it was before the scroll
    page.get_by_label(leaflets, exact=True).scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    type_into(page, leaflets, "-5")  # kept as typed, and refused on the field
    expect(page.get_by_text(say(language, "Cannot be negative"))).to_be_attached(timeout=TIMEOUT)
    type_into(page, leaflets, "40")
    residents = page.get_by_label(say(language, "Residents spoken to"), exact=True)
    residents.click()  # showing "0": the focus selects it, typing replaces it
    page.wait_for_timeout(600)
    page.keyboard.type("25")
    expect(residents).to_have_value("25", timeout=TIMEOUT)
    check_screen(page, "meeting_filled", language=language)

    save.click()
    shown(page, say(language, "Without a place?"))
    check_screen(page, "placeless", language=language)
    page.get_by_role("button", name=say(language, "Save without a place")).click()
    expect(page.get_by_role("button", name=say(language, "New entry"))).to_be_attached(
        timeout=TIMEOUT
    )
    check_screen(page, "saved", language=language)

    tab(page, language, "Plan")
    progress = say(
        language,
        "{measures}: {value} of {target} ({share})",
        "reports",
        measures=say(language, "Residents spoken to"),
        value="@",
        target="80",
        share="@",
    )
    pattern = re.escape(progress.split(" (")[0]).replace("@", r"\d+")
    expect(page.get_by_text(re.compile(pattern)).first).to_be_attached(timeout=TIMEOUT)
    check_screen(page, "plan", language=language)
    assert not [u for u in asked if "rive" in u or "cdn.jsdelivr" in u], "a CDN was asked"
    page.context.close()


@BOTH
def test_the_baseline_is_entered_on_an_approved_plan(
    browser: Browser, app_url: str, language: str
) -> None:
    page, _asked = new_device(browser, app_url)
    sign_in(page, "100301")
    speak(page, language)
    tab(page, language, "Plan")
    edit = page.get_by_role("button", name=say(language, "Correct the baseline"))
    expect(edit).to_be_attached(timeout=TIMEOUT)
    edit.scroll_into_view_if_needed()
    check_screen(page, "lubartow_plan", language=language)
    edit.click()
    count = say(language, "Previous period's count")
    expect(page.get_by_label(count, exact=True)).to_be_attached(timeout=TIMEOUT)
    value = {"pl": "24", "en": "26"}[language]
    type_into(page, count, value)
    check_screen(page, "baseline_dialog", language=language)
    page.get_by_role("button", name=say(language, "Save"), exact=True).click()
    entered = say(
        language, "Baseline {value}: entered by {who}, {when}.", value=value, who="@", when="@"
    )
    line = page.get_by_text(re.compile("^" + re.escape(entered.split("@")[0])))
    expect(line).to_be_attached(timeout=TIMEOUT)
    line.scroll_into_view_if_needed()
    check_screen(page, "baseline_saved", language=language)
    page.context.close()


SCREENFULS = {"Plan": 4, "Settings": 1}
"""How many screens more a tab is checked on, scrolled (the plan's charts, the idle lock)."""


def test_every_tab_in_both_languages(browser: Browser, app_url: str) -> None:
    page, _asked = new_device(browser, app_url)
    sign_in(page, "100301")
    for language in ("pl", "en"):
        speak(page, language)
        for name in ("Today", "History", "Map", "Plan", "Settings"):
            tab(page, language, name)
            page.wait_for_timeout(1500)
            check_screen(page, f"tab_{name}", language=language)
            for part in range(1, SCREENFULS.get(name, 0) + 1):  # below the fold
                page.mouse.move(206, 500)
                page.mouse.wheel(0, 700)
                check_screen(page, f"tab_{name}_{part}", language=language)
        tab(page, language, "Today")  # the log form, its counters and note below the fold
        page.get_by_role("button", name=say(language, "New entry")).click()
        save = page.get_by_role("button", name=say(language, "Save"), exact=True)
        expect(save).to_be_attached(timeout=TIMEOUT)
        check_screen(page, "log_form", language=language)
        for part in range(1, 3):
            page.mouse.move(206, 500)
            page.mouse.wheel(0, 700)
            check_screen(page, f"log_form_{part}", language=language)
        page.go_back()
        expect(page.get_by_role("tab", name=say(language, "Settings"))).to_be_attached(
            timeout=TIMEOUT
        )
    page.context.close()


# ---- the screens beyond the tabs and the log form ------------------------------------------

CHECK = stable_id("action", "lubartow", "2026-07-01", "check")
"""Lubartów's place check: one tap on Today logs it (with the phone's GPS)."""


@BOTH
def test_history_edit_delete_and_undo(browser: Browser, app_url: str, language: str) -> None:
    page = open_page(browser, app_url)
    sign_in(page, "100301")
    speak(page, language)
    tab(page, language, "Today")
    save = page.get_by_role("button", name=say(language, "Save"), exact=True)
    tap_until(page, page.locator(f'[flt-semantics-identifier="log-{CHECK}"]'), save)
    save.click()
    saved = say(language, "Saved: {what}", what=say(language, "Place check", "core"))
    shown(page, saved)
    tab(page, language, "History")
    edit = page.get_by_role("button", name=say(language, "Edit")).first
    expect(edit).to_be_attached(timeout=TIMEOUT)
    edit.click()
    save = page.get_by_role("button", name=say(language, "Save"), exact=True)
    expect(save).to_be_attached(timeout=TIMEOUT)
    check_screen(page, "history_edit", language=language)
    page.go_back()
    delete = page.get_by_role("button", name=say(language, "Delete")).first
    expect(delete).to_be_attached(timeout=TIMEOUT)
    delete.click()
    question = say(language, "Delete this entry?")
    expect(page.get_by_text(question, exact=True)).to_be_attached(timeout=TIMEOUT)
    check_screen(page, "history_delete_dialog", language=language)
    confirm = page.get_by_role("alertdialog").get_by_role("button", name=say(language, "Delete"))
    undo = page.get_by_role("button", name=say(language, "Undo"))
    confirm.click()
    expect(undo).to_be_attached(timeout=TIMEOUT)
    expect(page.get_by_role("alertdialog")).to_have_count(0)  # it once stayed over the list
    check_screen(page, "history_deleted_undo", language=language)
    undo.click()
    expect(page.get_by_role("button", name=say(language, "Edit")).first).to_be_attached(
        timeout=TIMEOUT
    )
    page.context.close()


@BOTH
def test_the_plan_editor_and_the_approvals(browser: Browser, app_url: str, language: str) -> None:
    page, _asked = new_device(browser, app_url)
    sign_in(page, "100301")
    speak(page, language)
    tab(page, language, "Plan")
    page.get_by_role("button", name=say(language, "New plan")).click()
    save = page.get_by_role("button", name=say(language, "Save draft"))
    expect(save).to_be_attached(timeout=TIMEOUT)
    check_screen(page, "plan_editor", language=language)
    for part in range(1, 6):  # the whole form, a screenful at a time
        page.mouse.move(206, 500)
        page.mouse.wheel(0, 700)
        check_screen(page, f"plan_editor_{part}", language=language)
    save.click()  # the errors at their fields, in the officer's language
    shown(page, say(language, "Describe the threat."))
    check_screen(page, "plan_editor_errors", language=language)
    type_into(page, say(language, "Title"), f"Plan do przeglądu dostępności ({language})")
    type_into(page, say(language, "Threat"), "Spożywanie alkoholu na skwerze przy ul. Szkolnej.")
    type_into(page, say(language, "Goal"), "Spokój na skwerze.")
    page.get_by_role("button", name=say(language, "Save and submit for approval")).click()
    shown(page, say(language, "Submitted for approval."))
    tab(page, language, "Today")
    badge = page.locator('[flt-semantics-identifier="sync-badge"]').first
    sent = say(language, "Sync: all sent").split(": ")[-1]
    expect(badge).to_contain_text(re.compile(re.escape(sent), re.I), timeout=60_000)
    page.context.close()

    boss, _asked = new_device(browser, app_url)  # the supervisor, on another phone
    sign_in(boss, "100300")
    speak(boss, language)
    tab(boss, language, "Today")
    # the new device's first sync done first, so the overview holds the unit's plans (opened
    # during it, Plan once gave way to Today: a redraw queued behind the tab's own drew the
    # screen it was asked on; `Shell.refresh` now draws the one current when its turn comes)
    badge = boss.locator('[flt-semantics-identifier="sync-badge"]').first
    expect(badge).to_contain_text(re.compile(re.escape(sent), re.I), timeout=60_000)
    tab(boss, language, "Plan")
    overview = boss.locator('[flt-semantics-identifier="unit-overview"]')
    expect(overview).to_be_attached(timeout=60_000)
    check_screen(boss, "supervisor_plan", language=language)
    pattern = re.escape(say(language, "To approve ({count})", count="@")).replace("@", r"\d+")
    reviews = boss.get_by_role("button", name=re.compile(f"^{pattern}$"))
    expect(reviews).to_be_attached(timeout=60_000)
    reviews.click()
    opened = boss.get_by_role("button", name=say(language, "Open the plan")).first
    expect(opened).to_be_attached(timeout=TIMEOUT)
    check_screen(boss, "approvals", language=language)
    boss.context.close()


@pytest.fixture(scope="module")
def quick_lock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with rejon_run(tmp_path_factory.mktemp("storage"), "--idle-lock", "0.1") as url:
        yield url


@BOTH
def test_the_lock_screen(browser: Browser, quick_lock: str, language: str) -> None:
    page, _asked = new_device(browser, quick_lock)
    sign_in(page, "100301")
    speak(page, language)
    unlock = page.get_by_role("button", name=say(language, "Unlock"))
    expect(unlock).to_be_attached(timeout=60_000)  # 6 s without input, checked every second
    check_screen(page, "lock", language=language)
    type_into(page, say(language, "Password"), "wrong-password")
    unlock.click()
    wrong = say(language, "Wrong password ({left} tries left).", left="@").split("(")[0]
    expect(page.get_by_text(re.compile("^" + re.escape(wrong)))).to_be_attached(timeout=TIMEOUT)
    check_screen(page, "lock_wrong_password", language=language)
    page.get_by_role("button", name=say(language, "Sign out")).click()  # nothing waits: no ask
    sign_in_button = page.get_by_role("button", name=say(language, "Sign me in"), exact=True)
    expect(sign_in_button).to_be_attached(timeout=TIMEOUT)
    check_screen(page, "signed_out", language=language)  # the device keeps its language
    page.context.close()


NO_TEXT = (
    "The PDF file {name} has no text layer (it looks like a scan) — save the plan as .docx, "
    ".odt or .txt, or type it in the plan editor"
)


@BOTH
def test_the_plan_import_and_its_warnings(
    browser: Browser, app_url: str, language: str, tmp_path: Path
) -> None:
    """The importer's refusal and its warnings in the officer's language, on the editor."""
    page, _asked = new_device(browser, app_url)
    sign_in(page, "100301")
    speak(page, language)
    tab(page, language, "Plan")
    button = page.get_by_role("button", name=say(language, "Import from a file"))
    with page.expect_file_chooser(timeout=TIMEOUT) as chooser:
        button.click()
    chooser.value.set_files(str(pdf_of(None, tmp_path / "skan.pdf")))
    scan = say(language, NO_TEXT, "plans", name="skan.pdf")
    shown(page, re.compile("^" + re.escape(say(language, "Not imported: {reason}", reason=scan))))
    check_screen(page, "import_refused", language=language)

    without_unit = PLAN.split("\n", 1)[1].replace("KPP w Lubartowie", "komendy")
    with page.expect_file_chooser(timeout=TIMEOUT) as chooser:
        button.click()
    chooser.value.set_files(str(pdf_of(without_unit, tmp_path / "plan.pdf")))
    unit = say(language, "The police unit was not recognised", "plans")
    expect(page.get_by_text(re.compile(re.escape(unit)))).to_be_attached(timeout=TIMEOUT)
    check_screen(page, "import_warnings", language=language)
    page.context.close()
