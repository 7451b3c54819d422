"""Journeys 11 and 12 of JOURNEYS.md in real Chromium (Playwright, 412×915, `rejon run` on a
free port): 11 in English (each browser signs in, then switches the device to English; its
Polish walk is in test_e2e_plan_import.py and test_e2e_plans.py), 12 in both languages.

11. An officer imports a plan document, corrects it where the importer warned, submits; the
    supervisor returns it with a note; the officer fixes it and resubmits; the supervisor
    approves; its actions appear on the officer's Today.
12. The supervisor's overview: every plan of the unit, on track or behind; open one; the
    report (PDF, DOCX) and the export (CSV, XLSX) agree with the screen on every figure.

Screenshots go to tests/artifacts/en_11_*.png and journey12_*.png: look at them after a change.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest
from browser_support import (
    TIMEOUT,
    open_page,
    rejon_run,
    shot,
    shown,
    sign_in,
    tap_until,
    to_english,
    type_into,
)
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader
from sqlmodel import Session
from test_e2e_browser import browser
from test_e2e_plan_import import PLAN, pdf_of, scroll_to
from test_e2e_plans import add_action, reached_unit, review_card, unit_plan
from test_e2e_trust import sync_now, wait_for_badge

from app.core.i18n import gettext, set_language
from app.core.i18n.labels import measure_label
from app.core.model import Place, PlanStatus
from app.core.model.ids import stable_id
from app.core.plans.progress import (
    OverviewRow,
    PlanProgress,
    by_attention,
    days_left,
    find_unit,
    plan_progress,
    unit_overview,
)
from app.core.store.db import make_engine
from app.core.store.plans import read_plan
from app.device.ui.plan_edit import PICK_MAP_HEIGHT

pytestmark = pytest.mark.e2e
__all__ = ["browser"]  # the fixture, used by every test here

DAY = "2026-11-18"
SUPERVISOR = "100300"
LUBARTOW_PLAN = stable_id("plan", "lubartow", "2026-07-01")
"""The demo's plan in force for area 3: reduce offences and interventions at Nivea."""


@pytest.fixture(scope="module")
def storage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("journeys-en")


@pytest.fixture(scope="module")
def app_url(storage: Path) -> Iterator[str]:
    with rejon_run(storage, day=DAY) as url:
        yield url


def english_device(browser: Browser, url: str, badge: str) -> Page:
    """A new browser signed in as ``badge`` (through the Polish form), then in English."""
    page = open_page(browser, url)
    sign_in(page, badge)
    to_english(page)
    return page


# ---- journey 11 -----------------------------------------------------------------------------


def test_journey_11_in_english_import_return_fix_approve_then_today(
    browser: Browser, app_url: str, storage: Path, tmp_path: Path
) -> None:
    title = "Square on Szkolna Street"
    page = english_device(browser, app_url, "100301")
    page.get_by_role("tab", name="Plan").click()
    without_unit = PLAN.split("\n", 1)[1].replace("KPP w Lubartowie", "komendy")
    with page.expect_file_chooser(timeout=TIMEOUT) as chooser:
        page.get_by_role("button", name="Import from a file").click()
    chooser.value.set_files(str(pdf_of(without_unit, tmp_path / "plan.pdf")))
    shown(page, re.compile("^Read from a document"))
    expect(page.get_by_text(re.compile("The police unit was not recognised"))).to_be_attached(
        timeout=TIMEOUT
    )
    shot(page, "en_11_1_imported_with_warnings")
    type_into(page, page.get_by_label("Title", exact=True), title)
    warning = page.get_by_text(re.compile("Action 2: no date — the whole period of the plan"))
    scroll_to(page, warning)
    shot(page, "en_11_2_action_warning")
    submit = page.get_by_role("button", name="Save and submit for approval")
    scroll_to(page, submit)
    submit.click()
    shown(page, "Submitted for approval.")
    wait_for_badge(page, "all sent", "en")
    plan = unit_plan(storage, title)
    assert plan is not None and plan.status == PlanStatus.submitted

    boss = english_device(browser, app_url, SUPERVISOR)
    card = review_card(boss, plan.id, "en")
    type_into(boss, card.get_by_label("Note for the officer"), "Add a meeting with residents.")
    shot(boss, "en_11_3_review_card")
    card.get_by_role("button", name="Return").click()
    shown(boss, "Plan returned.")
    reached_unit(storage, title, PlanStatus.returned)

    sync_now(page, "en")
    banner = page.locator(f'[flt-semantics-identifier="returned-{plan.id}"]')
    tap_until(page, page.get_by_role("tab", name="Today"), banner)  # a sync may redraw the tab
    expect(banner).to_contain_text("Add a meeting with residents.", timeout=60_000)
    expect(banner).to_contain_text(f"Plan returned: {title}")
    shot(page, "en_11_4_returned_on_today")
    banner.get_by_role("button", name="Correct the plan").click()
    note = page.locator('[flt-semantics-identifier="editor-review-note"]')
    expect(note).to_contain_text("Add a meeting with residents.", timeout=TIMEOUT)
    add_place_by_map(page, "Garages, Lubelska Street")
    add_action(page, "Meeting with the residents of Szkolna Street", "en")
    shot(page, "en_11_5_corrected")
    page.get_by_role("button", name="Save and submit for approval").click()
    shown(page, "Submitted for approval.")
    reached_unit(storage, title, PlanStatus.submitted)

    boss.get_by_role("button", name="Back").first.click()  # from the approvals to the tabs
    sync_now(boss, "en")
    wait_for_badge(boss, "all sent", "en")
    card = review_card(boss, plan.id, "en")
    expect(card).to_contain_text("Changed since it was returned", timeout=TIMEOUT)
    expect(card).to_contain_text("3. Action added: Meeting with the residents of Szkolna Street")
    expect(card).to_contain_text("Your previous note: Add a meeting with residents.")
    shot(boss, "en_11_6_resubmitted_changes")
    card.get_by_role("button", name="Approve").click()
    shown(boss, "Plan approved.")
    reached_unit(storage, title, PlanStatus.approved)
    boss.context.close()

    sync_now(page, "en")
    task = page.get_by_text(re.compile("kontrole skweru w godz. 18:00–22:00"))
    tap_until(page, page.get_by_role("tab", name="Today"), page.get_by_text("Tasks for today"))
    expect(task.first).to_be_attached(timeout=60_000)
    expect(
        page.get_by_text(re.compile("rozmowy z mieszkańcami ul. Szkolnej")).first
    ).to_be_attached(timeout=TIMEOUT)
    scroll_to(page, task)
    shot(page, "en_11_7_actions_on_today")

    page.get_by_role("tab", name="Plan").click()  # the officer's plans, long titles cut with "…"
    page.get_by_role("button", name=re.compile(r"^Other plans \(\d+\)$")).click()
    option = page.get_by_role("button", name=re.compile(f"^{title}"))
    expect(option.first).to_be_attached(timeout=TIMEOUT)
    shot(page, "en_11_8_plan_picker")
    option.first.click()
    expect(page.get_by_text("Garages, Lubelska Street").first).to_be_attached(timeout=TIMEOUT)
    page.context.close()


