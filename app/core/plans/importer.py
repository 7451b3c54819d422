"""Import priority action plans (or their realisation reports) from .txt, .docx, .odt or .pdf.

Pure parsing, no database: the text is cut into plans (a file may hold several, one after
another), each plan into the official five sections, and each section is read with the helpers
in ``polish``. Whatever cannot be read stays empty with a warning tied to its field, so the
officer is told what to fill in by hand instead of being shown a guess as a fact. Warnings are
English message ids translated through the ``plans`` catalogue (Polish by default).
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

import docx
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from pydantic import BaseModel, Field

from app.core.i18n import translator
from app.core.model.enums import CriterionKind, EntryKind, FrequencyUnit, Measure
from app.core.plans import polish
from app.core.plans.polish import Period, fold, split_sentences, squash

_ = translator("plans")


def N_(message: str) -> str:
    """Marks a message id for the catalogue; translated where it is shown."""
    return message


# =========================================================================== output model


class WarningField(StrEnum):
    """Which part of the plan a warning is about (the editor shows it next to that field)."""

    document = "document"
    area = "area"
    unit = "unit"
    title = "title"
    period = "period"
    threat = "threat"
    goal = "goal"
    criterion = "criterion"
    actions = "actions"
    partners = "partners"
    channels = "channels"


class ImportWarning(BaseModel):
    """Something the importer could not read, or read with a doubt, in the reader's language."""

    field: WarningField
    message: str
    action: int | None = None
    """The action's number (from 1) when the warning is about one action."""

    def __str__(self) -> str:
        return self.message


class ImportedFrequency(BaseModel):
    """How often an action repeats; only ``text`` when the plan says just 'cyklicznie'."""

    times: int | None = None
    per: FrequencyUnit | None = None
    text: str


class ImportedCriterion(BaseModel):
    """Section 2's measurable criterion ("kryterium oceny" / "miernik")."""

    kind: CriterionKind
    measure: list[Measure] = Field(default_factory=list)
    target: int | None = None
    baseline: int | None = None
    text: str = ""


class ImportedAction(BaseModel):
    """One planned action with its dates; ``deadline`` means only an end date (due by then)."""

    text: str
    kind: EntryKind = EntryKind.other
    start: date | None = None
    end: date | None = None
    deadline: bool = False
    whole_period: bool = False
    time_from: str | None = None
    time_to: str | None = None
    weekdays: list[int] | None = None
    frequency: ImportedFrequency | None = None


class ImportedPartner(BaseModel):
    name: str
    tasks: str = ""


class ImportedPlan(BaseModel):
    """What could be read from a plan document; ``warnings`` say what could not."""

    area: str | None = None
    area_number: int | None = None
    unit: str | None = None
    title: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    threat: str | None = None
    diagnosis: str | None = None
    goal: str | None = None
    criterion: ImportedCriterion | None = None
    actions: list[ImportedAction] = Field(default_factory=list)
    partners: list[ImportedPartner] = Field(default_factory=list)
    channels: list[str] = Field(default_factory=list)
    warnings: list[ImportWarning] = Field(default_factory=list)

    @property
    def messages(self) -> list[str]:
        """The warnings' texts, in order."""
        return [w.message for w in self.warnings]

    def warnings_for(self, where: WarningField, action: int | None = None) -> list[str]:
        """The texts of the warnings about one field (or one action)."""
        return [w.message for w in self.warnings if w.field == where and w.action == action]

    def is_valid_plan(self) -> tuple[bool, list[str]]:
        """Enough to save as a draft plan? The list names what is missing."""
        checks = (
            (self.area is not None, N_("no service area number")),
            (self.period_start is not None, N_("no start date of the plan's period")),
            (self.period_end is not None, N_("no end date of the plan's period")),
            (bool(self.threat), N_("no description of the threat")),
            (bool(self.goal), N_("no goal")),
            (bool(self.actions), N_("no planned actions")),
        )
        missing = [_(message) for ok, message in checks if not ok]
        if self.period_start and self.period_end and self.period_end < self.period_start:
            missing.append(_("the plan's period ends before it starts"))
        return not missing, missing


def _warn(
    warnings: list[ImportWarning], where: WarningField, message: str, action: int | None = None
) -> None:
    warnings.append(ImportWarning(field=where, message=message, action=action))


# =========================================================================== reading files


class DocumentError(ValueError):
    """A file that cannot be read as a plan document: its format, encoding or contents."""


SUPPORTED_SUFFIXES = (".txt", ".docx", ".odt", ".pdf")
"""What the importer reads (the file picker offers these)."""
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
_TEXT_SUFFIXES = frozenset({".txt", ".text"})
_POLISH_LETTERS = frozenset("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")


def read_document(path: Path) -> str:
    """The plain text of a .txt (UTF-8, cp1250, ISO-8859-2), .docx, .odt or .pdf file."""
    path = Path(path)
    return read_document_bytes(_read_bytes(path), path.name)


def read_document_bytes(data: bytes, name: str) -> str:
    """The plain text of a document given as bytes (a file picked in the app); ``name`` gives
    its format by its extension and names it in messages."""
    suffix = Path(name).suffix.lower()
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentError(_("The file {name} is too large for a plan document", name=name))
    if suffix in _TEXT_SUFFIXES:
        return _decode(data, name)
    if suffix == ".docx":
        return _read_docx(data, name)
    if suffix == ".pdf":
        return _read_pdf(data, name)
    if suffix == ".odt":
        return _read_odt(data, name)
    if suffix == ".doc":
        raise DocumentError(
            _("The file {name} is in the old .doc format — save it as .docx or .txt", name=name)
        )
    raise DocumentError(
        _(
            "Unsupported file format {name}: supported are {formats}",
            name=name,
            formats=", ".join(SUPPORTED_SUFFIXES),
        )
    )


def import_file(path: Path) -> ImportedPlan:
    """Read and parse a plan document in one step (the first plan when it holds several)."""
    return parse_plan(read_document(path))


def import_plans(path: Path) -> list[ImportedPlan]:
    """Every plan of a document, each on its own (never merged)."""
    return parse_plans(read_document(path))


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:  # the system's own reason is English ("No such file…"): ours
        if isinstance(exc, FileNotFoundError):
            reason = _("there is no such file")
        elif isinstance(exc, PermissionError):
            reason = _("no permission to read it")
        elif isinstance(exc, IsADirectoryError):
            reason = _("it is a folder, not a file")
        else:
            reason = _("the system could not read it")
        raise DocumentError(
            _("Cannot read the file {name}: {reason}", name=path.name, reason=reason)
        ) from exc


