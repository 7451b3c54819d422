"""The realization report as a Word document (python-docx), laid out like the samples.

Times New Roman 12 pt, the centred four-line title, numbered section headings (Word's
heading styles, so the navigation pane and screen readers see them), justified text.
"""

from io import BytesIO

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from app.core.reports.report import Chart, ItemList, Paragraph, Report, Subheading, Table

FONT = "Times New Roman"
BODY_PT = 12
TABLE_PT = 10
CONTENT_WIDTH_CM = 16.5


def _set_font(style: object, size: int, bold: bool | None = None, italic: bool = False) -> None:
    font = style.font  # type: ignore[attr-defined]
    font.name, font.size, font.color.rgb = FONT, Pt(size), RGBColor(0, 0, 0)
    font.bold, font.italic = bold, italic
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()  # type: ignore[attr-defined]
    fonts.set(qn("w:eastAsia"), FONT)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)  # a theme font would override the named one


def _styles(document: DocxDocument) -> None:
    _set_font(document.styles["Normal"], BODY_PT)
    for name, italic in (("Heading 1", False), ("Heading 2", True)):
        style = document.styles[name]
        _set_font(style, BODY_PT, bold=True, italic=italic)
        style.paragraph_format.space_before = Pt(10 if name == "Heading 1" else 6)
        style.paragraph_format.space_after = Pt(4)
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.25)
    section.top_margin = section.bottom_margin = Cm(2.0)


def _page_number(paragraph: DocxParagraph) -> None:
    """A PAGE field, so Word numbers the pages itself."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _paragraph(document: DocxDocument, block: Paragraph) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    run = paragraph.add_run(block.text)
    run.bold, run.italic = block.bold or None, block.italic or None


def _items(document: DocxDocument, block: ItemList) -> None:
    for number, item in enumerate(block.items, start=1):
        paragraph = document.add_paragraph(f"{number}) {item}" if block.numbered else f"- {item}")
        paragraph.paragraph_format.left_indent = Cm(0.6)
        paragraph.paragraph_format.first_line_indent = Cm(-0.6)
        paragraph.paragraph_format.space_after = Pt(2)


def _table(document: DocxDocument, block: Table) -> None:
    table = document.add_table(rows=1, cols=len(block.header))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    weights = block.widths or [1.0] * len(block.header)
    widths = [Cm(CONTENT_WIDTH_CM * w / sum(weights)) for w in weights]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid, which LibreOffice follows; cells for Word
    for row_values, header in [(block.header, True)] + [(row, False) for row in block.rows]:
        cells = table.rows[0].cells if header else table.add_row().cells
        for cell, value, width in zip(cells, row_values, widths, strict=True):
            cell.width = width
            cell.text = ""
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.keep_with_next = header  # no header alone at a page end
            run = paragraph.add_run(value)
            run.font.size, run.bold = Pt(TABLE_PT), header or None
    repeat = OxmlElement("w:tblHeader")  # the header row again on every page
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    document.add_paragraph()


def _chart(document: DocxDocument, block: Chart) -> None:
    document.add_picture(BytesIO(block.png), width=Cm(CONTENT_WIDTH_CM))
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption = document.add_paragraph()
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = caption.add_run(block.title)
    run.italic, run.font.size = True, Pt(TABLE_PT)


def render_docx(report: Report) -> bytes:
    """The report as .docx bytes (for a file, or a download in the app)."""
    document = Document()
    _styles(document)
    document.core_properties.title = " ".join(report.title)
    document.core_properties.language = "pl-PL"

    top = document.add_paragraph()
    top.paragraph_format.tab_stops.add_tab_stop(Cm(CONTENT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT)
    top.add_run(f"{report.unit}\t{report.place_and_date}")
    document.add_paragraph()
    for number, line in enumerate(report.title):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(line)
        run.bold = True
        if number == 0:
            run.font.size = Pt(14)
    status = document.add_paragraph()
    status.alignment = WD_ALIGN_PARAGRAPH.CENTER
    status.add_run(report.status_line).italic = True

    for section in report.sections:
        document.add_heading(section.heading, level=1)
        for block in section.blocks:
            if isinstance(block, Subheading):
                document.add_heading(block.text, level=2)
            elif isinstance(block, Paragraph):
                _paragraph(document, block)
            elif isinstance(block, ItemList):
                _items(document, block)
            elif isinstance(block, Table):
                _table(document, block)
            elif isinstance(block, Chart):
                _chart(document, block)

    document.add_paragraph()
    for line in report.signature:
        paragraph = document.add_paragraph(line)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.space_after = Pt(0)
    footer = document.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(footer)

    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
