"""The app's progress service, `rejon report` and `rejon export` agree on every figure."""

import csv
import re
from collections.abc import Callable
from datetime import date
from io import BytesIO, StringIO
from pathlib import Path

from docx import Document
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from app.cli.main import cli
from app.core.demo import AREA_IDS, demo_plans
from app.core.model import COUNT_FIELDS
from app.core.model.ids import stable_id
from app.core.plans.progress import plan_progress
from app.core.store.plans import read_plan

KRASNIK_2024 = stable_id("plan", "krasnik", "2024-07-01")
LUBARTOW_2024 = stable_id("plan", "lubartow", "2024-01-01")

runner = CliRunner()


def rejon(*args: str) -> str:
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _number(text: str) -> int:
    return int(re.sub(r"\s", "", text))


def test_progress_report_and_export_agree(
    generated: Engine, url_of: Callable[[Engine], str], tmp_path: Path
) -> None:
    db, today = url_of(generated), "2026-11-23"
    with Session(generated) as session:
        progress = plan_progress(session, LUBARTOW_2024, date.fromisoformat(today))
        doc = read_plan(session, LUBARTOW_2024)
    assert progress.entries > 200

    shown = rejon("plan", "progress", LUBARTOW_2024[:8], "--date", today, "--db", db)
    assert progress.criterion.summary in shown
    for number, action in enumerate(progress.actions, start=1):
        assert f"{number}) " in shown
        assert f"wykonano {action.done} z {action.due}" in shown
        assert f"wpisów: {action.times}" in shown

    report = tmp_path / "raport.docx"
    rejon("report", LUBARTOW_2024[:8], "-o", str(report), "--date", today, "--db", db)
    document = Document(BytesIO(report.read_bytes()))
    tables = {t.rows[0].cells[0].text: t for t in document.tables}
    rows = tables["Lp."].rows[1:]
    for row, action in zip(rows, progress.actions, strict=True):
        assert (row.cells[3].text, int(row.cells[4].text)) == (
            f"{action.done} / {action.due}",
            action.times,
        )
    criterion = {r.cells[0].text: r.cells[1].text for r in tables["Kryterium"].rows}
    assert _number(criterion["Wynik"]) == progress.criterion.value
    totals = {r.cells[0].text: _number(r.cells[1].text) for r in tables["Licznik"].rows[1:]}

    exported = tmp_path / "wpisy.csv"
    rejon("export", "--plan", LUBARTOW_2024[:8], "-o", str(exported), "--db", db)
    table = list(csv.reader(StringIO(exported.read_text("utf-8-sig")), delimiter=";"))
    header, body = table[0], table[1:]
    assert len(body) == progress.entries
    for index, name in enumerate(COUNT_FIELDS, start=5):
        column = sum(int(row[index]) for row in body)
        assert column == progress.totals[name] == totals[header[index]]
    by_action = {a.text: 0 for a in doc.actions}
    for row in body:
        if row[3]:
            by_action[row[3]] += 1
    assert [by_action[a.text] for a in doc.actions] == [a.times for a in progress.actions]
    at_nivea = sum(int(r[8]) + int(r[9]) for r in body if r[4] == "Plac zabaw Nivea")
    assert at_nivea == progress.criterion.value

    book = tmp_path / "wpisy.xlsx"
    rejon("export", "--format", "xlsx", "--from", "2024-01-01", "--to", "2024-06-30",
          "--officer", "100301", "-o", str(book), "--db", db)  # fmt: skip
    sheet = load_workbook(book).active
    assert sheet.max_row - 1 == progress.entries


def test_overview_and_errors(
    generated: Engine, url_of: Callable[[Engine], str], tmp_path: Path
) -> None:
    db = url_of(generated)
    krasnik = rejon("overview", "--badge", "200300", "--date", "2026-11-23", "--db", db)
    assert "KPP w Kraśniku" in krasnik and KRASNIK_2024[:8] in krasnik
    assert "Mieszkańcy, z którymi rozmawiano" in krasnik and "cel osiągnięty" in krasnik
    lubartow = rejon("overview", "--unit", "Lubartów", "--date", "2026-11-18", "--db", db)
    assert LUBARTOW_2024[:8] in lubartow and KRASNIK_2024[:8] not in lubartow
    assert re.search(r"\n    ! Kontrole placu zabaw Nivea .* — brakuje: \d+\n", lubartow)
    in_rejon_3 = [p for p in demo_plans() if p.area_id == AREA_IDS["lubartow"]]
    assert lubartow.count("rejon 3") == len(in_rejon_3)

    def fails(*args: str) -> str:
        result = runner.invoke(cli, [*args, "--db", db])
        assert result.exit_code != 0
        return result.output

    assert "0 plans match" in fails("report", "zzzzzz", "-o", str(tmp_path / "x.docx"))
    assert "docx, pdf" in fails("report", LUBARTOW_2024, "-o", str(tmp_path / "x.odt"))
    assert "is not a date" in fails("export", "--from", "1.1.2024", "-o", str(tmp_path / "x.csv"))
    assert "no officer" in fails("export", "--officer", "000000", "-o", str(tmp_path / "x.csv"))
    assert "already generated" in fails("generate", LUBARTOW_2024, "--seed", "7")
    assert "either --unit or --badge" in fails("overview")
    assert not (tmp_path / "x.docx").exists() and not (tmp_path / "x.csv").exists()


def test_generate_then_report_as_pdf(
    demo_engine: Engine, url_of: Callable[[Engine], str], tmp_path: Path
) -> None:
    db = url_of(demo_engine)
    assert "Wygenerowano wpisów: 25" in rejon(
        "generate", KRASNIK_2024[:8], "--seed", "3", "--count", "25", "--db", db
    )
    pdf = tmp_path / "raport.pdf"
    rejon(  # as of the first day: a page or two, no charts to draw
        "report", KRASNIK_2024, "--format", "pdf", "-o", str(pdf), "--date", "2024-07-01",
        "--db", db,
    )  # fmt: skip
    assert pdf.read_bytes().startswith(b"%PDF")
    with Session(demo_engine) as session:
        assert plan_progress(session, KRASNIK_2024).entries == 25