def _decode(data: bytes, name: str) -> str:
    """UTF-8 first; Windows editors still save Polish text as cp1250 (or ISO-8859-2)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if b"\x00" in data:
        raise DocumentError(_("The file {name} is not a text file", name=name))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    candidates = [data.decode("cp1250", errors="replace"), data.decode("iso-8859-2")]
    return max(candidates, key=lambda text: sum(ch in _POLISH_LETTERS for ch in text))


@contextmanager
def _damaged_as(message: str, name: str) -> Iterator[None]:
    """Any failure of a third-party reader becomes one clear 'not a valid document' reason.

    Readers of a damaged file fail in their own ways — zip, zlib, XML, PDF syntax, an
    unsupported compression, a truncated stream — and the set is open-ended; whatever it is,
    the officer is told the file cannot be read, never shown a crash.
    """
    try:
        yield
    except DocumentError:
        raise
    except Exception as exc:  # see the docstring: every reader failure means a damaged file
        raise DocumentError(_(message, name=name)) from exc


def _read_pdf(data: bytes, name: str) -> str:
    """The text layer of a PDF, page by page; a scan (no text layer) cannot be read."""
    from pypdf import PdfReader

    with _damaged_as(N_("The file {name} is not a valid PDF document"), name):
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(
                _(
                    "The PDF file {name} is password-protected — save it without a password",
                    name=name,
                )
            )
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    if sum(ch.isalpha() for ch in text) < 20:
        raise DocumentError(
            _(
                "The PDF file {name} has no text layer (it looks like a scan) — "
                "save the plan as .docx, .odt or .txt, or type it in the plan editor",
                name=name,
            )
        )
    return text


def _read_odt(data: bytes, name: str) -> str:
    """Paragraphs, headings, list items and table cells of an OpenDocument text, in order."""
    from odf import teletype
    from odf.namespaces import TABLENS, TEXTNS
    from odf.opendocument import load

    lines: list[str] = []

    def walk(node: object, in_list: bool) -> None:
        for child in getattr(node, "childNodes", []):
            qname = getattr(child, "qname", None)
            if qname in ((TEXTNS, "p"), (TEXTNS, "h")):
                text = teletype.extractText(child)
                bullet = in_list and text.strip() and not _BULLET_RE.match(text)
                lines.append(f"• {text}" if bullet else text)
            elif qname == (TABLENS, "table-row"):
                cells = [
                    squash(" ".join(teletype.extractText(p) for p in c.childNodes))
                    for c in child.childNodes
                    if getattr(c, "qname", None) == (TABLENS, "table-cell")
                ]
                lines.extend(_row_lines([c for c in cells if c]))
            else:
                walk(child, in_list or qname == (TEXTNS, "list"))

    with _damaged_as(N_("The file {name} is not a valid .odt document"), name):
        walk(load(io.BytesIO(data)).text, False)
    return "\n".join(lines)


def _read_docx(data: bytes, name: str) -> str:
    lines: list[str] = []
    with _damaged_as(N_("The file {name} is not a valid .docx document"), name):
        for block in docx.Document(io.BytesIO(data)).iter_inner_content():
            lines.extend(_block_lines(block))
    return "\n".join(lines)


def _block_lines(block: Paragraph | Table) -> list[str]:
    if isinstance(block, Table):
        return _table_lines(block)
    text = block.text
    if text.strip() and _is_list_item(block) and not _BULLET_RE.match(text):
        return [f"• {text}"]
    return [text]


def _is_list_item(paragraph: Paragraph) -> bool:
    """Word keeps list bullets and numbers out of the text: restore one as a bullet."""
    p_pr = paragraph._p.pPr
    if p_pr is not None and p_pr.numPr is not None:
        return True
    style = paragraph.style
    return style is not None and (style.name or "").lower().startswith("list")


def _cell_text(cell: _Cell) -> str:
    lines: list[str] = []
    for block in cell.iter_inner_content():
        lines.extend(_block_lines(block))
    return "\n".join(lines).strip()


_COLUMN_HEADER_RE = re.compile(
    r"^(?:l\.?\s*p\.?|nazwa|termin\w*|dzialani\w*|zadani\w*|podmiot\w*|sposob\w*|opis|uwagi)\b"
)
_ENUMERATOR_ONLY_RE = re.compile(r"^\s*\d{1,2}\s*[.)]?\s*$")


def _is_column_header(texts: list[str]) -> bool:
    return all(len(t.split()) <= 4 and _COLUMN_HEADER_RE.match(fold(t)) for t in texts)


def _row_lines(texts: list[str]) -> list[str]:
    """Layout tables give their cells line by line; list tables give one bullet per row."""
    if not texts or _is_column_header(texts):
        return []
    if len(texts) == 1 or _heading(texts[0].splitlines()[0]) is not None:
        return [line for text in texts for line in text.splitlines()]
    cells = [squash(t) for t in texts if not _ENUMERATOR_ONLY_RE.match(t)]
    return ["• " + " – ".join(cells)]


def _table_lines(table: Table) -> list[str]:
    lines: list[str] = []
    for row in table.rows:
        seen: set[int] = set()
        texts: list[str] = []
        for cell in row.cells:  # a merged cell repeats: read it once
            if id(cell._tc) not in seen and (text := _cell_text(cell)):
                seen.add(id(cell._tc))
                texts.append(text)
        lines.extend(_row_lines(texts))
    return lines


# =========================================================================== layout

SECTIONS = ("threat", "goal", "actions", "partners", "channels")
SECTION_NAMES = {
    "threat": N_("description of the threat"),
    "goal": N_("the goal"),
    "actions": N_("planned actions"),
    "partners": N_("partners"),
    "channels": N_("how residents are informed"),
}
_HEADING_PHRASES: dict[str, tuple[str, ...]] = {
    "threat": (
        "charakterystyka zdiagnozowanego zagrozenia",
        "charakterystyka zdiagnozowanych zagrozen",
        "charakterystyka zagrozenia",
        "zdiagnozowane zagrozenie",
        "zidentyfikowane zagrozenie",
        "diagnoza zagrozenia",
        "opis zagrozenia",
        "charakterystyka problemu",
        "opis problemu",
    ),
    "goal": (
        "zakladany cel do osiagniecia",
        "cel dzialania priorytetowego",
        "zakladany cel",
        "cel do osiagniecia",
        "cel dzialania",
        "cel dzialan",
        "cel planu",
    ),
    "actions": (
        "proponowane dzialania wraz z terminami",
        "dzialania wraz z terminami",
        "proponowane dzialania",
        "planowane dzialania",
        "podjete dzialania",
        "zrealizowane dzialania",
        "harmonogram dzialan",
        "planowane przedsiewziecia",
        "proponowane przedsiewziecia",
        "dzialania planowane do realizacji",
        "dzialania do realizacji",
        "zadania do realizacji",
    ),
    "partners": (
        "podmioty wspolpracujace",
        "podmioty wspoldzialajace",
        "podmioty zaangazowane",
        "instytucje wspolpracujace",
        "partnerzy",
    ),
    "channels": (
        "proponowany sposob przekazania spolecznosci",
        "sposob przekazania spolecznosci",
        "sposob przekazania informacji",
        "przekazanie informacji spolecznosci",
        "sposob informowania",
        "sposob poinformowania",
        "informowanie spolecznosci",
    ),
}
_PHRASES_LONGEST_FIRST = sorted(
    ((key, phrase.split()) for key, phrases in _HEADING_PHRASES.items() for phrase in phrases),
    key=lambda item: -len(" ".join(item[1])),
)
_HEADING_ALIASES = {
    "zagrozenie": "threat",
    "diagnoza": "threat",
    "cel": "goal",
    "cele": "goal",
    "dzialania": "actions",
    "harmonogram": "actions",
    "przedsiewziecia": "actions",
    "podmioty": "partners",
    "informowanie": "channels",
}
_ENUM_RE = re.compile(
    r"^\s*(?:(?:[Rr]ozdzia\w*|[Pp]unkt|[Pp]kt\.?|[Ss]ekcja|[Aa][Dd]\.?)\s*)?"
    r"(?:(?:\d{1,2}|[IVX]{1,4}|[a-eA-E])(?:[.)]|\s)\s*)?[·•*▪●■►➢–—-]?\s*"
)
_WORD_RE = re.compile(r"[^\W\d_]+")
_BULLET_RE = re.compile(
    r"^\s*(?:[·•▪◦●■□►➢➤✓✔*]+|[-–—]+(?!\d)|\(?\d{1,2}[.)](?!\d)|\(?[a-zA-Z]\))\s*"
)
_SIGNATURE_RE = re.compile(
    r"^(?:sporzadzil\w*|sporz\.|opracowal\w*|oprac\.|zatwierdzam|zatwierdzil\w*|akceptuje\b"
    r"|uzgodniono\b|\(?podpis\w*\)?\s*:?\s*$|podpis\w*\s*:|wykonano\s+w\b|wyk\.|otrzymuja\s*:"
    r"|egz\.)"
)
_PAGE_NOISE_RE = re.compile(
    r"^\s*(?:(?:strona|str\.)\s*\d+(?:\s*(?:z|ze|/)\s*\d+)?|[-–—]\s*\d{1,3}\s*[-–—]"
    r"|\d{1,3}\s*/\s*\d{1,3})\s*$",
    re.IGNORECASE,
)
_BARE_NUMBER_RE = re.compile(r"^\s*\d{1,3}\s*$")
_FUZZY_AT_START = 0.85
_FUZZY_INSIDE = 0.9
_FUZZY_WORD = 0.75


@dataclass(frozen=True)
class _Heading:
    keys: tuple[str, ...]
    inline: str


@dataclass
class _Layout:
    header: list[str] = field(default_factory=list)
    blocks: list[tuple[tuple[str, ...], list[str]]] = field(default_factory=list)
    warnings: list[ImportWarning] = field(default_factory=list)


@lru_cache(maxsize=8192)
def _ratio(a: str, b: str, threshold: float) -> bool:
    """difflib similarity at or above threshold, with its cheap upper bounds tried first."""
    matcher = SequenceMatcher(None, a, b)
    return (
        matcher.real_quick_ratio() >= threshold
        and matcher.quick_ratio() >= threshold
        and matcher.ratio() >= threshold
    )


def _similar(words: list[str], phrase: list[str], threshold: float) -> bool:
    """Typo-tolerant, but word by word: 'plan działania' must not pass for 'cel działania'."""
    if len(words) != len(phrase):
        return False
    if not all(_ratio(a, b, _FUZZY_WORD) for a, b in zip(words, phrase, strict=True)):
        return False
    return _ratio(" ".join(words), " ".join(phrase), threshold)


def _phrase_inside(words: list[str], key: str) -> bool:
    """Another section's phrase later in a merged heading ('… i zakładany cel …')."""
    for phrase in (p.split() for p in _HEADING_PHRASES[key]):
        if len(phrase) < 2:
            continue
        for start in range(len(words) - len(phrase) + 1):
            if _similar(words[start : start + len(phrase)], phrase, _FUZZY_INSIDE):
                return True
    return False


