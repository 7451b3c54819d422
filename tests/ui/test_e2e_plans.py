"""Plans in real Chromium (Playwright, 412×915, pl-PL, `rejon run` on a free port): a plan
submitted by an officer stays theirs when the phone changes user; the editor's errors.

Screenshots go to tests/artifacts/plans_*.png: look at them after a change.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from browser_support import (
    TIMEOUT,
    WORDS,
    free_port,
    open_page,
    reconcile,
    served_app,
    shot,
    sign_in,
    type_into,
)
from playwright.sync_api import Browser, Locator, Page, expect
from sqlmodel import Session, select
from test_e2e_browser import browser, open_app, shown
from test_e2e_pictures import tap_until
from test_e2e_trust import NotFoundEverywhere, set_address, sync_now, wait_for_badge

from app.core.model import Plan, PlanStatus
from app.core.store.db import make_engine

pytestmark = pytest.mark.e2e
__all__ = ["browser"]  # the fixture, used by every test here


storage, app_url = served_app("plans-storage")


@pytest.fixture
def wrong_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), NotFoundEverywhere)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def unit_plan(storage: Path, title: str) -> Plan | None:
    """The plan as the unit's store (the service) holds it."""
    engine = make_engine(f"sqlite:///{storage / 'server.db'}")
    try:
        with Session(engine) as session:
            plan = session.exec(select(Plan).where(Plan.title == title)).first()
            if plan is not None:
                session.expunge(plan)
            return plan
    finally:
        engine.dispose()


def new_plan(page: Page) -> None:
    page.get_by_role("tab", name="Plan").click()
    page.get_by_role("button", name="Nowy plan").click()
    expect(page.get_by_role("button", name="Zapisz szkic")).to_be_attached(timeout=TIMEOUT)


def sign_out(page: Page) -> None:
    page.get_by_role("tab", name="Ustawienia").click()
    page.get_by_role("button", name="Wyloguj").click()


# ---- the phone changes user while a submitted plan waits -----------------------------------


def test_a_waiting_plan_stays_the_officers_when_the_supervisor_signs_in(
    browser: Browser, app_url: str, storage: Path, wrong_server: str
) -> None:
    title = "Plan przekazany przed zmianą użytkownika"
    page = open_app(browser, app_url)
    set_address(page, wrong_server)  # nothing can be sent before the officer signs out
    new_plan(page)
    type_into(page, "Tytuł", title)
    type_into(page, "Zagrożenie", "Spożywanie alkoholu na skwerze przy ul. Szkolnej.")
    type_into(page, "Cel", "Spokój na skwerze.")
    page.get_by_role("button", name="Zapisz i przekaż do zatwierdzenia").click()
    shown(page, "Przekazano do zatwierdzenia.")

    sign_out(page)
    dialog_title = page.get_by_text(re.compile(r"^Wylogować mimo niewysłanych zmian \(2\)\?$"))
    expect(dialog_title).to_be_attached(timeout=TIMEOUT)
    shot(page, "plans_1_sign_out_asks")
    page.get_by_role("button", name="Wyloguj").last.click()
    shown(page, re.compile("Wylogowano. Na tym urządzeniu czeka Twoich zmian: 2"))
    shot(page, "plans_2_signed_out")
    assert unit_plan(storage, title) is None

    set_address(page, f"{app_url}sync")
    sign_in(page, "100300")
    wait_for_badge(page, "czeka na zalogowanie: 2")
    expect(page.get_by_text(re.compile("nigdy nie są wysyłane z Twojego konta"))).to_be_attached(
        timeout=TIMEOUT
    )
    shot(page, "plans_3_supervisor_sees_it_waiting")
    assert unit_plan(storage, title) is None, "never sent under the supervisor's sign-in"
    sign_out(page)  # nothing of the supervisor waits: no question
    expect(page.get_by_role("button", name="Zaloguj")).to_be_attached(timeout=TIMEOUT)

    sign_in(page, "100301")
    wait_for_badge(page, "wszystko wysłane")
    shot(page, "plans_4_officer_back_sent")
    plan = unit_plan(storage, title)
    assert plan is not None and plan.status == PlanStatus.submitted
    assert "unsent" not in reconcile(storage).values()

    # the supervisor, on another phone, reviews it: the whole plan on the approval card
    boss = open_page(browser, app_url)
    sign_in(boss, "100300")
    boss.get_by_role("tab", name="Plan").click()
    boss.get_by_role("button", name=re.compile(r"^Do zatwierdzenia \(\d+\)$")).click()
    expect(boss.get_by_text(title, exact=True)).to_be_attached(timeout=TIMEOUT)
    for text in ("1. Charakterystyka zdiagnozowanego zagrożenia", "Spokój na skwerze."):
        expect(boss.get_by_text(text, exact=True).first).to_be_attached(timeout=TIMEOUT)
    expect(boss.get_by_role("button", name="Otwórz plan").first).to_be_attached()
    shot(boss, "plans_8_approval_card_whole_plan")
    boss.context.close()
    page.context.close()


