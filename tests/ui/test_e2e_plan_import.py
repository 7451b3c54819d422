"""The import journey in real Chromium (Playwright, 412×915, `rejon run` on a free port):
Plan → 'Importuj z pliku' → the browser's file chooser → a PDF with a text layer → the draft
in the plan editor with the importer's warnings beside the fields → corrected → submitted.
A scanned PDF is refused with a Polish reason first. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import matplotlib
import pytest
from browser_support import type_into
from fpdf import FPDF
from playwright.sync_api import Browser, Locator, Page, expect
from test_e2e_browser import TIMEOUT, app_url, browser, open_app, shot, shown

__all__ = ["app_url", "browser"]  # the fixtures, shared with the other browser tests
pytestmark = pytest.mark.e2e

FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
PLAN = """Komenda Powiatowa Policji w Lubartowie
Plan działania priorytetowego dla rejonu służbowego nr 3
na okres od 01.07.2026 do 31.12.2026 r.
1. Charakterystyka zdiagnozowanego zagrożenia
Zaśmiecanie skweru przy ul. Szkolnej i spożywanie tam alkoholu przez młodzież. Zagrożenie zdiagnozowano na podstawie zgłoszeń KMZB.
2. Zakładany cel do osiągnięcia
Czysty i spokojny skwer. Zmniejszenie ilości zgłoszeń na KMZB oraz interwencji (obecnie 5 KMZB i 3 interwencje) o 40%.
3. Proponowane działania wraz z terminami
- kontrole skweru w godz. 18:00–22:00 – lipiec – grudzień 2026
- rozmowy z mieszkańcami ul. Szkolnej
4. Podmioty współpracujące
- Straż Miejska – wspólne kontrole
5. Sposób przekazania informacji społeczności
- strona internetowa KPP w Lubartowie
"""


def pdf_of(text: str | None, path: Path) -> Path:
    """A PDF with the text as its text layer (None: a 'scan', a page with no text at all)."""
    pdf = FPDF()
    pdf.add_page()
    if text is None:
        pdf.rect(20, 20, 170, 250, style="F")
    else:
        pdf.add_font("DejaVu", "", str(FONT))
        pdf.set_font("DejaVu", "", 11)
        for line in text.splitlines():
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def choose_file(page: Page, path: Path) -> None:
    """Tap 'Importuj z pliku' and pick ``path`` in the browser's own file chooser."""
    with page.expect_file_chooser(timeout=TIMEOUT) as chooser:
        page.get_by_role("button", name="Importuj z pliku").click()
    chooser.value.set_files(str(path))


def scroll_to(page: Page, target: Locator, tries: int = 40) -> None:
    """Scroll the screen (Flutter draws it: the wheel, not the DOM) until ``target`` is shown."""
    expect(target.first).to_be_attached(timeout=TIMEOUT)
    for _ in range(tries):
        box = target.first.bounding_box()
        if box is not None and box["y"] > 60 and box["y"] + box["height"] <= 915:
            return
        page.mouse.move(200, 500)
        page.mouse.wheel(0, -400 if box is not None and box["y"] <= 60 else 400)
        page.wait_for_timeout(250)
    raise AssertionError(f"{target} never came into view")


def test_import_a_pdf_plan_correct_it_and_submit(
    browser: Browser, app_url: str, tmp_path: Path
) -> None:
    page = open_app(browser, app_url)
    page.get_by_role("tab", name="Plan").click()
    expect(page.get_by_role("button", name="Importuj z pliku")).to_be_attached(timeout=TIMEOUT)
    shot(page, "import_1_plan_tab")

    choose_file(page, pdf_of(None, tmp_path / "skan.pdf"))
    shown(page, re.compile("Nie zaimportowano: Plik PDF skan.pdf nie ma warstwy tekstowej"))
    shot(page, "import_2_scan_refused")

    without_unit = PLAN.split("\n", 1)[1].replace("KPP w Lubartowie", "komendy")
    choose_file(page, pdf_of(without_unit, tmp_path / "plan.pdf"))
    shown(page, re.compile("^Odczytano z dokumentu"))
    expect(page.get_by_text(re.compile("Nie rozpoznano jednostki Policji"))).to_be_attached(
        timeout=TIMEOUT
    )
    expect(page.get_by_label("Zagrożenie")).to_be_attached()
    shot(page, "import_3_editor_with_warnings")

    type_into(page, "Tytuł", "Skwer przy ul. Szkolnej")  # replaces the document's own title
    warning = page.get_by_text(re.compile("Działanie 2: brak terminu — przyjęto cały okres planu"))
    scroll_to(page, warning)
    shot(page, "import_4_action_warning")
    submit = page.get_by_role("button", name="Zapisz i przekaż do zatwierdzenia")
    scroll_to(page, submit)
    submit.click()
    shown(page, "Przekazano do zatwierdzenia.")
    expect(page.get_by_text("Przekazany do zatwierdzenia").first).to_be_attached(timeout=TIMEOUT)
    expect(page.get_by_text("Skwer przy ul. Szkolnej").first).to_be_attached()
    shot(page, "import_5_submitted")
    page.context.close()


def docx_of(text: str, path: Path) -> Path:
    """A Word document, dash lines as Word bullets."""
    document = docx.Document()
    for line in text.splitlines():
        if line.startswith("- "):
            document.add_paragraph(line[2:], style="List Bullet")
        else:
            document.add_paragraph(line)
    document.save(str(path))
    return path


def test_a_docx_with_two_plans_gives_two_drafts(
    browser: Browser, app_url: str, tmp_path: Path
) -> None:
    second = PLAN.replace("01.07.2026 do 31.12.2026", "01.01.2027 do 30.06.2027").replace(
        "lipiec – grudzień 2026", "styczeń – czerwiec 2027"
    )
    page = open_app(browser, app_url)
    page.get_by_role("tab", name="Plan").click()
    choose_file(page, docx_of(PLAN + "\n" + second, tmp_path / "dwa_polrocza.docx"))
    shown(page, re.compile("Dokument zawiera więcej niż jeden plan \\(2\\)"))
    expect(page.get_by_text(re.compile("Zaimportowano z pliku dwa_polrocza.docx"))).to_be_attached(
        timeout=TIMEOUT
    )
    shot(page, "import_6_two_plans")
    page.get_by_role("button", name="Otwórz plan 2 w edytorze").click()
    shown(page, re.compile("^Odczytano z dokumentu"))
    save = page.get_by_role("button", name="Zapisz szkic")
    scroll_to(page, save)
    save.click()
    shown(page, "Szkic zapisany.")
    expect(page.get_by_text(re.compile("Zapisano jako projekt"))).to_be_attached(timeout=TIMEOUT)
    expect(page.get_by_role("button", name="Otwórz plan 1 w edytorze")).to_be_attached()
    assert page.get_by_role("button", name="Otwórz plan 2 w edytorze").count() == 0
    shot(page, "import_7_one_saved")
    page.context.close()