def add_place_by_map(page: Page, name: str) -> None:
    """The criterion's place: 'Add a new place', named, tapped on the editor's map, added."""
    new = page.get_by_role("button", name="Add a new place")
    scroll_to(page, new)
    new.click()
    type_into(page, page.get_by_label("Name of the new place", exact=True), name)
    hint = page.get_by_text("Or tap the map where the place is.", exact=True)
    add = page.get_by_role("button", name="Add at the point tapped")
    scroll_to(page, add)  # the map (its wheel left to the form) above the button, on screen
    expect(hint).to_be_attached()
    box = add.bounding_box()
    assert box is not None
    page.mouse.click(206, box["y"] - 8 - PICK_MAP_HEIGHT / 2)  # the map's middle, above it
    expect(
        page.get_by_text(re.compile(r"^Point on the map: \d+\.\d{5}, \d+\.\d{5}$"))
    ).to_be_attached(timeout=TIMEOUT)
    shot(page, "en_11_5a_place_tapped_on_the_map")
    add.click()
    shown(page, f"Place added: {name}")


# ---- journey 12, in both languages --------------------------------------------------------

FILES = (("docx", "Report (DOCX)"), ("pdf", "Report (PDF)"), ("csv", "Entries (CSV)"),
         ("xlsx", "Entries (XLSX)"))  # fmt: skip
"""The plan's file buttons (the catalogue's messages) and what each saves."""


def say(language: str, message: str, domain: str = "ui", **values: object) -> str:
    """A message of the catalogue as the app says it in ``language``."""
    text = gettext(message, domain, language)
    return text.format(**values) if values else text


def pattern(language: str, message: str, **groups: str) -> re.Pattern[str]:
    """The catalogue's message as a whole-text pattern, ``groups`` standing for its fields."""
    text = re.escape(say(language, message))
    for name, group in groups.items():
        text = text.replace(re.escape("{" + name + "}"), group)
    return re.compile(f"^{text}$")


def download(page: Page, button: str) -> bytes:
    """Tap a file button; the browser's download, as bytes."""
    target = page.get_by_role("button", name=button)
    scroll_to(page, target)
    with page.expect_download(timeout=60_000) as info:
        target.click()
    path = info.value.path()
    assert path is not None
    return Path(path).read_bytes()


def screen_figures(page: Page, language: str) -> tuple[int, list[str]]:
    """The criterion's figure and every action's 'done / due', as the plan screen shows them."""
    value = page.get_by_text(re.compile(r"^(\d+) / \d+([.,]\d+)?$")).first
    expect(value).to_be_attached(timeout=TIMEOUT)
    done = pattern(language, "Done {done} of {due} so far", done=r"(\d+)", due=r"(\d+)")
    lines = page.get_by_text(done)
    expect(lines.first).to_be_attached(timeout=TIMEOUT)
    figures = [done.sub(r"\1 / \2", text) for text in lines.all_inner_texts()]
    return int(value.inner_text().split(" / ")[0]), figures


