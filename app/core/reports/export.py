"""Entries as CSV and XLSX: one row per entry in force (current revision, not deleted).

CSV is UTF-8 with a BOM, ';'-separated, decimal commas — what Polish Excel opens without an
import wizard. XLSX keeps real dates and numbers. Column headers are in the UI language
(Polish by default).

Every text in an export was typed on some phone (a note, a place's name, a plan's title), and
the supervisor opens the file in a spreadsheet: a text that reads as a formula there
(``=HYPERLINK(…)``) must stay a text. Following OWASP's CSV injection guidance, a CSV text
cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
apostrophe (and the writer quotes it as needed); in XLSX every text cell is written as a text
cell (``data_type`` "s"), never as a formula, so it reads back exactly as typed.
"""

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO, StringIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session, col, select

from app.core.i18n import translator
from app.core.i18n.labels import kind_label, measure_label
from app.core.model import COUNT_FIELDS, Action, Entry, EntryRevision, Officer, Place, Plan
from app.core.model.clock import local_day_bounds, to_local
from app.core.store.entries import current_entries
from app.core.store.org import officer_by_badge
from app.core.store.plans import get_plan

_ = translator("reports")

_CHUNK = 500


@dataclass(frozen=True)
class ExportRow:
    """One entry in force, resolved to names people read."""

    occurred_at: datetime
    """Local (Warsaw) time, aware."""
    kind: str
    plan: str
    action: str
    place: str
    counts: dict[str, int]
    lat: float | None
    lon: float | None
    accuracy_m: float | None
    note: str
    officer_badge: str
    device_id: str
    entry_id: str


def headers() -> list[str]:
    return [
        _("Date and time"),
        _("Kind"),
        _("Plan"),
        _("Action"),
        _("Place"),
        *(measure_label(name) for name in COUNT_FIELDS),
        _("Latitude"),
        _("Longitude"),
        _("GPS accuracy"),
        _("Note"),
        _("Officer"),
        _("Device"),
        _("Entry id"),
    ]


def _names(session: Session, model: type, ids: set[str], attribute: str) -> dict[str, str]:
    names: dict[str, str] = {}
    id_list = sorted(ids)
    for start in range(0, len(id_list), _CHUNK):
        chunk = id_list[start : start + _CHUNK]
        for row in session.exec(select(model).where(col(model.id).in_(chunk))):
            names[row.id] = getattr(row, attribute)
    return names


def export_rows(
    session: Session,
    *,
    plan_id: str | None = None,
    since: date | None = None,
    until: date | None = None,
    officer_badge: str | None = None,
) -> list[ExportRow]:
    """Entries in force, oldest first, filtered by plan, local days [since, until], officer."""
    if since and until and until < since:
        raise ValueError(f"the range ends ({until}) before it starts ({since})")
    if plan_id is not None:
        get_plan(session, plan_id)
    officer_id = officer_by_badge(session, officer_badge).id if officer_badge else None
    revisions = current_entries(
        session,
        plan_id=plan_id,
        officer_id=officer_id,
        since=local_day_bounds(since)[0] if since else None,
        until=local_day_bounds(until)[1] if until else None,
    )
    revisions.sort(key=lambda r: (r.occurred_at, r.entry_id))
    owners = _names(session, Entry, {r.entry_id for r in revisions}, "officer_id")
    badges = _names(session, Officer, set(owners.values()), "badge")
    plans = _names(session, Plan, {r.plan_id for r in revisions if r.plan_id}, "title")
    actions = _names(session, Action, {r.action_id for r in revisions if r.action_id}, "text")
    places = _names(session, Place, {r.place_id for r in revisions if r.place_id}, "name")
    return [
        _row(r, badges.get(owners.get(r.entry_id, ""), ""), plans, actions, places)
        for r in revisions
    ]


def _row(
    revision: EntryRevision,
    badge: str,
    plans: dict[str, str],
    actions: dict[str, str],
    places: dict[str, str],
) -> ExportRow:
    return ExportRow(
        occurred_at=to_local(revision.occurred_at),
        kind=kind_label(revision.kind),
        plan=plans.get(revision.plan_id or "", ""),
        action=actions.get(revision.action_id or "", ""),
        place=places.get(revision.place_id or "", ""),
        counts=revision.counts(),
        lat=revision.lat,
        lon=revision.lon,
        accuracy_m=revision.accuracy_m,
        note=revision.note,
        officer_badge=badge,
        device_id=revision.device_id,
        entry_id=revision.entry_id,
    )


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP: CSV injection)."""


def csv_text(value: str) -> str:
    """A text cell for CSV that no spreadsheet runs: a formula-like start gets an apostrophe."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _decimal(value: float | None) -> str:
    """A decimal comma, as Polish Excel reads numbers."""
    return "" if value is None else repr(float(value)).replace(".", ",")


def csv_bytes(rows: Sequence[ExportRow]) -> bytes:
    """UTF-8 with BOM, ';'-separated: opens in Polish Excel as columns with Polish letters."""
    buffer = StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([csv_text(h) for h in headers()])
    for row in rows:
        writer.writerow(
            [
                f"{row.occurred_at:%Y-%m-%d %H:%M}",
                *map(csv_text, (row.kind, row.plan, row.action, row.place)),
                *(row.counts[name] for name in COUNT_FIELDS),
                _decimal(row.lat),
                _decimal(row.lon),
                _decimal(row.accuracy_m),
                *map(csv_text, (row.note, row.officer_badge, row.device_id, row.entry_id)),
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


XlsxValue = datetime | str | int | float | None


def _append_row(sheet: Worksheet, values: list[XlsxValue]) -> None:
    """A row whose texts are text cells: openpyxl takes a text starting with "=" for a
    formula, so each text cell is set back to a string after it is written. Control
    characters XML cannot hold (a note typed with one) are left out instead of failing."""
    sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def xlsx_bytes(rows: Sequence[ExportRow]) -> bytes:
    """One sheet, bold frozen header with filters, real dates and numbers."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Entries")
    _append_row(sheet, list(headers()))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        _append_row(
            sheet,
            [
                row.occurred_at.replace(tzinfo=None),
                row.kind,
                row.plan,
                row.action,
                row.place,
                *(row.counts[name] for name in COUNT_FIELDS),
                row.lat,
                row.lon,
                row.accuracy_m,
                row.note,
                row.officer_badge,
                row.device_id,
                row.entry_id,
            ],
        )
    for cell in sheet["A"][1:]:
        cell.number_format = "yyyy-mm-dd hh:mm"
    widths = [17, 18, 30, 30, 24, *([12] * len(COUNT_FIELDS)), 11, 11, 10, 40, 12, 14, 38]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
