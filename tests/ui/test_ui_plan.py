"""Plan: the five sections, actions with windows and status, progress that follows the log."""

import re

import flet_charts as fch
from conftest import CHECK_ACTION, DAY, LUBARTOW_PLAN, OFFICER, SUPERVISOR, geo_fakes

from app.core.demo import demo_plans
from app.core.model import Officer
from app.core.store.db import session_scope
from app.device.ui import services


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


def done_count(text: str) -> int:
    """'Wykonano 123 z 141 do dziś' → 123."""
    return int(re.match(r"Wykonano (\d+) z ", text).group(1))


async def test_progress_changes_after_logging(app):
    await app.go("/plan")
    before = app.get(f"action-progress-{CHECK_ACTION}").value
    value_before = app.get("progress-value").value
    [chart] = app.find(type=fch.LineChart)
    line_before = chart.data_series[0].points[-1].y
    [bars] = app.find(type=fch.BarChart)
    bars_before = sum(group.rods[0].to_y for group in bars.groups)
    await app.go("/")
    await app.click(f"log-{CHECK_ACTION}")
    await app.click("count-offences-plus")
    await app.click("save")
    await app.go("/plan")
    after = app.get(f"action-progress-{CHECK_ACTION}").value
    assert before != after
    assert done_count(after) == done_count(before) + 1  # the demo's history, and today's check
    assert app.get("progress-value").value != value_before
    [chart] = app.find(type=fch.LineChart)
    assert chart.data_series[0].points[-1].y == line_before + 1  # one offence more
    [bars] = app.find(type=fch.BarChart)  # entries per week by kind
    assert sum(group.rods[0].to_y for group in bars.groups) == bars_before + 1
    assert "Kontrola miejsca" in app.text(app.get("weekly-card"))


async def test_the_big_figure_holds_the_limit_the_summary_states(app):
    """'19 / 26,5' beside '… najwyżej 26,5)': never a rounded limit disagreeing with the text."""
    await app.go("/plan")
    limit = app.get("progress-value").value.split(" / ")[1]
    assert f"najwyżej {limit})" in app.get("progress-summary").value


async def test_choosing_another_plan(app):
    """The picker lists every plan, each title in at most two lines ending in an ellipsis,
    the whole title in its tooltip; choosing one opens it."""
    import flet as ft

    await app.go("/plan")
    await app.click("plan-choice")
    await app.click("plan-choice-cancel")
    assert not any(isinstance(d, ft.AlertDialog) and d.open for d in app.dialogs())
    assert app.page.route == "/plan", "cancelling leaves the plan as it was"
    await app.click("plan-choice")
    [dialog] = [d for d in app.dialogs() if isinstance(d, ft.AlertDialog) and d.open]
    tiles = app.find(type=ft.ListTile, root=dialog)
    assert len(tiles) == len([p for p in demo_plans(DAY) if p.officer_id == OFFICER])
    for tile in tiles:
        assert (tile.title.max_lines, tile.title.overflow) == (2, ft.TextOverflow.ELLIPSIS)
        assert tile.tooltip == tile.title.value and tile.min_height >= 48
    assert [t.selected for t in tiles].count(True) == 1
    closed = next(t for t in tiles if not t.selected)
    await app.click(closed)
    assert not dialog.open
    plan_id = getattr(closed.key, "value", closed.key).removeprefix("plan-option-")
    assert app.page.route == f"/plan?id={plan_id}"
    assert app.get("plan-status").content.value == "Zakończony"


async def test_report_and_export_are_saved_as_files(app_factory):
    saved = []

    def save_file(_control, args):
        saved.append(args)
        return None

    handlers = {**geo_fakes(), "FilePicker.save_file": save_file}
    async with app_factory(geo=handlers) as app:
        await app.go("/plan")
        await app.click("file-docx")
        await app.click("file-csv")
    docx, csv = saved
    assert docx["file_name"].startswith("raport-") and docx["file_name"].endswith(".docx")
    assert bytes(docx["src_bytes"])[:2] == b"PK"  # a zip: the DOCX package
    assert csv["file_name"].endswith(".csv")
    assert bytes(csv["src_bytes"]).decode("utf-8-sig").startswith("Data i godzina;Rodzaj;")


