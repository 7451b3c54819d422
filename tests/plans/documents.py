"""Our own test documents in every format the importer reads, made at test time from the text
sources in ``docs/`` (so no binary files are committed): PDF with a text layer (fpdf2, DejaVu
Sans), a scanned PDF (an image only), .odt (odfpy) and .docx (python-docx)."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import matplotlib
from fpdf import FPDF
from odf.opendocument import OpenDocumentText
from odf.style import ListLevelProperties, Style, TextProperties
from odf.text import H, List, ListItem, ListLevelStyleBullet, ListStyle, P
from PIL import Image, ImageDraw

DOCS = Path(__file__).resolve().parent / "docs"
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
BULLETS = ("- ", "• ", "– ")


def _bullet(line: str) -> str | None:
    """The item's text when the line is a bullet, else None."""
    stripped = line.strip()
    return next((stripped[len(b) :] for b in BULLETS if stripped.startswith(b)), None)


def to_pdf(text: str, path: Path) -> Path:
    """A PDF with a text layer, as a unit's website publishes it: wrapped lines, page numbers."""

    class Paged(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("DejaVu", "", 8)
            self.cell(0, 8, f"Strona {self.page_no()} z {{nb}}", align="C")

    pdf = Paged(format="A4")
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    for line in text.splitlines():
        if not line.strip():
            pdf.ln(4)
            continue
        heading = line[:2].rstrip(".").isdigit() or line.isupper()
        pdf.set_font("DejaVu", "B" if heading else "", 11)
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def scanned_pdf(path: Path) -> Path:
    """A 'scan': one page that is only a picture of a page, no text layer."""
    image = Image.new("L", (600, 840), 255)
    draw = ImageDraw.Draw(image)
    for row in range(60, 780, 24):
        draw.line((60, row, 540 - (row * 7) % 120, row), fill=40, width=6)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.image(buffer, x=10, y=10, w=190)
    pdf.output(str(path))
    return path


def to_odt(text: str, path: Path) -> Path:
    """An OpenDocument text: headings as headings, dash lines as a real bulleted list."""
    document = OpenDocumentText()
    bold = Style(name="Heading", family="paragraph")
    bold.addElement(TextProperties(fontweight="bold"))
    document.styles.addElement(bold)
    bullets = ListStyle(name="Bullets")
    level = ListLevelStyleBullet(level=1, bulletchar="•")
    level.addElement(ListLevelProperties(spacebefore="0.4cm", minlabelwidth="0.4cm"))
    bullets.addElement(level)
    document.automaticstyles.addElement(bullets)
    current: List | None = None
    for line in text.splitlines():
        item = _bullet(line)
        if item is not None:
            if current is None:
                current = List(stylename=bullets)
                document.text.addElement(current)
            entry = ListItem()
            entry.addElement(P(text=item))
            current.addElement(entry)
            continue
        current = None
        if line.strip() and not line.strip().endswith(".") and len(line.split()) <= 8:
            document.text.addElement(H(outlinelevel=2, stylename=bold, text=line))
        else:
            document.text.addElement(P(text=line))
    document.save(str(path))
    return path


def to_docx(text: str, path: Path) -> Path:
    """A Word document: dash lines become Word bullets (the dash itself is not in the text)."""
    document = docx.Document()
    for line in text.splitlines():
        item = _bullet(line)
        if item is not None:
            document.add_paragraph(item, style="List Bullet")
        else:
            document.add_paragraph(line)
    document.save(str(path))
    return path


RENDERERS = {"pdf": to_pdf, "odt": to_odt, "docx": to_docx}


def render(source: str, fmt: str, folder: Path) -> Path:
    """The document ``source`` (a text in docs/) as a file of format ``fmt`` in ``folder``."""
    text = (DOCS / source).read_text(encoding="utf-8")
    path = folder / f"{Path(source).stem}.{fmt}"
    return RENDERERS[fmt](text, path)