def docx_tables(data: bytes) -> dict[str, list[list[str]]]:
    """The report's tables by their first header cell."""
    document = docx.Document(io.BytesIO(data))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    return {rows[0][0]: rows for rows in tables}


def export_sheets(csv_data: bytes, xlsx_data: bytes) -> list[dict[str, str]]:
    """The CSV's rows by header, checked to be the XLSX's rows (same headers and counts)."""
    rows = list(csv.reader(io.StringIO(csv_data.decode("utf-8-sig")), delimiter=";"))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_data)).active
    cells = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert len(cells) == len(rows) and cells[0] == rows[0]
    counters = [i for i, v in enumerate(cells[1]) if isinstance(v, int)] if len(cells) > 1 else []
    for csv_row, xlsx_row in zip(rows[1:], cells[1:], strict=True):
        assert [csv_row[i] for i in counters] == [str(xlsx_row[i]) for i in counters]
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@dataclass(frozen=True)
class UnitFigures:
    """What the unit's store says, in one language: the overview's rows in their order, the
    demo plan's progress, its criterion's place and measures as the export names them."""

    rows: list[OverviewRow]
    progress: PlanProgress
    place: str
    measures: list[str]


def unit_figures(storage: Path, language: str) -> UnitFigures:
    day = date.fromisoformat(DAY)
    set_language(language)
    engine = make_engine(f"sqlite:///{storage / 'server.db'}")
    try:
        with Session(engine) as session:
            unit = find_unit(session, badge=SUPERVISOR)
            plan = read_plan(session, LUBARTOW_PLAN).plan
            place = session.get(Place, plan.criterion_place_id)
            assert place is not None
            return UnitFigures(
                rows=by_attention(unit_overview(session, unit.id, day), day),
                progress=plan_progress(session, LUBARTOW_PLAN, day),
                place=place.name,
                measures=[measure_label(m) for m in plan.criterion_measures],
            )
    finally:
        engine.dispose()
        set_language("pl")


@pytest.mark.parametrize("language", ["en", "pl"])
def test_journey_12_the_overview_a_plan_its_report_and_export_agree(
    browser: Browser, app_url: str, storage: Path, language: str
) -> None:
    day = date.fromisoformat(DAY)
    boss = open_page(browser, app_url)
    sign_in(boss, SUPERVISOR)
    if language == "en":
        to_english(boss)
    wait_for_badge(boss, say(language, "All sent"), language)
    overview = boss.locator('[flt-semantics-identifier="unit-overview"]')
    tap_until(boss, boss.get_by_role("tab", name="Plan"), overview)  # the sync may redraw Today
    expect(overview).to_contain_text(say(language, "Plans of the unit"), timeout=TIMEOUT)

    unit = unit_figures(storage, language)
    rows, progress = unit.rows, unit.progress
    for row in rows:  # every plan of the unit, its pace (or result) and days left
        expect(overview).to_contain_text(row.criterion.summary)
        if (left := days_left(row, day)) is not None:
            expect(overview).to_contain_text(say(language, "days left: {count}", count=left))
    [lubartow] = [row for row in rows if row.plan_id == LUBARTOW_PLAN]
    assert lubartow.lagging, "the demo's plan has actions behind"
    behind = say(language, "Actions behind: {count}", count=len(lubartow.lagging))
    expect(overview).to_contain_text(behind)
    shot(boss, f"journey12_{language}_1_overview")

    opens = boss.get_by_role("button", name=say(language, "Open"), exact=True)
    expect(opens).to_have_count(len(rows), timeout=TIMEOUT)
    opens.nth(rows.index(lubartow)).click()
    expect(boss.get_by_text(lubartow.title, exact=True).first).to_be_attached(timeout=TIMEOUT)
    value, done = screen_figures(boss, language)
    assert value == progress.criterion.value
    assert done == [f"{a.done} / {a.due}" for a in progress.actions]
    shot(boss, f"journey12_{language}_2_plan_opened")

    files = {kind: download(boss, say(language, label)) for kind, label in FILES}
    shown(boss, pattern(language, "Saved: {name}", name=r".*\.xlsx"))  # in the screen's language
    shot(boss, f"journey12_{language}_3_files_saved")
    tables = docx_tables(files["docx"])
    criterion = dict(tables[say(language, "Criterion", "reports")][1:])
    assert criterion[say(language, "Result", "reports")] == str(value)
    assert [row[3] for row in tables[say(language, "No.", "reports")][1:]] == done
    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(files["pdf"])).pages)
    for figure in done:
        assert figure in pdf_text
    assert f"{say(language, 'Result', 'reports')} {value}" in re.sub(r"\s+", " ", pdf_text)

    entries = export_sheets(files["csv"], files["xlsx"])
    assert len(entries) == progress.entries
    place_column = say(language, "Place", "reports")
    measured = sum(
        int(e[m]) for e in entries if e[place_column] == unit.place for m in unit.measures
    )
    assert measured == value, "the export's entries at the place add up to the screen's figure"
    for name, total in tables[say(language, "Counter", "reports")][1:]:
        assert sum(int(e[name]) for e in entries) == int(re.sub(r"\D", "", total)), name
    boss.context.close()