async def test_in_english_the_files_and_their_toast_are_english(app_factory):
    """The report and the export follow the device's language (a handler's fresh context
    makes it current first), and so does the toast saying the file was saved."""
    saved = []

    def save_file(_control, args):
        saved.append(args)
        return None

    async with app_factory(geo={**geo_fakes(), "FilePicker.save_file": save_file}) as app:
        await app.go("/settings")
        await app.click("lang-en")
        await app.go("/plan")
        await app.click("file-csv")
        assert app.toast("file-saved").content.value.startswith("Saved: wpisy-")
        await app.click("file-docx")
    csv, docx = saved
    assert bytes(csv["src_bytes"]).decode("utf-8-sig").startswith("Date and time;Kind;")
    assert b"INFORMATION" in _docx_text(bytes(docx["src_bytes"]))


def _docx_text(data: bytes) -> bytes:
    import io

    import docx

    document = docx.Document(io.BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs).encode()


async def test_a_supervisor_sees_every_plan_of_the_unit(app_factory, ui_engine):
    async with app_factory(officer=SUPERVISOR) as sup:
        await sup.go("/plan")
        overview = sup.text(sup.get("unit-overview"))
        with session_scope(ui_engine) as session:
            rows = services.unit_overview_rows(ui_engine, session.get(Officer, SUPERVISOR), DAY)
        expected = {  # a current plan: its pace; a closed one: its result
            True: {"approved": "zgodnie z planem", "closed": "cel osiągnięty"},
            False: {"approved": "opóźnienie", "closed": "cel nieosiągnięty"},
        }
        for row in rows:
            flag = row.criterion.met if row.status == "closed" else row.criterion.on_track
            chip = sup.get(f"track-{row.plan_id}").content.value
            want = expected[flag][row.status] if flag is not None else "brak danych"
            assert chip == want, row.title
        assert {row.criterion.on_track for row in rows if row.status == "approved"} == {
            True,
            False,
        }
        assert "Plany jednostki" in overview
        nowak = [p for p in demo_plans(DAY) if p.officer_id == OFFICER]
        assert overview.count("Rejon nr 3 · st. asp. Tomasz Nowak") == len(nowak)
        assert "Rejon nr 2 · mł. asp. Katarzyna Maj" in overview  # the unit's other rejony
        assert "Wiśniewska" not in overview and "Kaczmarek" not in overview  # Kraśnik's
        await sup.click(f"open-{LUBARTOW_PLAN}")
        assert sup.page.route == f"/plan?id={LUBARTOW_PLAN}"


async def test_the_overview_shows_actions_behind_and_days_left_in_order_of_attention(
    app_factory, ui_engine
):
    from app.core.plans.progress import by_attention, days_left

    async with app_factory(officer=SUPERVISOR) as sup:
        await sup.go("/plan")
        with session_scope(ui_engine) as session:
            rows = services.unit_overview_rows(ui_engine, session.get(Officer, SUPERVISOR), DAY)
        assert any(row.lagging for row in rows), "the demo has actions behind"
        shown = [
            getattr(c.key, "value", c.key).removeprefix("track-")
            for c in sup.walk(sup.get("unit-overview"))
            if str(getattr(c.key, "value", c.key) or "").startswith("track-")
        ]
        assert shown == [row.plan_id for row in by_attention(rows, DAY)]
        for row in rows:
            detail = sup.get(f"overview-detail-{row.plan_id}").value
            left = days_left(row, DAY)
            assert (f"pozostało dni: {left}" in detail) == (left is not None)
            lags = sup.find(f"overview-lag-{row.plan_id}")
            assert bool(lags) == bool(row.lagging), row.title
            if row.lagging:
                text = sup.text(lags[0])
                assert f"Działania zaległe: {len(row.lagging)}" in text
                first = row.lagging[0]
                want = "termin minął" if first.overdue else f"brakuje: {first.missed}"
                assert f"• {first.text} — {want}" in text