def _heading_keys(words: list[str]) -> tuple[str, ...]:
    """Sections a heading names: the phrase at its start, then any merged-in later ones."""
    if " ".join(words) in _HEADING_ALIASES:
        return (_HEADING_ALIASES[" ".join(words)],)
    for key, phrase in _PHRASES_LONGEST_FIRST:
        if len(words) >= len(phrase) and _similar(words[: len(phrase)], phrase, _FUZZY_AT_START):
            rest = words[len(phrase) :]
            later = SECTIONS[SECTIONS.index(key) + 1 :]
            return (key, *(k for k in later if _phrase_inside(rest, k)))
    return ()


@lru_cache(maxsize=4096)
def _heading(line: str) -> _Heading | None:
    """A section heading, whatever its numbering, case, typos or trailing punctuation.

    Cached: the text is scanned for plan boundaries, then each plan for its sections.
    """
    raw = line.strip()
    if not raw or len(raw) > 400:
        return None
    enum = _ENUM_RE.match(raw)
    numbered = bool(enum and enum.group(0).strip())
    content = raw[enum.end() :] if enum else raw
    head, colon, inline = content.partition(":")
    words = _WORD_RE.findall(fold(head))
    if not words or len(words) > (22 if colon or numbered else 12):
        return None
    keys = _heading_keys(words)
    return _Heading(keys, inline.strip()) if keys else None


def _heading_tail(lines: list[str], index: int, heading: _Heading) -> int:
    """Index of the heading's last line: a heading may wrap onto a short line ending in ':'."""
    if heading.inline or lines[index].rstrip().endswith((":", ".")):
        return index
    nxt = index + 1
    while nxt < len(lines) and not lines[nxt].strip():
        nxt += 1
    if nxt < len(lines):
        tail = lines[nxt].strip()
        if tail.endswith(":") and tail[0].islower() and len(tail.split()) <= 12:
            return nxt
    return index


_TITLE_WORD_RE = re.compile(
    r"\bplan(?:u|ie|em|y|ow|ach)?\b|\bpriorytet\w*|\binformacj\w*|\bdzialani\w*\s+priorytet"
)
_TITLE_LINE_WORDS = 15
_AREA_RE = re.compile(
    r"\brejon\w*(?:\s+sluzbow\w*)?\s*(?:nr|numer|no)\.?\s*(?P<n>\d{1,3}|[ivxlc]+)(?!\w)"
    r"|\brejon\w*\s+sluzbow\w*\s+(?P<bare>\d{1,3}|[ivxlc]+)(?!\w)"
    r"|\bdzielnicow\w*\s+(?:nr|numer)\.?\s*(?P<d>\d{1,3}|[ivxlc]+)(?!\w)"
)
_AREA_LINE_RE = re.compile(
    r"^\s*(?:dzielnicow\w*\s+)?rejon\w*\s+(?:nr\.?\s*)?(?P<line>\d{1,3}|[ivxlc]+)(?!\w)",
    re.MULTILINE,
)
"""'Rejon 4', 'REJON IV' or 'Dzielnicowy rejonu II' opening a line (a rank and name follow)."""


def _looks_like_title(line: str) -> bool:
    """Header lines of a next plan that ended up at the bottom of the previous one."""
    folded = fold(line)
    return bool(
        _TITLE_WORD_RE.search(folded) or _AREA_RE.search(folded) or polish.parse_period(line)
    )


def _drop_trailing_title(body: list[str]) -> None:
    """Remove the next plan's title lines (short, no final dot) from the end of a section."""
    while body:
        line = body[-1].strip()
        is_title = (
            len(line.split()) <= _TITLE_LINE_WORDS
            and not line.endswith(".")
            and _looks_like_title(line)
        )
        if line and not is_title:
            break
        body.pop()


