"""``rejon today`` and ``rejon plan ical`` as an officer types them (SQLite)."""

from pathlib import Path

import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from app.cli.main import cli
from app.core.demo import load_demo
from app.core.model import EntryKind
from app.core.store.db import open_store, session_scope
from tests.schedule.conftest import CHECK, LUBARTOW, TODAY, at, log

runner = CliRunner()
WEDNESDAY = TODAY.replace(day=12)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store with the 2025 demo plans (no history) and one check done on Wednesday 12 March
    2025."""
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'rejon.db'}"
    engine = open_store(url)
    with session_scope(engine) as session:
        load_demo(session, today=TODAY, history=False)
    with session_scope(engine) as session:
        log(session, EntryKind.place_check, at(WEDNESDAY, 10), plan_id=LUBARTOW, action_id=CHECK)
    engine.dispose()
    return url


def today(db: str, *args: str):
    return runner.invoke(cli, ["today", "--db", db, *args])


def test_today_for_an_officer(db: str) -> None:
    result = today(db, "--date", "2025-03-12", "--officer", "100301")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Zadania — środa, 12 marca 2025:"
    assert "Plac zabaw Nivea — grupowanie się młodzieży i spożywanie alkoholu" in lines
    tasks = [line for line in lines if line.startswith("  ")]
    assert len(tasks) == 3
    assert tasks[0].startswith("  termin 30 cze 2025  Wniosek / pismo: Wniosek o dyslokację")
    assert tasks[0].endswith("[do zrobienia]")
    assert tasks[1] == (
        "  cały dzień          Rozmowa z mieszkańcami: Rozmowy profilaktyczne z mieszkańcami "
        "rejonu  [0 z 2 w tym tygodniu]"
    )
    # done last
    assert tasks[2].startswith("  07:00–22:00         Kontrola miejsca: Kontrole placu zabaw")
    assert tasks[2].endswith("[zrobione]")
    assert "Oszustwa" not in result.output


def test_today_for_everyone_and_a_missed_day(db: str) -> None:
    result = today(db, "--date", "2025-03-13")
    assert result.exit_code == 0, result.output
    assert "Oszustwa na szkodę seniorów" in result.output
    assert "[0 z 3 w tym tygodniu]" in result.output  # Kraśnik's patrols
    # Thursday is over and nobody checked the playground
    check = next(line for line in result.output.splitlines() if "Kontrola miejsca" in line)
    assert check.endswith("[zaległe]")


def test_no_tasks_and_bad_input(db: str) -> None:
    quiet = today(db, "--date", "2025-12-01")
    assert quiet.exit_code == 0 and "Brak zadań na poniedziałek, 1 grudnia 2025." in quiet.output
    bad_date = today(db, "--date", "12.03.2025")
    assert bad_date.exit_code == 2 and "To nie jest data: 12.03.2025" in bad_date.output
    nobody = today(db, "--officer", "123456")
    assert nobody.exit_code == 1 and "Brak funkcjonariusza o numerze legitymacji 123456" in (
        nobody.output
    )


def test_plan_ical(db: str, tmp_path: Path) -> None:
    target = tmp_path / "plan.ics"
    result = runner.invoke(cli, ["plan", "ical", LUBARTOW[:8], "-o", str(target), "--db", db])
    assert result.exit_code == 0, result.output
    assert f"Zapisano kalendarz: {target} (wydarzeń: 3)." in result.output
    calendar = Calendar.from_ical(target.read_bytes())
    assert len(calendar.walk("VEVENT")) == 3
    missing = runner.invoke(cli, ["plan", "ical", "zzzz", "-o", str(target), "--db", db])
    assert missing.exit_code == 1 and "0 plans match 'zzzz'" in missing.output
    unwritable = runner.invoke(
        cli, ["plan", "ical", LUBARTOW, "-o", str(tmp_path / "no" / "dir.ics"), "--db", db]
    )
    assert unwritable.exit_code == 1 and "Nie można zapisać" in unwritable.output


def test_help_lists_the_commands() -> None:
    assert "today" in runner.invoke(cli, ["--help"]).output
    assert "ical" in runner.invoke(cli, ["plan", "--help"]).output
