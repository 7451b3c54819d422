"""The realization report as PDF (fpdf2), from the same content as the Word file.

Polish diacritics need a Unicode font embedded: DejaVu Sans as bundled with matplotlib,
which is installed wherever Rejon is, so the PDF looks the same on any machine.
"""

from io import BytesIO
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos
from fpdf.fonts import FontFace

from app.core.reports.report import Chart, ItemList, Paragraph, Report, Subheading, Table

FONT = "DejaVu"
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
"""Regular and bold only: each embedded face costs time to parse and subset."""
BODY_PT = 10.5
TABLE_PT = 8.5
LINE_MM = 5.2
MARGIN_MM = 20


class _ReportPDF(FPDF):
    """A4 with page numbers in the footer."""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.cell(0, 5, str(self.page_no()), align=Align.C)


def _new_pdf(title: str) -> _ReportPDF:
    pdf = _ReportPDF(format="A4", unit="mm")
    for style, name in FONT_FILES.items():
        pdf.add_font(FONT, style, str(FONT_DIR / name))
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_title(title)
    pdf.set_lang("pl")
    pdf.set_creator("Rejon")
    pdf.add_page()
    return pdf


def _text(pdf: FPDF, text: str, style: str = "", size: float = BODY_PT, **kwargs: object) -> None:
    pdf.set_font(FONT, style, size)
    pdf.multi_cell(
        0,
        LINE_MM,
        text,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
        **kwargs,  # type: ignore[arg-type]
    )


def _heading(pdf: FPDF, text: str, level: int) -> None:
    if pdf.will_page_break(LINE_MM * 4):
        pdf.add_page()
    pdf.ln(3 if level == 1 else 1.5)
    _text(pdf, text, "B", BODY_PT if level == 1 else BODY_PT - 0.5, align=Align.L)
    pdf.ln(1)


def _items(pdf: FPDF, block: ItemList) -> None:
    pdf.set_font(FONT, "", BODY_PT)
    indent = 6
    for number, item in enumerate(block.items, start=1):
        marker = f"{number})" if block.numbered else "-"
        pdf.cell(indent, LINE_MM, marker)
        pdf.multi_cell(0, LINE_MM, item, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _table(pdf: FPDF, block: Table) -> None:
    pdf.set_font(FONT, "", TABLE_PT)
    weights = block.widths or [1.0] * len(block.header)
    with pdf.table(
        col_widths=tuple(weights),
        width=pdf.epw,
        line_height=4.2,
        text_align="LEFT",
        headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230)),
        padding=1,
    ) as table:
        for values in [block.header, *block.rows]:
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.ln(2)


def _chart(pdf: FPDF, block: Chart) -> None:
    height = pdf.epw * 0.47
    if pdf.will_page_break(height + LINE_MM * 2):
        pdf.add_page()
    pdf.image(BytesIO(block.png), x=pdf.l_margin, w=pdf.epw)
    _text(pdf, block.title, "", TABLE_PT, align=Align.C)
    pdf.ln(2)


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes (for a file, or a download in the app)."""
    pdf = _new_pdf(" ".join(report.title))
    pdf.set_font(FONT, "", BODY_PT)
    pdf.cell(pdf.epw / 2, LINE_MM, report.unit)
    pdf.cell(pdf.epw / 2, LINE_MM, report.place_and_date, align=Align.R)
    pdf.ln(LINE_MM * 2.5)
    for number, line in enumerate(report.title):
        _text(pdf, line, "B", 14 if number == 0 else 12, align=Align.C)
    _text(pdf, report.status_line, "", align=Align.C)
    pdf.ln(2)
    for section in report.sections:
        _heading(pdf, section.heading, 1)
        for block in section.blocks:
            if isinstance(block, Subheading):
                _heading(pdf, block.text, 2)
            elif isinstance(block, Paragraph):
                style = "B" if block.bold else ""
                _text(pdf, block.text, style, align=Align.L if block.bold else Align.J)
                pdf.ln(1)
            elif isinstance(block, ItemList):
                _items(pdf, block)
            elif isinstance(block, Table):
                _table(pdf, block)
            elif isinstance(block, Chart):
                _chart(pdf, block)
    pdf.ln(LINE_MM * 2)
    for line in report.signature:
        _text(pdf, line, align=Align.R)
    return bytes(pdf.output())