def _layout(lines: list[str]) -> _Layout:
    """Cut the text into the header and the sections, in their official order.

    A heading counts only when it comes after the previous section, so a body sentence that
    happens to start like an earlier heading stays body text. A second threat heading means a
    second plan on the page: only the first is imported. After a signature ("Sporządził…")
    nothing more belongs to the plan.
    """
    layout = _Layout()
    last_rank, closed, index = -1, False, 0
    while index < len(lines):
        line = lines[index]
        heading = _heading(line)
        rank = SECTIONS.index(heading.keys[0]) if heading else -1
        if heading and rank > last_rank and not closed:
            layout.blocks.append((heading.keys, [heading.inline] if heading.inline else []))
            last_rank = SECTIONS.index(heading.keys[-1])
            index = _heading_tail(lines, index, heading)
        elif heading and rank == 0 and last_rank >= SECTIONS.index("actions"):
            _drop_trailing_title(layout.blocks[-1][1])
            _warn(
                layout.warnings,
                WarningField.document,
                _("The document holds more than one plan — only the first was read"),
            )
            break
        elif layout.blocks and _SIGNATURE_RE.match(fold(line.strip())):
            closed = True
        elif not layout.blocks:
            layout.header.append(line)
        elif not closed and not _BARE_NUMBER_RE.match(line):
            layout.blocks[-1][1].append(line)
        index += 1
    return layout


# =========================================================================== text shapes

_SENTENCE_CLOSE = (".", "!", "?", ":", ";")


def _join_wrapped(lines: list[str]) -> str:
    """Hard-wrapped lines back into one line, re-joining words split with a hyphen."""
    text = ""
    for line in (part.strip() for part in lines):
        if not line:
            continue
        if re.search(r"[^\W\d_]-$", text) and line[0].islower():
            text = text[:-1] + line
        else:
            text = f"{text} {line}" if text else line
    return squash(text)


