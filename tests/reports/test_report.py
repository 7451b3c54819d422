"""The realization report: content, the DOCX read back, the PDF turned into pages."""

import re
import shutil
import subprocess
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.core.model import COUNT_FIELDS, EntryKind
from app.core.model.ids import stable_id
from app.core.plans.progress import plan_entries, plan_figures, plan_progress, progress_of
from app.core.reports.docx import render_docx
from app.core.reports.pdf import render_pdf
from app.core.reports.report import Chart, Report, Table, build_report
from app.core.store.plans import get_plan, read_plan

KRASNIK_2024 = stable_id("plan", "krasnik", "2024-07-01")
LUBARTOW_2024 = stable_id("plan", "lubartow", "2024-01-01")

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "reports"
HEADINGS = [
    "1. Charakterystyka zdiagnozowanego zagrożenia w rejonie służbowym",
    "2. Zakładany cel do osiągnięcia",
    "3. Proponowane działania wraz z terminami realizacji poszczególnych etapów/zadań",
    "4. Podmioty współpracujące w realizacji działania priorytetowego, wraz ze wskazaniem "
    "planowanych przez nie do realizacji zadań",
    "5. Proponowany sposób przekazania społeczności rejonu informacji o działaniu priorytetowym",
    "6. Podsumowanie",
]
AFTER = date(2026, 11, 23)


def _number(text: str) -> int:
    """'1 234' (Babel's Polish grouping with a no-break space) → 1234."""
    return int(re.sub(r"\s", "", text))


@pytest.fixture(scope="module")
def lubartow(generated: Engine) -> Report:
    """The Lubartów 2024 report, built once per backend for the DOCX and PDF tests."""
    with Session(generated) as session:
        return build_report(session, LUBARTOW_2024, AFTER)


def _sums(session: Session, plan_id: str) -> dict[str, int]:
    entries = plan_entries(session, get_plan(session, plan_id))
    return {name: sum(getattr(e, name) for e in entries) for name in COUNT_FIELDS}


@pytest.mark.parametrize("plan_id", [LUBARTOW_2024, KRASNIK_2024])
@pytest.mark.parametrize("day", [date(2024, 3, 15), date(2024, 10, 2), AFTER])
def test_the_screens_plain_rows_count_as_the_reports_revisions(
    gsession: Session, plan_id: str, day: date
) -> None:
    """The app reads plain rows of figures, the report the ORM revisions it also lists: the
    same entries, the same progress, mid-period and after it."""
    doc = read_plan(gsession, plan_id)
    last_day = min(day, doc.plan.period_end)
    revisions = plan_entries(gsession, doc.plan, last_day)
    rows = plan_figures(gsession, doc.plan, last_day)
    assert [(r.entry_id, r.occurred_at) for r in rows] == [
        (e.entry_id, e.occurred_at) for e in revisions
    ]
    assert plan_progress(gsession, plan_id, day) == progress_of(gsession, doc, revisions, day)


def test_report_content_follows_the_plan_and_its_progress(gsession: Session) -> None:
    report = build_report(gsession, KRASNIK_2024, AFTER)
    progress = plan_progress(gsession, KRASNIK_2024, AFTER)
    assert report.title == [
        "INFORMACJA",
        "dotycząca realizacji planu działania priorytetowego",
        "dla rejonu służbowego nr 3",
        "na okres od 01.07.2024 roku do 31.12.2024 roku",
    ]
    assert report.unit == "KPP w Kraśniku"
    assert report.place_and_date == "Kraśnik, dnia 23.11.2026 r."
    assert [s.heading for s in report.sections] == HEADINGS
    assert report.progress == progress
    goal = report.sections[1]
    table = next(b for b in goal.blocks if isinstance(b, Table))
    rows = dict((row[0], row[1]) for row in table.rows)
    assert _number(rows["Wynik"]) == progress.criterion.value
    assert rows["Cel"] == "co najmniej 80"
    assert rows["Ocena"] == "Cel został osiągnięty."
    assert any(isinstance(b, Chart) and b.png.startswith(b"\x89PNG") for b in goal.blocks)
    partners = report.sections[3]
    contacts = [
        e for e in plan_entries(gsession, get_plan(gsession, KRASNIK_2024))
        if e.kind == EntryKind.partner_contact
    ]  # fmt: skip
    partner_table = next(b for b in partners.blocks if isinstance(b, Table))
    assert len(partner_table.rows) == len(contacts) > 0
    assert report.signature[0] == "Sporządził(a): asp. Anna Wiśniewska"


