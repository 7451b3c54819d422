"""Plan: the five sections, actions with windows and status, progress that follows the log."""

import flet_charts as fch
from conftest import CHECK_ACTION, LUBARTOW_PLAN


async def test_plan_shows_the_five_sections_and_actions(app):
    await app.go("/plan")
    text = app.text()
    for heading in (
        "1. Charakterystyka zdiagnozowanego zagrożenia",
        "2. Zakładany cel do osiągnięcia",
        "3. Proponowane działania wraz z terminami realizacji",
        "4. Podmioty współpracujące i ich zadania",
        "5. Sposób przekazania społeczności rejonu informacji",
    ):
        assert heading in text
    assert "1. Kontrole placu zabaw Nivea w godzinach 7:00–22:00" in text
    assert "godz. 07:00–22:00" in text
    assert "Spółdzielnia Mieszkaniowa w Lubartowie" in text
    assert app.get("plan-status").content.value == "Zatwierdzony"
    assert app.find(type=fch.LineChart), "a chart of cumulative progress"


async def test_progress_changes_after_logging(app):
    await app.go("/plan")
    before = app.get(f"action-progress-{CHECK_ACTION}").value
    value_before = app.get("progress-value").value
    await app.go("/")
    await app.click(f"log-{CHECK_ACTION}")
    await app.click("count-offences-plus")
    await app.click("save")
    await app.go("/plan")
    after = app.get(f"action-progress-{CHECK_ACTION}").value
    assert before != after
    assert before.startswith("Wykonano 0 z ") and after.startswith("Wykonano 1 z ")
    assert app.get("progress-value").value != value_before
    [chart] = app.find(type=fch.LineChart)
    assert chart.data_series[0].points[-1].y == 1


async def test_choosing_another_plan(app):
    await app.go("/plan")
    choice = app.get("plan-choice")
    closed = next(o.key for o in choice.options if o.key != LUBARTOW_PLAN)
    await app.select(choice, closed)
    assert app.page.route == f"/plan?id={closed}"
    assert app.get("plan-status").content.value == "Zakończony"