def _paragraphs(lines: list[str]) -> list[str]:
    """Prose paragraphs: a blank line, a bullet or a line ending a sentence closes one."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        text = line.strip()
        bullet = _BULLET_RE.match(text) if text else None
        if current and (not text or bullet):
            paragraphs.append(_join_wrapped(current))
            current = []
        if text:
            current.append(text[bullet.end() :] if bullet else text)
            if text.endswith(_SENTENCE_CLOSE):
                paragraphs.append(_join_wrapped(current))
                current = []
    if current:
        paragraphs.append(_join_wrapped(current))
    return [p for p in paragraphs if p]


def _clean_item(text: str) -> str:
    return squash(text).strip(" ,;")


def _items(lines: list[str]) -> tuple[list[str], list[str]]:
    """(prose before the list, list items); lines without a bullet continue the item above."""
    intro: list[str] = []
    items: list[list[str]] = []
    for line in lines:
        if not line.strip():
            continue
        bullet = _BULLET_RE.match(line)
        if bullet:
            items.append([line[bullet.end() :]])
        elif items:
            items[-1].append(line)
        else:
            intro.append(line)
    joined = [_clean_item(_join_wrapped(item)) for item in items]
    return _paragraphs(intro), [item for item in joined if item]


def _prose_items(paragraphs: list[str]) -> list[str]:
    """Items of a section written as prose: one per clause ending in ';' or per sentence."""
    items: list[str] = []
    for paragraph in paragraphs:
        for clause in re.split(r";\s+", paragraph):
            items.extend(_clean_item(s) for s in split_sentences(clause))
    return [item for item in items if item]


def _list_or_prose(lines: list[str]) -> list[str]:
    intro, items = _items(lines)
    return items or _prose_items(intro)


def _text(paragraphs: list[str]) -> str | None:
    return "\n".join(paragraphs) or None


# =========================================================================== header fields

_UNIT_PATTERNS = (
    ("PP", re.compile(r"\bposterun\w*\s+policji\s+w\s+")),
    ("KP", re.compile(r"\bkomisariat\w*\s+policji\s+(?:(?P<roman>[ivx]{1,4})\s+)?w\s+")),
    ("KMP", re.compile(r"\bkomend\w*\s+miejsk\w*\s+policji\s+w\s+")),
    ("KPP", re.compile(r"\bkomend\w*\s+powiatow\w*\s+policji\s+w\s+")),
)
_UNIT_ABBREVIATION_RE = re.compile(r"\b(?P<abbr>KPP|KMP|KP|PP)\s+(?:(?P<roman>[IVX]{1,4})\s+)?")
_SPECIFICITY = {"PP": 0, "KP": 1, "KMP": 2, "KPP": 3}
_PLACE_LINKS = ("nad", "pod")
_NAME_PUNCTUATION = '.,;:()„”"–—'


def _town_at(text: str, position: int) -> str | None:
    """The place name starting at position: capitalised words on that line, 'nad'/'pod' between."""
    words: list[str] = []
    for word in text[position:].split("\n", 1)[0].split():
        bare = word.strip(_NAME_PUNCTUATION)
        linked = bool(words) and bare in _PLACE_LINKS
        if not bare or not (bare[0].isupper() or linked):
            break
        words.append(bare)
        if word.rstrip(_NAME_PUNCTUATION) != word or sum(w[0].isupper() for w in words) == 3:
            break
    while words and words[-1] in _PLACE_LINKS:
        words.pop()
    town = " ".join(words)
    return (town.title() if town.isupper() else town) or None


def _unit_matches(text: str) -> list[tuple[int, str, str, bool]]:
    """(position, abbreviation, unit, written in full) for every police unit named."""
    folded = fold(text)
    found: list[tuple[int, str, str, bool]] = []
    for abbr, pattern in _UNIT_PATTERNS:
        for match in pattern.finditer(folded):
            town = _town_at(text, match.end())
            if town:
                roman = f" {match['roman'].upper()}" if match.groupdict().get("roman") else ""
                found.append((match.start(), abbr, f"{abbr}{roman} w {town}", True))
    for match in _UNIT_ABBREVIATION_RE.finditer(text):
        rest = text[match.end() :]
        link = "w " if rest.startswith("w ") else ""
        town = _town_at(text, match.end() + len(link))
        if town:
            roman = f" {match['roman']}" if match["roman"] else ""
            found.append(
                (match.start(), match["abbr"], f"{match['abbr']}{roman} {link}{town}", False)
            )
    return found


def _find_unit(header: str, full: str) -> str | None:
    """The header's most specific unit (the officer's own), else the first named in full."""
    in_header = _unit_matches(header)
    if in_header:
        return min(in_header, key=lambda m: (_SPECIFICITY[m[1]], m[0]))[2]
    in_text = _unit_matches(full)
    if not in_text:
        return None
    return min(in_text, key=lambda m: (not m[3], m[0]))[2]


def _area_from_match(match: re.Match[str], text: str) -> tuple[str, int] | None:
    group = next(g for g in ("n", "bare", "d", "line") if match.groupdict().get(g))
    written = text[match.start(group) : match.end(group)]
    if written.isdigit():
        return (written, int(written)) if int(written) > 0 else None
    if group == "bare":  # "rejonu służbowego i …" is a conjunction, not Roman one
        after = text[match.end(group) :].split()
        if not written.isupper() or (after and after[0].isupper() and after[0].isalpha()):
            return None
    if group == "line" and not written.isupper():
        return None
    number = polish.roman_number(written)
    return (written, number) if number else None


def _find_area(*texts: str) -> tuple[str, int] | None:
    for text in texts:
        folded = fold(text)
        for pattern in (_AREA_RE, _AREA_LINE_RE):
            for match in pattern.finditer(folded):
                area = _area_from_match(match, text)
                if area:
                    return area
    return None


_UNIT_LINE_RE = re.compile(r"(?:komend|komisariat|posterun|rewir)\w*\s")
_TITLE_STOP_RE = re.compile(
    r"\brealizowan\w*|\b(?:na|za)\s+okres\b|\bokres\w*\s+(?:od|realizacji)\b|\bw\s+okresie\b"
    r"|\bod\s+\d"
    r"|\bna\s+(?:i{1,2}|1|2|pierwsze|drugie)\W*\w*\s*polrocz"
)


def _is_officer_line(folded: str) -> bool:
    """'st. asp. Jan Kos' or 'Rejon 4 st. asp. Marek Zając': who, not what (no title)."""
    area = _AREA_LINE_RE.match(folded)
    rest = folded[area.end() :].strip(" -–—,:") if area else folded
    return bool(_RANK_LINE_RE.match(rest))


def _find_title(header: list[str]) -> str | None:
    """The title as written, from its first line to where the period starts."""
    start = next((i for i, line in enumerate(header) if _TITLE_WORD_RE.search(fold(line))), None)
    if start is None or len(header[start].split()) > _TITLE_LINE_WORDS:
        return None  # a title word inside prose (a press article) is no title
    parts: list[str] = []
    for line in header[start:]:
        if not line.strip():
            continue
        stop = _TITLE_STOP_RE.search(fold(line))
        if stop:
            parts.append(line[: stop.start()])
            break
        if (
            polish.parse_date(line)
            or len(parts) == 5
            or len(line.split()) > _TITLE_LINE_WORDS
            or _UNIT_LINE_RE.match(fold(line.strip()))
            or _is_officer_line(fold(line.strip()))
        ):
            break
        parts.append(line)
    title = squash(" ".join(parts)).strip(" ,;:-–—")
    return title or None


_PERIOD_HINT_RE = re.compile(
    r"\bna\s+okres\b|\bokres\w*\s+(?:realizacji|obowiazywania|trwania)\b|\bplan\w*\s+na\b"
    r"|\brealizowan\w*\s+(?:od|w)\b"
)


def _find_period(header: str, full: str) -> Period | None:
    """The plan's period from its header; elsewhere only where the text says it is the plan's."""
    period = polish.parse_period(header)
    if period:
        return period
    for hint in _PERIOD_HINT_RE.finditer(fold(full)):
        period = polish.parse_period(full[hint.start() : hint.end() + 120])
        if period:
            return period
    return None


# =========================================================================== section 1 and 2

_DIAGNOSIS_RE = re.compile(r"\bzdiagnozow\w*|\bdiagnoz\w*|\bna\s+podstawie\b")
_GOAL_START_RE = re.compile(
    r"^(?:zwiekszenie|poprawa|podniesienie|ograniczenie|zmniejszenie|wyeliminowanie|eliminacja"
    r"|przeciwdzialanie|zapobieganie)\b|\bcelem\b|\bcel\s+(?:dzialan\w*|planu|do\s+osiagniecia)"
    r"|\bzakladan\w*\s+cel\w*|\bkryteri\w*|\bmiernik\w*"
)


def _diagnosis(threat: str | None) -> str | None:
    if not threat:
        return None
    found = [s for s in split_sentences(threat) if _DIAGNOSIS_RE.search(fold(s))]
    return " ".join(found) or None


def _split_threat_goal(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """A merged 'zagrożenie i cel' section: the goal starts at its first goal-like sentence."""
    sentences = [(i, s) for i, p in enumerate(paragraphs) for s in split_sentences(p)]
    cut = next(
        (n for n, (_, s) in enumerate(sentences) if _GOAL_START_RE.search(fold(s))),
        len(sentences),
    )
    return _regroup(sentences[:cut]), _regroup(sentences[cut:])


def _regroup(sentences: list[tuple[int, str]]) -> list[str]:
    """Sentences back into their paragraphs."""
    paragraphs: dict[int, list[str]] = {}
    for index, sentence in sentences:
        paragraphs.setdefault(index, []).append(sentence)
    return [" ".join(parts) for parts in paragraphs.values()]


_CRITERION_MARK_RE = re.compile(r"\bkryteri\w*|\bmiernik\w*|\bwskaznik\w*|\bmierzaln\w*")
_PERCENT_RE = re.compile(
    r"\bo\s*(?P<n>\d{1,3})(?:[.,]\d+)?\s*(?:%|proc\w*\.?|procent\w*)|\bo\s+(?P<half>polowe)\b"
)
_REDUCE_RE = re.compile(r"\b(?:zmniejsz|ogranicz|spad|spadk|redukc|zreduk|obniz|mniej)\w*")
_AT_LEAST_RE = re.compile(
    r"\b(?:co\s*najmniej|nie\s+mniej\w*\s+niz|minimum|min\.|przynajmniej)\s*(?P<n>\d{1,6})\b"
)
_BASELINE_RE = re.compile(
    r"\b(?:obecnie|aktualnie|dotychczas|w\s+ubieglym|w\s+(?:poprzednim|analogicznym)\s+"
    r"(?:okresie|polroczu|roku)|w\s+okresie\s+poprzednim)\b"
)
_COUNTED_RE = re.compile(
    r"(?<![\d.,])(?P<n>\d{1,6})\s+(?:[^\W\d_]+\s+)?"
    r"(?:zglosz|interwencj|wykrocz|przestep|mandat|pouczen|legitym|wylegitym|ulot|mieszkanc"
    r"|senior|obywatel|rozm|kmzb)\w*"
)
_MEASURES = tuple(
    (measure, re.compile(pattern))
    for measure, pattern in (
        (Measure.persons_legitimised, r"\blegitymow\w*|\bwylegitymow\w*"),
        (Measure.leaflets, r"\bulot\w*"),
        (Measure.residents_spoken, r"\brozmow\w*|\d+\s+(?:mieszkanc|senior|obywatel)\w*"),
        (Measure.interventions, r"\binterwencj\w*"),
        (Measure.offences, r"\bwykrocz\w*|\bprzestepstw\w*"),
        (Measure.fines, r"\bmandat\w*"),
        (Measure.cautions, r"\bpouczen\w*"),
        (Measure.kmzb_reports, r"\bkmzb\b|\bkrajow\w*\s+map\w*\s+zagrozen\w*"),
    )
)


_REPORTS_RE = re.compile(r"\bzglosz\w*")
_MEASURE_KMZB = dict(_MEASURES)[Measure.kmzb_reports]


def _measures(folded: str) -> list[Measure]:
    """What the criterion counts, in the order the text names it.

    'zgłoszeń … oraz interwencji (obecnie 7 KMZB …)': the reports are the KMZB ones, named
    where 'zgłoszeń' stands.
    """
    found = {measure: m.start() for measure, rx in _MEASURES if (m := rx.search(folded))}
    reports = _REPORTS_RE.search(folded)
    if Measure.kmzb_reports in found and reports:
        found[Measure.kmzb_reports] = min(found[Measure.kmzb_reports], reports.start())
    return [measure for measure, _at in sorted(found.items(), key=lambda item: item[1])]


def _baseline(folded: str) -> int | None:
    """'obecnie 12 zgłoszeń KMZB i 4 interwencje' → 16: the counts after the baseline word."""
    marker = _BASELINE_RE.search(folded)
    if not marker:
        return None
    counts = [int(m["n"]) for m in _COUNTED_RE.finditer(folded, marker.end())]
    return sum(counts) if counts else None


def _baseline_measures(folded: str) -> set[Measure]:
    """What the baseline counts ('obecnie 9 KMZB i 6 interwencji'): when it says, that is
    what the criterion measures ('zgłoszeń KMZB dotyczących wykroczeń' counts reports)."""
    marker = _BASELINE_RE.search(folded)
    if not marker:
        return set()
    found: set[Measure] = set()
    for count in _COUNTED_RE.finditer(folded, marker.end()):
        named = _measures(count.group(0))
        if not named and _REPORTS_RE.search(count.group(0)) and _MEASURE_KMZB.search(folded):
            named = [Measure.kmzb_reports]  # '9 zgłoszeń' of a KMZB criterion
        found.update(named)
    return found


def _without_baseline(folded: str) -> str:
    """The criterion without its baseline clause: '(obecnie 7 KMZB i 5 interwencji)' may sit
    in the middle, before 'o 20%', or end the sentence."""
    marker = _BASELINE_RE.search(folded)
    if not marker:
        return folded
    opened = folded.rfind("(", 0, marker.start())
    if opened != -1 and ")" not in folded[opened : marker.start()]:
        closed = folded.find(")", marker.end())
        end = closed + 1 if closed != -1 else len(folded)
        return folded[:opened] + " " * (end - opened) + folded[end:]
    return folded[: marker.start()]


def _is_measurable(folded: str) -> bool:
    has_reduction = _PERCENT_RE.search(folded) and _REDUCE_RE.search(folded)
    return bool(has_reduction or _AT_LEAST_RE.search(folded))


def _criterion_indices(sentences: list[str]) -> list[int]:
    """The criterion sentence, plus a following sentence that only gives the baseline."""
    folded = [fold(s) for s in sentences]
    marked = [i for i, s in enumerate(folded) if _CRITERION_MARK_RE.search(s)]
    marked = marked or [i for i, s in enumerate(folded) if _is_measurable(s)]
    if not marked:
        return []
    first = marked[0]
    picked = [first]
    nxt = first + 1
    if nxt < len(folded) and (
        sentences[first].endswith(":")
        or (_BASELINE_RE.search(folded[nxt]) and not _BASELINE_RE.search(folded[first]))
    ):
        picked.append(nxt)
    return picked


def _criterion(text: str, warnings: list[ImportWarning]) -> ImportedCriterion:
    """Kind, measures, target and baseline of one criterion text."""
    folded = fold(text)
    main = _without_baseline(folded)
    measures = _measures(folded)
    kind, target = CriterionKind.qualitative, None
    # a percentage is never part of a baseline: look past one left unclosed ('…, których
    # obecnie jest 6 KMZB i 2 interwencje, o 10%')
    percent = _PERCENT_RE.search(main) or _PERCENT_RE.search(folded)
    at_least = _AT_LEAST_RE.search(main) or _COUNTED_RE.search(main)
    if percent and _REDUCE_RE.search(main) and (percent["half"] or 0 < int(percent["n"]) <= 100):
        kind, target = CriterionKind.reduce_by_percent, 50 if percent["half"] else int(percent["n"])
    elif percent:
        _warn(
            warnings,
            WarningField.criterion,
            _("The kind of the percentage criterion was not recognised — kept as a description"),
        )
    elif at_least:
        kind, target = CriterionKind.at_least, int(at_least["n"])
    else:
        _warn(
            warnings,
            WarningField.criterion,
            _("The criterion gives no measurable value — kept as a description"),
        )
    if kind == CriterionKind.reduce_by_percent:
        counted = _baseline_measures(folded)
        measures = [m for m in measures if m in counted] if counted else measures
    if kind != CriterionKind.qualitative and not measures:
        _warn(warnings, WarningField.criterion, _("What the criterion measures was not recognised"))
    baseline = _baseline(folded) if kind == CriterionKind.reduce_by_percent else None
    return ImportedCriterion(
        kind=kind, measure=measures, target=target, baseline=baseline, text=text
    )


def _goal_and_criterion(
    paragraphs: list[str], warnings: list[ImportWarning]
) -> tuple[str | None, ImportedCriterion | None]:
    """The goal text without its criterion sentence, and the criterion read from that one."""
    if not paragraphs:
        return None, None
    sentences = [(i, s) for i, p in enumerate(paragraphs) for s in split_sentences(p)]
    picked = _criterion_indices([s for _, s in sentences])
    if not picked:
        _warn(
            warnings,
            WarningField.criterion,
            _("The goal is qualitative — no measurable criterion"),
        )
        return _text(paragraphs), ImportedCriterion(kind=CriterionKind.qualitative)
    criterion_text = " ".join(sentences[i][1] for i in picked)
    rest = [pair for n, pair in enumerate(sentences) if n not in picked]
    goal = _text(_regroup(rest)) or criterion_text
    return goal, _criterion(criterion_text, warnings)


# =========================================================================== section 3

_KIND_PATTERNS = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        (
            EntryKind.request_letter,
            r"\bwnios(?:ek|ku|ki|kow|kiem|kach)\b|\bpism(?:o|a|em|ie)\b|\bwystapi\w*\s+do\b",
        ),
        (EntryKind.place_check, r"\bs?kontrol\w*|\bsprawdz\w*"),
        (EntryKind.foot_patrol, r"\bobchod\w*|\bpatrol\w*"),
        (EntryKind.talk, r"\brozmow\w*|\brozmawia\w*"),
        (EntryKind.meeting, r"\bspotka\w*|\bdebat\w*|\bprelekcj\w*|\bpogadank\w*|\bzebrani\w*"),
        (EntryKind.leaflets, r"\bulot\w*|\bkolporta\w*|\bbroszur\w*|\bplakat\w*"),
        (EntryKind.intervention, r"\binterwen\w*"),
        (
            EntryKind.announcement,
            r"\bkomunikat\w*|\bradi(?:o|a|u|em)\b|\bparafi\w*|\bogloszen\w*|\bmedi(?:a|ach|ow)\b"
            r"|\bartykul\w*|\bpras(?:a|y|ie)\b",
        ),
        (EntryKind.partner_contact, r"\bwspolprac\w*|\bkontakt\w*|\bwymian\w*\s+informacj\w*"),
    )
)


def action_kind(text: str) -> EntryKind:
    """The entry kind named first in the action ('wniosek o … patrole' is a letter)."""
    folded = fold(text)
    found = [(m.start(), n) for n, (_, rx) in enumerate(_KIND_PATTERNS) if (m := rx.search(folded))]
    return _KIND_PATTERNS[min(found)[1]][0] if found else EntryKind.other


def _action(
    text: str, number: int, period: Period | None, warnings: list[ImportWarning]
) -> ImportedAction:
    def warn(message: str) -> None:
        _warn(warnings, WarningField.actions, message, action=number)

    span = polish.parse_span(text, period)
    if span is None and polish.mentions_date(text):
        warn(_("Action {number}: its date was not recognised", number=number))
        span = polish.Span(None, None)
    elif span is None:
        warn(_("Action {number}: no date — the whole period of the plan assumed", number=number))
        span = polish.Span(*(period or (None, None)), whole_period=True)
    elif span.start is None and span.end is None:
        warn(
            _("Action {number}: dates not recognised (the plan's period is unknown)", number=number)
        )
    if period and _outside(span, period):
        warn(_("Action {number}: its date falls outside the plan's period", number=number))
    hours = polish.parse_hours(text)
    frequency = polish.parse_frequency(text)
    return ImportedAction(
        text=text,
        kind=action_kind(text),
        start=span.start,
        end=span.end,
        deadline=span.deadline,
        whole_period=span.whole_period,
        time_from=hours[0] if hours else None,
        time_to=hours[1] if hours else None,
        weekdays=polish.parse_weekdays(text),
        frequency=ImportedFrequency(times=frequency.times, per=frequency.per, text=frequency.text)
        if frequency
        else None,
    )


def _outside(span: polish.Span, period: Period) -> bool:
    days = [d for d in (span.start, span.end) if d is not None]
    return any(not period[0] <= d <= period[1] for d in days)


# =========================================================================== section 4 and 5

_PARTNER_SPLIT_RE = re.compile(r"\s+-+\s+|\s*[–—]+\s*|:\s+")
_NOTHING_RE = re.compile(r"^(?:brak|nie\s+dotyczy|nie\s+przewiduje\s+sie|[-–—]+)\W*$")
_UNIT_WORDS = ("oddzial", "filia", "kolo", "sekcja", "wydzial", "delegatura", "zarzad")


def _partner(item: str, warnings: list[ImportWarning]) -> ImportedPartner:
    """'Name – tasks': the first dash whose right side reads as tasks, not a branch name."""
    splits = list(_PARTNER_SPLIT_RE.finditer(item))
    if not splits:
        _warn(
            warnings,
            WarningField.partners,
            _("The partner's tasks were not recognised: {item}", item=item.strip()),
        )
        return ImportedPartner(name=item.strip(" .,;"))
    chosen = next(
        (
            m
            for m in splits
            if (right := item[m.end() :].strip())
            and not right[0].isupper()
            and not fold(right).startswith(_UNIT_WORDS)
        ),
        splits[0],
    )
    name = item[: chosen.start()].strip(" .,;–—-")
    tasks = _clean_item(item[chosen.end() :])
    return ImportedPartner(name=name or item, tasks=tasks)


def _partners(lines: list[str], warnings: list[ImportWarning]) -> list[ImportedPartner]:
    items = _list_or_prose(lines)
    if len(items) == 1 and _NOTHING_RE.match(fold(items[0])):
        return []
    return [_partner(item, warnings) for item in items]


def _channels(lines: list[str]) -> list[str]:
    """One channel per sentence of each bullet (and of any prose not ending with ':')."""
    intro, items = _items(lines)
    texts = [p for p in intro if not p.endswith(":")] + items
    return [c for text in texts for s in split_sentences(text) if (c := _clean_item(s))]


# =========================================================================== the whole plan

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"), None)
_SPACES = {ord(ch): " " for ch in "\t\xa0\u2007\u2009\u202f\u3000"}


def _clean_lines(text: str) -> list[str]:
    """Lines without invisible characters, odd spaces and page-number noise."""
    text = text.translate(_INVISIBLE).translate(_SPACES)
    text = re.sub(r"\r\n?|[\f\v\u2028\u2029]", "\n", text)
    return [line.rstrip() for line in text.split("\n") if not _PAGE_NOISE_RE.match(line)]


def _sections(layout: _Layout, warnings: list[ImportWarning]) -> dict[str, list[str]]:
    """Body lines per section; a merged threat-and-goal block is split by its sentences."""
    sections: dict[str, list[str]] = {}
    for keys, body in layout.blocks:
        if keys[:2] == ("threat", "goal"):
            threat, goal = _split_threat_goal(_paragraphs(body))
            sections.setdefault("threat", threat)
            sections.setdefault("goal", goal)
        else:
            sections.setdefault(keys[0], body)
        if len(keys) > 1 and keys[:2] != ("threat", "goal"):
            _warn(
                warnings,
                WarningField(keys[0]),
                _(
                    "Merged sections ({names}) — the text was given to: {first}",
                    names=", ".join(_(SECTION_NAMES[k]) for k in keys),
                    first=_(SECTION_NAMES[keys[0]]),
                ),
            )
    if layout.blocks:
        for key in SECTIONS:
            name = _(SECTION_NAMES[key])
            if key not in sections:
                _warn(warnings, WarningField(key), _("Section not found: {name}", name=name))
            elif not any(line.strip() for line in sections[key]):
                _warn(warnings, WarningField(key), _("Empty section: {name}", name=name))
    else:
        _warn(
            warnings,
            WarningField.document,
            _("The plan's layout was not recognised — no section headings"),
        )
    return sections


@dataclass(frozen=True)
class _Header:
    area: tuple[str, int] | None
    unit: str | None
    title: str | None
    period: Period | None


def _read_header(
    layout: _Layout, full: str, warnings: list[ImportWarning], inherited: _Header | None
) -> _Header:
    """Area, unit, title and period: from the header first, the rest of the text after.

    A later plan of a several-plan document takes the unit, title and period its own header
    does not give from the document's first plan (plans of two areas under one heading), and
    its area too, with a warning (that one may well be wrong).
    """
    header = "\n".join(layout.header)
    area = _find_area(header, full)
    unit = _find_unit(header, full)
    title = _find_title(layout.header)
    period = _find_period(header, full)
    if inherited is not None:
        unit = unit or inherited.unit
        title = title or inherited.title
        period = period or inherited.period
        if area is None and inherited.area is not None:
            area = inherited.area
            _warn(
                warnings,
                WarningField.area,
                _("The service area was taken from the document's first plan — check it"),
            )
    for missing, where, message in (
        (area is None, WarningField.area, N_("The service area number was not recognised")),
        (unit is None, WarningField.unit, N_("The police unit was not recognised")),
        (title is None, WarningField.title, N_("The plan's title was not recognised")),
        (period is None, WarningField.period, N_("The plan's period was not recognised")),
    ):
        if missing:
            _warn(warnings, where, _(message))
    if period and period[1] < period[0]:
        _warn(warnings, WarningField.period, _("The plan's period ends before it starts"))
    return _Header(area, unit, title, period)


_RANK_LINE_RE = re.compile(
    r"^(?:dzielnicow\w*\s*:?\s*)?(?:(?:st|ml|mlodsz\w*|starsz\w*)\.?\s*)?"
    r"(?:post|sierz|asp|aspirant\w*|kom|podkom|nadkom|sierzant\w*|posterunkow\w*)\.?\s+"
    r"[^\W\d_]+(?:\s+[^\W\d_]+){0,3}\s*$"
)


_HEADER_TITLE_RE = re.compile(
    r"\bplan\w*\s+(?:dzialan\w*|priorytet\w*)|\bpriorytet\w*"
    r"|\binformacj\w*\s+(?:o\s+realizacj|dotyczac\w*)"
)
"""A title line, stricter than a title word: 'informacja na stronie…' ends the plan above."""


def _is_header_line(line: str) -> bool:
    """A line of a plan's header: its title, area, unit, period, or the officer's rank and name."""
    text = line.strip()
    if not text or len(text.split()) > _TITLE_LINE_WORDS or _BULLET_RE.match(text):
        return False
    folded = fold(text)
    if _RANK_LINE_RE.match(folded) or _AREA_LINE_RE.match(folded):
        return True
    if polish.parse_period(text):
        return True
    if text.endswith(".") and not re.search(r"\d\s*r\.$|roku\.$", folded):
        return False
    unit = _UNIT_LINE_RE.match(folded) or _UNIT_ABBREVIATION_RE.match(text)
    return bool(_HEADER_TITLE_RE.search(folded) or _AREA_RE.search(folded) or unit)


def _header_start(lines: list[str], heading: int, floor: int) -> int:
    """Where the plan whose first heading is at ``heading`` begins: its header lines before it."""
    start = heading
    index = heading - 1
    while index > floor and (not lines[index].strip() or _is_header_line(lines[index])):
        if lines[index].strip():
            start = index
        index -= 1
    return start


def _plan_starts(lines: list[str]) -> list[int]:
    """The first line of every plan: a threat heading after a plan's actions starts the next."""
    starts = [0]
    last_rank = -1
    for index, line in enumerate(lines):
        heading = _heading(line)
        if heading is None:
            continue
        rank = SECTIONS.index(heading.keys[0])
        if rank == 0 and last_rank >= SECTIONS.index("actions"):
            starts.append(_header_start(lines, index, starts[-1]))
            last_rank = SECTIONS.index(heading.keys[-1])
        elif rank > last_rank:
            last_rank = SECTIONS.index(heading.keys[-1])
    return starts