def test_docx_read_back_matches_the_entries(gsession: Session, lubartow: Report) -> None:
    report = lubartow
    progress = report.progress
    doc = read_plan(gsession, LUBARTOW_2024)
    document = Document(BytesIO(render_docx(report)))
    paragraphs = [p.text for p in document.paragraphs]
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == HEADINGS
    assert "INFORMACJA" in paragraphs
    assert "na okres od 01.01.2024 roku do 30.06.2024 roku" in paragraphs
    assert doc.plan.threat in paragraphs
    for number, action in enumerate(doc.actions, start=1):
        assert any(p.startswith(f"{number}) {action.text} – ") for p in paragraphs)
    assert "1) Spółdzielnia Mieszkaniowa w Lubartowie – " + doc.partners[0].tasks in paragraphs
    assert "- " + doc.channels[1].text in paragraphs

    tables = {t.rows[0].cells[0].text: t for t in document.tables}
    criterion = {r.cells[0].text: r.cells[1].text for r in tables["Kryterium"].rows}
    value = sum(
        e.offences + e.interventions
        for e in plan_entries(gsession, get_plan(gsession, LUBARTOW_2024))
        if e.place_id == doc.plan.criterion_place_id
    )
    assert _number(criterion["Wynik"]) == value == progress.criterion.value
    assert criterion["Okres poprzedni (wartość bazowa)"] == "brak danych"
    actions = tables["Lp."].rows[1:]
    assert len(actions) == len(progress.actions)
    for row, figures in zip(actions, progress.actions, strict=True):
        assert row.cells[3].text == f"{figures.done} / {figures.due}"
        assert int(row.cells[4].text) == figures.times
    check = progress.actions[0]
    assert check.due == 182 and 0 < check.done <= 182
    summary = {r.cells[0].text: r.cells[1].text for r in tables["Licznik"].rows[1:]}
    sums = _sums(gsession, LUBARTOW_2024)
    assert (
        summary["Osoby wylegitymowane"]
        and _number(summary["Osoby wylegitymowane"]) == sums["persons_legitimised"]
    )
    assert _number(summary["Mieszkańcy, z którymi rozmawiano"]) == sums["residents_spoken"]
    assert _number(summary["Ujawnione wykroczenia"]) == sums["offences"]
    assert len(document.inline_shapes) == 2  # both charts
    assert any(p.startswith("W okresie od 01.01.2024 do 30.06.2024 liczba wpisów w planie "
                            f"wyniosła {progress.entries}") for p in paragraphs)  # fmt: skip


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pdf_pages_and_text(gsession: Session, lubartow: Report) -> None:
    report = lubartow
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    backend = gsession.get_bind().dialect.name
    pdf_path = ARTIFACTS / f"lubartow-2024-{backend}.pdf"
    pdf_path.write_bytes(render_pdf(report))
    for old in ARTIFACTS.glob(f"lubartow-2024-{backend}-*.png"):
        old.unlink()
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "60",
            "-png",
            str(pdf_path),
            str(ARTIFACTS / f"lubartow-2024-{backend}"),
        ],
        check=True,
    )
    pages = sorted(ARTIFACTS.glob(f"lubartow-2024-{backend}-*.png"))
    assert 2 <= len(pages) <= 8
    assert all(page.stat().st_size > 5_000 for page in pages)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", " ", text)
    assert "INFORMACJA" in flat and "dla rejonu służbowego nr 3" in flat
    for heading in HEADINGS[:3]:
        assert heading in flat
    progress = report.progress
    assert f"Wynik {progress.criterion.value}" in flat
    assert f"{progress.actions[0].done} / {progress.actions[0].due}" in flat
    assert "Sporządził(a): st. asp. Tomasz Nowak" in flat


def test_report_of_a_plan_with_no_entries_yet(gsession: Session) -> None:
    """The renewal has no entries: no charts, no crash, honest zeros."""
    renewal = next(p for p in read_plan_ids(gsession) if p not in (LUBARTOW_2024, KRASNIK_2024))
    start = get_plan(gsession, renewal).period_start
    report = build_report(gsession, renewal, start)
    blocks = [b for s in report.sections for b in s.blocks]
    assert not any(isinstance(b, Chart) for b in blocks)
    assert report.status_line.startswith("Stan na dzień")
    assert render_pdf(report).startswith(b"%PDF")
    assert Document(BytesIO(render_docx(report))).paragraphs


def read_plan_ids(session: Session) -> list[str]:
    from app.core.store.plans import list_plans

    return [p.id for p in list_plans(session)]
