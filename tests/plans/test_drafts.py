"""Imported documents become draft plans tied to the store's areas — or nothing is stored."""

import json
from datetime import date, time
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from app.cli.main import cli
from app.core.model import Plan
from app.core.plans.drafts import DraftError, save_draft, save_drafts
from app.core.plans.importer import import_file, parse_plan, parse_plans
from app.core.store.plans import read_plan
from plans.samples import KRASNIK_NAME, LUBARTOW_NAME, sample


def plan_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Plan)).one()


def test_the_lubartow_document_becomes_a_draft(demo_engine: Engine) -> None:
    with Session(demo_engine) as s:
        plan = save_draft(s, import_file(sample(LUBARTOW_NAME)))
        s.commit()
        doc = read_plan(s, plan.id)
    assert doc.plan.status == "draft"
    assert (doc.plan.period_start, doc.plan.period_end) == (date(2024, 1, 1), date(2024, 6, 30))
    assert doc.plan.criterion_kind == "reduce_by_percent" and doc.plan.criterion_target == 50
    check, request, talks = doc.actions
    assert (check.kind, check.start_date, check.end_date) == ("place_check", None, None)
    assert (check.time_from, check.time_to) == (time(7), time(22))
    assert (request.kind, request.start_date, request.end_date) == (
        "request_letter",
        date(2024, 3, 1),
        date(2024, 6, 30),
    )
    assert talks.kind == "talk"
    assert [p.name for p in doc.partners] == ["Spółdzielnia Mieszkaniowa w Lubartowie"]
    assert len(doc.channels) == 2


def test_the_krasnik_document_becomes_a_draft(demo_engine: Engine) -> None:
    with Session(demo_engine) as s:
        plan = save_draft(s, import_file(sample(KRASNIK_NAME)), officer_badge="200301")
        s.commit()
        doc = read_plan(s, plan.id)
    assert doc.plan.criterion_kind == "at_least" and doc.plan.criterion_measures == [
        "residents_spoken"
    ]
    deadlines = [a for a in doc.actions if a.deadline]
    assert len(deadlines) == 4 and {a.end_date for a in deadlines} == {date(2024, 12, 31)}
    patrols = doc.actions[1]
    assert (patrols.kind, patrols.start_date, patrols.end_date) == ("foot_patrol", None, None)
    assert len(doc.partners) == 5 and len(doc.channels) == 3


def test_an_incomplete_document_stores_nothing(demo_engine: Engine) -> None:
    with Session(demo_engine) as s:
        before = plan_count(s)
        with pytest.raises(DraftError, match="brak"):
            save_draft(s, parse_plan("Notatka służbowa bez planu."))
        s.rollback()
        assert plan_count(s) == before


def test_an_area_that_is_not_in_the_store_is_refused(engine: Engine) -> None:
    with Session(engine) as s, pytest.raises(DraftError, match="nie ma rejonu nr 3"):
        save_draft(s, import_file(sample(LUBARTOW_NAME)))


def test_cli_import_json_and_save(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'import.db'}"
    runner = CliRunner()
    printed = runner.invoke(cli, ["plan", "import", str(sample(KRASNIK_NAME)), "--json"])
    assert printed.exit_code == 0, printed.output
    data = json.loads(printed.stdout)
    assert set(data) >= {
        "area",
        "unit",
        "period_start",
        "period_end",
        "threat",
        "goal",
        "criterion",
        "actions",
        "partners",
        "channels",
        "warnings",
    }
    assert data["criterion"] == {
        "kind": "at_least",
        "measure": ["residents_spoken"],
        "target": 80,
        "baseline": None,
        "text": data["criterion"]["text"],
    }
    refused = runner.invoke(
        cli, ["plan", "import", str(sample(KRASNIK_NAME)), "--save", "--db", db]
    )
    assert refused.exit_code == 1 and "nie ma rejonu nr 3" in refused.output
    runner.invoke(cli, ["demo", "--db", db])
    saved = runner.invoke(cli, ["plan", "import", str(sample(KRASNIK_NAME)), "--save", "--db", db])
    assert saved.exit_code == 0 and "Zapisano projekt planu" in saved.output
    listed = runner.invoke(cli, ["plan", "list", "--db", db]).output
    assert "draft" in listed and "(z dokumentu)" in listed


def test_cli_import_of_an_unreadable_file(tmp_path: Path) -> None:
    bad = tmp_path / "plan.pdf"
    bad.write_bytes(b"%PDF-1.4")
    result = CliRunner().invoke(cli, ["plan", "import", str(bad)])
    assert result.exit_code == 1
    assert result.output.strip() == "Plik plan.pdf nie jest poprawnym dokumentem PDF"
    missing = CliRunner().invoke(cli, ["plan", "import", str(tmp_path / "brak.odt")])
    assert missing.exit_code == 1 and "Nie można odczytać pliku brak.odt" in missing.output


TWO_HALF_YEARS = """Komenda Powiatowa Policji w Lubartowie
Plan działania priorytetowego dla rejonu służbowego nr 3
na I półrocze 2027 r.
1. Charakterystyka zagrożenia:
Zaśmiecanie placu przy ul. Lipowej.
2. Zakładany cel:
Czysty plac. Kryterium oceny: co najmniej 20 pouczeń.
3. Proponowane działania:
- kontrole placu – przez cały okres realizacji planu

Komenda Powiatowa Policji w Lubartowie
Plan działania priorytetowego dla rejonu służbowego nr 3
na II półrocze 2027 r.
1. Charakterystyka zagrożenia:
Parkowanie na trawnikach przy ul. Lipowej.
2. Zakładany cel:
Uporządkowanie parkowania.
3. Proponowane działania:
{actions}
"""


def test_each_plan_of_a_document_becomes_its_own_draft(demo_engine: Engine) -> None:
    plans = parse_plans(TWO_HALF_YEARS.format(actions="- obchody – lipiec – grudzień 2027"))
    with Session(demo_engine) as s:
        before = plan_count(s)
        saved = save_drafts(s, plans)
        s.commit()
        assert plan_count(s) == before + 2
        periods = [(p.period_start, p.period_end) for p in saved]
    assert periods == [
        (date(2027, 1, 1), date(2027, 6, 30)),
        (date(2027, 7, 1), date(2027, 12, 31)),
    ]


def test_one_bad_plan_of_a_document_stores_none_of_them(demo_engine: Engine) -> None:
    plans = parse_plans(TWO_HALF_YEARS.format(actions=""))
    with Session(demo_engine) as s:
        before = plan_count(s)
        with pytest.raises(DraftError, match="plan 2 z 2: dokument nie zawiera pełnego planu"):
            save_drafts(s, plans)
        s.rollback()
        assert plan_count(s) == before