def _parse_lines(lines: list[str], inherited: _Header | None) -> tuple[ImportedPlan, _Header]:
    layout = _layout(lines)
    warnings = list(layout.warnings)
    header = _read_header(layout, "\n".join(lines), warnings, inherited)
    sections = _sections(layout, warnings)
    period = header.period

    threat = _text(_paragraphs(sections.get("threat", [])))
    diagnosis = _diagnosis(threat)
    goal, criterion = _goal_and_criterion(_paragraphs(sections.get("goal", [])), warnings)
    if not layout.blocks:
        threat, diagnosis, goal, criterion = _read_prose(lines, warnings)
    actions = [
        _action(item, number, period, warnings)
        for number, item in enumerate(_list_or_prose(sections.get("actions", [])), start=1)
    ]
    if "actions" in sections and not actions:
        _warn(warnings, WarningField.actions, _("No actions found in the actions section"))
    partners = _partners(sections.get("partners", []), warnings)
    plan = ImportedPlan(
        area=header.area[0] if header.area else None,
        area_number=header.area[1] if header.area else None,
        unit=header.unit,
        title=header.title,
        period_start=period[0] if period else None,
        period_end=period[1] if period else None,
        threat=threat,
        diagnosis=diagnosis,
        goal=goal,
        criterion=criterion,
        actions=actions,
        partners=partners,
        channels=_channels(sections.get("channels", [])),
        warnings=warnings,
    )
    return plan, header