async def test_an_officer_sees_no_unit_overview(app):
    await app.go("/plan")
    assert app.find("unit-overview") == []


async def test_the_officer_and_the_supervisor_enter_the_baseline_of_an_approved_plan(
    app_factory, ui_engine
):
    from sqlmodel import select

    from app.core.model import OutboxItem, Plan

    async with app_factory() as h:
        await h.go("/plan")
        assert "z wpisów poprzedniego planu" in h.get("baseline-line").value
        await h.click("baseline-edit")
        await h.type_into("baseline-value", "-3")
        await h.click("baseline-save")
        assert h.get("baseline-value").error == "Liczba nie może być ujemna"
        await h.type_into("baseline-value", "24")
        await h.click("baseline-save")
        assert h.toast("baseline-saved")
        line = h.get("baseline-line").value
        assert line.startswith("Wartość bazowa 24: wpisał(a) st. asp. Tomasz Nowak (100301), ")
        assert "Z wpisów poprzedniego planu:" in line
        assert "najwyżej 12" in h.get("progress-summary").value
    with session_scope(ui_engine) as session:
        plan = session.get(Plan, LUBARTOW_PLAN)
        assert (plan.criterion_baseline, plan.status) == (24, "approved")
        queued = session.exec(select(OutboxItem).where(OutboxItem.object_id == plan.id)).all()
        assert [item.object_type for item in queued] == ["plan"]  # sent with the next sync

    async with app_factory(officer=SUPERVISOR) as h:
        await h.go(f"/plan?id={LUBARTOW_PLAN}")
        await h.click("baseline-edit")
        await h.type_into("baseline-value", "30")
        await h.click("baseline-save")
        assert "kom. Piotr Zieliński (100300)" in h.get("baseline-line").value


async def test_the_supervisors_plan_tab_opens_on_what_needs_them(app_factory, ui_engine):
    from datetime import date

    from app.core.demo import AREA_IDS
    from app.core.model import PlanIn
    from app.core.plans import workflow

    with session_scope(ui_engine) as session:  # the officer submits next half-year's plan
        officer = session.get(Officer, OFFICER)
        plan = workflow.save_draft(
            session,
            officer,
            PlanIn(
                area_id=AREA_IDS["lubartow"],
                officer_id=OFFICER,
                title="Garaże przy ul. Lubelskiej",
                period_start=date(2027, 1, 1),
                period_end=date(2027, 6, 30),
                threat="Spożywanie alkoholu przy garażach",
                goal="Mniej interwencji",
            ),
        )
        workflow.submit(session, officer, plan.id)
        submitted = plan.id
    async with app_factory(officer=SUPERVISOR) as sup:
        await sup.go("/plan")
        page_text = sup.text()
        assert page_text.index("Plany jednostki") < page_text.index("1. Charakterystyka")
        overview = sup.text(sup.get("unit-overview"))
        assert sup.get(f"track-{submitted}").content.value == "czeka na Twoją decyzję"
        current = sup.get(f"overview-detail-{LUBARTOW_PLAN}").value
        assert "pozostało dni: 44" in current  # 18 Nov to 31 Dec 2026, both counted
        decide = overview.index("czeka na Twoją decyzję")
        closed = overview.index("Plany zakończone")
        assert overview.index("Garaże przy ul. Lubelskiej") < decide < closed, "the first row"
        for flag in ("opóźnienie", "zgodnie z planem"):
            assert decide < overview.index(flag) < closed, "current plans before the closed"
        assert "cel osiągnięty" in overview[closed:] or "cel nieosiągnięty" in overview[closed:]
        await sup.click("open-approvals")
        assert sup.page.route == "/approvals"
        assert sup.find(f"approve-{submitted}")