# ---- the editor: two different errors in a row, errors at their fields, actions ---------------


def test_the_editor_shows_errors_at_their_fields_and_survives_two_in_a_row(
    browser: Browser, app_url: str
) -> None:
    """Nowy plan → Zapisz szkic on an empty form → type a threat → Zapisz szkic again at
    once: two different errors in a row, each shown in Polish at its field; the session and
    everything typed stay; then actions removed and added keep their own cards."""
    page = open_app(browser, app_url)
    new_plan(page)
    save = page.get_by_role("button", name="Zapisz szkic")
    save.click()
    shown(page, "Opisz zagrożenie.")
    shown(page, "Nie zapisano: popraw pola zaznaczone na czerwono (2).")
    shot(page, "plans_5_editor_errors_at_fields")
    type_into(page, "Zagrożenie", "Spożywanie alkoholu na skwerze.")
    save.click()  # a second, different error within the first's few seconds
    shown(page, "Nie zapisano: popraw pola zaznaczone na czerwono (1).")
    shown(page, "Podaj cel.")
    page.wait_for_timeout(5000)  # past the moment the reported crash came
    page.mouse.wheel(0, -3000)
    shot(page, "plans_5b_editor_top")
    threat = page.get_by_label("Zagrożenie", exact=True)
    threat.click()  # Flutter puts a field's text in the DOM only while it has the focus
    expect(threat).to_have_value("Spożywanie alkoholu na skwerze.", timeout=TIMEOUT)
    assert page.get_by_text(re.compile("Error running app|Frozen|Coś poszło nie tak")).count() == 0
    shot(page, "plans_6_editor_second_error")

    type_into(page, "Cel", "Spokój na skwerze.")
    add = page.get_by_role("button", name="Dodaj działanie")
    for text in ("Kontrole skweru", "Rozmowy z mieszkańcami"):
        add.click()
        field = page.get_by_label("Działanie", exact=True).last
        expect(field).to_be_attached(timeout=TIMEOUT)
        type_into(page, field, text)  # typed only once the field holds the focus
    page.get_by_role("button", name="Usuń działanie").first.click()
    shown(page, "Usunięto działanie 1.")
    add.click()
    expect(page.get_by_text("Działanie 2", exact=True)).to_be_attached(timeout=TIMEOUT)
    expect(page.get_by_text("Działanie 1", exact=True)).to_be_attached(timeout=TIMEOUT)
    assert page.get_by_label("Działanie", exact=True).count() == 2
    shot(page, "plans_7_editor_actions")
    page.context.close()


# ---- returned, found, corrected, resubmitted: the supervisor sees what changed -------------------


def reached_unit(storage: Path, title: str, status: PlanStatus, seconds: float = 90) -> None:
    """Wait until the unit's store holds the plan in ``status`` (sent from a device)."""
    deadline = time.monotonic() + seconds
    while (plan := unit_plan(storage, title)) is None or plan.status != status:
        assert time.monotonic() < deadline, f"the plan did not reach the unit as {status}"
        time.sleep(0.5)


def add_action(page: Page, text: str, language: str = "pl") -> None:
    """Dodaj działanie, then its text typed into the new card (the editor scrolls to it).

    The new card is the one with the highest serial, found by its identifier once it is on
    screen: which other fields Flutter keeps in the page depends on the scroll, so "the last
    field labelled Działanie" was once the previous action's, and it was typed over."""
    before = max(action_serials(page), default=0)
    page.get_by_role("button", name=WORDS[language]["add_action"]).click()
    deadline = time.monotonic() + TIMEOUT / 1000
    while (newest := max(action_serials(page), default=0)) <= before:
        assert time.monotonic() < deadline, "the new action did not come into view"
        page.wait_for_timeout(100)
    field = page.locator(f'[flt-semantics-identifier="action-{newest}-text"]').get_by_label(
        WORDS[language]["action"], exact=True
    )
    expect(field).to_have_value("", timeout=TIMEOUT)
    type_into(page, field, text)


def action_serials(page: Page) -> set[int]:
    """The serials of the action texts Flutter has in the page now (those near the screen)."""
    found = page.locator('[flt-semantics-identifier^="action-"]').evaluate_all(
        "nodes => nodes.map(n => n.getAttribute('flt-semantics-identifier'))"
    )
    return {int(i.split("-")[1]) for i in found}


