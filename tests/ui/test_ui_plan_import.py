"""Plan → 'Importuj z pliku' in the app: the picked document opens in the editor as a draft
with the importer's warnings beside the fields; several plans in one file each become their own
draft; an unreadable file gets a Polish reason and stores nothing."""

from __future__ import annotations

import io

import flet as ft
from conftest import OFFICER, SUPERVISOR
from fpdf import FPDF

from app.core.model import PlanStatus
from app.core.store.db import session_scope
from app.core.store.plans import list_plans, read_plan

LUBARTOW_PLAN = """Plan działania priorytetowego
dla rejonu służbowego nr 3
na okres od 01.07.2026 do 31.12.2026 r.
1. Charakterystyka zdiagnozowanego zagrożenia
Zaśmiecanie skweru przy ul. Szkolnej w Lubartowie i spożywanie tam alkoholu. Zagrożenie zdiagnozowano na podstawie zgłoszeń KMZB.
2. Zakładany cel do osiągnięcia
Czysty i spokojny skwer. Zmniejszenie ilości zgłoszeń na KMZB oraz interwencji (obecnie 5 KMZB i 3 interwencje) o 40%.
3. Proponowane działania wraz z terminami
- kontrole skweru w godz. 18:00–22:00 – lipiec – grudzień 2026
- rozmowy z mieszkańcami ul. Szkolnej
4. Podmioty współpracujące
- Straż Miejska – wspólne kontrole
5. Sposób przekazania informacji społeczności
- strona internetowa komendy
"""


def picker(h) -> ft.FilePicker:
    (found,) = h.find(type=ft.FilePicker)
    return found


async def pick(h, name: str, data: bytes) -> None:
    """What the client sends when the officer picked a file (with_data: its bytes come along)."""
    files = [{"id": 1, "name": name, "size": len(data), "bytes": data}]
    await h.trigger(picker(h), "result", {"files": files})


def notes(h, key: str) -> str:
    return h.text(h.get(key))


def stored_titles(engine) -> list[str]:
    with session_scope(engine) as session:
        return [p.title for p in list_plans(session)]


async def test_the_button_opens_the_file_dialog_within_the_tap(app):
    await app.go("/plan")
    button = app.get("import-plan")
    assert button.content.value == "Importuj z pliku"
    action = button.action
    assert isinstance(action, ft.PickFiles) and action.file_picker is picker(app)
    assert action.with_data
    assert action.allowed_extensions == ["txt", "docx", "odt", "pdf"]


async def test_a_picked_plan_opens_in_the_editor_with_warnings_and_is_submitted(app, ui_engine):
    await app.go("/plan")
    before = stored_titles(ui_engine)
    await pick(app, "plan_skwer.txt", LUBARTOW_PLAN.encode("cp1250"))
    assert app.page.route == "/plan/edit?imported=1"
    assert "Odczytano z dokumentu" in app.get("import-banner").value
    assert (app.get("plan-start").value, app.get("plan-end").value) == ("01.07.2026", "31.12.2026")
    assert app.get("plan-threat").value.startswith("Zaśmiecanie skweru")
    assert app.get("plan-criterion-kind").value == "reduce_by_percent"
    assert (app.get("plan-target").value, app.get("plan-baseline").value) == ("40", "8")
    assert app.get("measure-kmzb_reports").value and app.get("measure-interventions").value
    assert (app.get("action-1-from").value, app.get("action-1-to").value) == ("18:00", "22:00")
    assert "Nie rozpoznano jednostki Policji" in notes(app, "warn-area")
    assert "Działanie 2: brak terminu — przyjęto cały okres planu" in notes(app, "warn-action-2")
    assert not app.find("warn-action-1") and not app.find("warn-threat")
    assert stored_titles(ui_engine) == before, "nothing is stored before the officer saves"

    await app.type_into("plan-title-field", "Skwer przy ul. Szkolnej")
    await app.type_into("action-2-text", "Rozmowy z mieszkańcami ul. Szkolnej 2 razy w miesiącu")
    await app.type_into("action-2-freq-times", "2")
    await app.select("action-2-freq-per", "month")
    await app.click("save-submit-plan")
    with session_scope(ui_engine) as session:
        [plan] = [p for p in list_plans(session) if p.title == "Skwer przy ul. Szkolnej"]
        doc = read_plan(session, plan.id)
    assert doc.plan.status == PlanStatus.submitted
    assert (doc.plan.criterion_target, doc.plan.criterion_baseline) == (40, 8)
    assert [(a.freq_times, a.freq_per) for a in doc.actions] == [(None, None), (2, "month")]
    assert [p.name for p in doc.partners] == ["Straż Miejska"]
    assert app.page.route == f"/plan?id={plan.id}"
    assert not app.find("imported-card"), "a saved document is not offered again"