_PROSE_THREAT_RE = re.compile(
    r"\bproblem\w*|\bzagrozeni\w*\s+(?:jest|stanowi|stwarza)|\bskarz\w*|\buciazliw\w*"
    r"|\bzglaszaj\w*"
)
_PROSE_GOAL_RE = re.compile(r"\bcelem\b|\bma\s+na\s+celu\b|\bchc(?:e|a|emy)\b")
_PROSE_DIAGNOSIS_RE = re.compile(r"\bzdiagnozow\w*|\bdiagnoz\w*")


def _read_prose(
    lines: list[str], warnings: list[ImportWarning]
) -> tuple[str | None, str | None, str | None, ImportedCriterion | None]:
    """Threat, diagnosis, goal and criterion of a text without sections (a press article, a
    plan told in prose): only sentences that state them outright, each flagged for checking."""
    sentences = [s for p in _paragraphs(lines) for s in split_sentences(p)]
    folded = [fold(s) for s in sentences]

    def first(pattern: re.Pattern[str], skip: set[int]) -> int | None:
        return next((i for i, s in enumerate(folded) if i not in skip and pattern.search(s)), None)

    criterion_at = next(
        (i for i, s in enumerate(folded) if _CRITERION_MARK_RE.search(s) and _is_measurable(s)),
        None,
    )
    taken = {criterion_at} if criterion_at is not None else set()
    threat_at = first(_PROSE_THREAT_RE, taken)
    stated = first(_PROSE_GOAL_RE, taken)
    goal_at = stated if stated is not None else criterion_at  # a criterion is a goal too
    diagnosis_at = first(_PROSE_DIAGNOSIS_RE, set())
    for found, where, message in (
        (threat_at, WarningField.threat, N_("The threat was read from running text — check it")),
        (goal_at, WarningField.goal, N_("The goal was read from running text — check it")),
        (
            criterion_at,
            WarningField.criterion,
            N_("The criterion was read from running text — check it"),
        ),
    ):
        if found is not None:
            _warn(warnings, where, _(message))
    criterion = _criterion(sentences[criterion_at], warnings) if criterion_at is not None else None
    return (
        sentences[threat_at] if threat_at is not None else None,
        sentences[diagnosis_at] if diagnosis_at is not None else None,
        sentences[goal_at] if goal_at is not None else None,
        criterion,
    )