def review_card(boss: Page, plan_id: str, language: str = "pl") -> Locator:
    overview = boss.locator('[flt-semantics-identifier="unit-overview"]')
    tap_until(boss, boss.get_by_role("tab", name="Plan"), overview)  # a sync may redraw the tab
    card = boss.locator(f'[flt-semantics-identifier="review-{plan_id}"]')
    button = boss.get_by_role("button", name=re.compile(WORDS[language]["to_approve"]))
    tap_until(boss, button, card)  # the first sync may draw the tab again under the tap
    return card


def test_a_returned_plan_is_found_corrected_and_its_changes_shown(
    browser: Browser, app_url: str, storage: Path
) -> None:
    title = "Garaże przy ul. Lubelskiej"
    page = open_app(browser, app_url)
    new_plan(page)
    type_into(page, "Tytuł", title)
    type_into(page, "Zagrożenie", "Spożywanie alkoholu przy garażach.")
    type_into(page, "Cel", "Mniej interwencji przy garażach.")
    add_action(page, "Patrol garaży")
    page.mouse.wheel(0, -3000)  # back up to the threat, on screen
    page.wait_for_timeout(500)
    threat = page.get_by_label("Zagrożenie", exact=True)
    threat.click()  # Flutter puts a field's text in the DOM only while it has the focus
    expect(threat).to_have_value("Spożywanie alkoholu przy garażach.", timeout=TIMEOUT)
    page.get_by_role("button", name="Zapisz i przekaż do zatwierdzenia").click()
    shown(page, "Przekazano do zatwierdzenia.")
    wait_for_badge(page, "wszystko wysłane")
    plan = unit_plan(storage, title)
    assert plan is not None and plan.status == PlanStatus.submitted
    assert plan.threat == "Spożywanie alkoholu przy garażach."

    boss = open_page(browser, app_url)
    sign_in(boss, "100300")
    card = review_card(boss, plan.id)
    type_into(boss, card.get_by_label("Uwagi dla dzielnicowego"), "Dodaj spotkanie z mieszkańcami.")
    card.get_by_role("button", name="Zwróć do poprawy").click()
    shown(boss, "Plan zwrócony do poprawy.")
    reached_unit(storage, title, PlanStatus.returned)

    # the officer finds it on Today, with the note, and opens it in the editor
    sync_now(page)
    banner = page.locator(f'[flt-semantics-identifier="returned-{plan.id}"]')
    tap_until(page, page.get_by_role("tab", name="Dziś"), banner)  # a sync may redraw the tab
    expect(banner).to_contain_text("Dodaj spotkanie z mieszkańcami.", timeout=60_000)
    expect(banner).to_contain_text(f"Plan zwrócony: {title}")
    shot(page, "plans_9_returned_on_today")
    page.get_by_role("tab", name="Plan").click()
    banner = page.locator(f'[flt-semantics-identifier="returned-{plan.id}"]')
    expect(banner).to_be_attached(timeout=TIMEOUT)
    shot(page, "plans_10_returned_on_plan")
    banner.get_by_role("button", name="Popraw plan").click()
    note = page.locator('[flt-semantics-identifier="editor-review-note"]')
    expect(note).to_contain_text("Dodaj spotkanie z mieszkańcami.", timeout=TIMEOUT)
    shot(page, "plans_11_editor_with_the_note")
    add_action(page, "Spotkanie z mieszkańcami")
    page.get_by_role("button", name="Zapisz i przekaż do zatwierdzenia").click()
    shown(page, "Przekazano do zatwierdzenia.")
    wait_for_badge(page, "wszystko wysłane")
    expect(page.locator(f'[flt-semantics-identifier="returned-{plan.id}"]')).to_have_count(0)

    # the supervisor: the note it was returned with, and what changed since
    boss.get_by_role("button", name="Wstecz").first.click()  # from the approvals to the tabs
    reached_unit(storage, title, PlanStatus.submitted)
    sync_now(boss)
    wait_for_badge(boss, "wszystko wysłane")
    boss.get_by_role("tab", name="Plan").click()  # the unit first, what needs a decision on top
    overview = boss.locator('[flt-semantics-identifier="unit-overview"]')
    expect(overview).to_contain_text("czeka na Twoją decyzję", timeout=TIMEOUT)
    shot(boss, "plans_13_supervisor_overview")
    card = review_card(boss, plan.id)
    expect(card).to_contain_text("Zmiany od zwrotu", timeout=TIMEOUT)
    expect(card).to_contain_text("3. Dodano działanie: Spotkanie z mieszkańcami")
    expect(card).to_contain_text("Twoja poprzednia uwaga: Dodaj spotkanie z mieszkańcami.")
    shot(boss, "plans_12_changes_since_returned")
    boss.context.close()
    page.context.close()