async def test_several_plans_in_one_file_each_become_a_draft(app, ui_engine):
    second = LUBARTOW_PLAN.replace("01.07.2026 do 31.12.2026", "01.01.2027 do 30.06.2027")
    second = second.replace("lipiec – grudzień 2026", "styczeń – czerwiec 2027")
    await app.go("/plan")
    await pick(app, "dwa_plany.txt", (LUBARTOW_PLAN + "\n" + second).encode())
    assert app.page.route == "/plan"
    assert "Dokument zawiera więcej niż jeden plan (2)" in app.toast("import-several").content.value
    card = app.text(app.get("imported-card"))
    assert "Zaimportowano z pliku dwa_plany.txt" in card
    assert "Plan 2 z 2: Rejon nr 3 · 1 sty 2027 – 30 cze 2027" in card

    await app.click("import-open-2")
    assert app.get("plan-start").value == "01.01.2027"
    await app.type_into("plan-title-field", "Skwer, I półrocze 2027")
    await app.click("save-plan")
    assert "Zapisano jako projekt." in app.text(app.get("imported-card"))
    assert app.find("import-open-1") and not app.find("import-open-2")

    await app.click("import-open-1")
    assert app.get("plan-start").value == "01.07.2026"
    await app.type_into("plan-title-field", "Skwer, II półrocze 2026")
    await app.click("save-plan")
    assert not app.find("imported-card")
    titles = stored_titles(ui_engine)
    assert "Skwer, I półrocze 2027" in titles and "Skwer, II półrocze 2026" in titles


async def test_an_area_that_is_not_the_officers_is_flagged(app):
    await app.go("/plan")
    await pick(app, "obcy.txt", LUBARTOW_PLAN.replace("nr 3", "nr 9").encode())
    assert "Dokument podaje rejon nr 9, który nie jest Twoim rejonem" in notes(app, "warn-area")


def scanned_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 170, 250, style="F")
    buffer = io.BytesIO()
    pdf.output(buffer)
    return buffer.getvalue()


async def test_a_scan_or_a_broken_file_is_refused_in_polish(app, ui_engine):
    await app.go("/plan")
    before = stored_titles(ui_engine)
    await pick(app, "skan.pdf", scanned_pdf())
    error = app.toast("error")
    assert error.content.value == (
        "Nie zaimportowano: Plik PDF skan.pdf nie ma warstwy tekstowej (wygląda na skan) — "
        "zapisz plan jako .docx, .odt lub .txt albo wpisz go w edytorze planu"
    )
    assert app.page.route == "/plan"
    await pick(app, "plan.docx", b"not a zip")
    assert "nie jest poprawnym dokumentem .docx" in app.toast("error").content.value
    await pick(app, "pusty.txt", b"")
    assert "dotarł pusty" in app.toast("error").content.value
    assert stored_titles(ui_engine) == before
    app.assert_no_crash()


async def test_a_cancelled_dialog_changes_nothing(app):
    await app.go("/plan")
    await app.trigger(picker(app), "result", {"files": []})
    assert app.page.route == "/plan" and not app.find("imported-card")


def test_a_picked_document_is_only_ever_its_officers(ui_engine):
    from app.core.model import Officer
    from app.device.ui.plan_import import current_import
    from app.device.ui.services import import_document
    from app.device.ui.state import AppState

    with session_scope(ui_engine) as session:
        officer = session.get(Officer, OFFICER)
        supervisor = session.get(Officer, SUPERVISOR)
    state = AppState(engine=ui_engine, device_id="d", officer=officer)
    state.imported = import_document(officer, "plan.txt", LUBARTOW_PLAN.encode())
    assert current_import(state) is state.imported
    state.officer = supervisor
    assert current_import(state) is None
    state.officer = None
    assert current_import(state) is None


async def test_in_english_the_import_and_its_warnings_are_english(app_factory, ui_engine):
    from app.core.store.settings import set_setting
    from app.device.ui import state as keys

    with session_scope(ui_engine) as session:
        set_setting(session, keys.SETTING_LANGUAGE, "en")
    async with app_factory() as h:
        await h.go("/plan")
        assert h.get("import-plan").content.value == "Import from a file"
        await pick(h, "plan.txt", LUBARTOW_PLAN.encode())
        assert h.get("import-banner").value.startswith("Read from a document")
        assert notes(h, "warn-area") == "The police unit was not recognised"
        assert notes(h, "warn-action-2") == (
            "Action 2: no date — the whole period of the plan assumed"
        )


async def test_an_imported_plan_approved_by_the_supervisor_is_on_today(app, app_factory, ui_engine):
    await app.go("/plan")
    await pick(app, "plan_skwer.txt", LUBARTOW_PLAN.encode())
    await app.type_into("plan-title-field", "Skwer przy ul. Szkolnej")
    await app.click("save-submit-plan")
    with session_scope(ui_engine) as session:
        [plan] = [p for p in list_plans(session) if p.title == "Skwer przy ul. Szkolnej"]
    async with app_factory(officer=SUPERVISOR) as sup:
        await sup.go("/plan")
        await sup.click("open-approvals")
        await sup.click(f"approve-{plan.id}")
    await app.go("/")
    assert "kontrole skweru w godz. 18:00–22:00 – lipiec – grudzień 2026" in app.text()