def _empty_document() -> ImportedPlan:
    return ImportedPlan(
        warnings=[
            ImportWarning(
                field=WarningField.document,
                message=_("The document is empty — no plan text found"),
            )
        ]
    )


def parse_plans(text: str) -> list[ImportedPlan]:
    """Every plan of a text, each read on its own; never raises on content.

    Documents often hold two plans one after another (consecutive half-years, two areas):
    a threat heading after a plan's actions starts the next plan, together with the header
    lines just above it. A later plan takes what its header lacks from the first one's.
    """
    lines = _clean_lines(text)
    if not any(line.strip() for line in lines):
        return [_empty_document()]
    starts = _plan_starts(lines)
    plans: list[ImportedPlan] = []
    first: _Header | None = None
    for begin, end in zip(starts, [*starts[1:], len(lines)], strict=True):
        plan, header = _parse_lines(lines[begin:end], first)
        first = first or header
        plans.append(plan)
    return plans


def parse_plan(text: str) -> ImportedPlan:
    """The first plan of a text; a warning says when the text holds more (see parse_plans)."""
    plans = parse_plans(text)
    plan = plans[0]
    if len(plans) > 1:
        _warn(
            plan.warnings,
            WarningField.document,
            _(
                "The document holds {count} plans — only the first was read here",
                count=len(plans),
            ),
        )
    return plan
