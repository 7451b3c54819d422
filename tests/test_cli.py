"""The command line as a user types it."""

from pathlib import Path

from typer.testing import CliRunner

from app.cli.main import cli
from app.core.demo import demo_plans

runner = CliRunner()


def test_help_lists_the_commands() -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "demo" in result.output and "plan" in result.output


def test_demo_then_list_and_show(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    assert "No plans" in runner.invoke(cli, ["plan", "list", "--db", db]).output
    loaded = runner.invoke(cli, ["demo", "--db", db])
    assert loaded.exit_code == 0, loaded.output
    plans = len(demo_plans())
    assert f"{plans} plans" in loaded.output
    listed = runner.invoke(cli, ["plan", "list", "--db", db])
    lines = listed.output.strip().splitlines()
    assert len(lines) == plans and any("Nivea" in line for line in lines)
    nivea = next(line for line in lines if "Nivea" in line and "2024-01-01" in line)
    shown = runner.invoke(cli, ["plan", "show", nivea.split()[0], "--db", db])
    assert shown.exit_code == 0, shown.output
    for heading in (
        "1. Charakterystyka zdiagnozowanego zagrożenia",
        "2. Zakładany cel do osiągnięcia",
        "3. Proponowane działania",
        "4. Podmioty współpracujące",
        "5. Sposób przekazania społeczności rejonu informacji",
    ):
        assert heading in shown.output
    assert "godz. 07:00–22:00" in shown.output
    assert "Spółdzielnia Mieszkaniowa w Lubartowie" in shown.output


def test_an_unknown_plan_is_an_error(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    result = runner.invoke(cli, ["plan", "show", "zzzzzz", "--db", db])
    assert result.exit_code == 1
    assert "0 plans match" in result.output
