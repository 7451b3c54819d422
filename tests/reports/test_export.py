"""CSV and XLSX exports read back: Polish headers, one row per entry in force, filters."""

import csv
from dataclasses import replace
from datetime import date, datetime
from io import BytesIO, StringIO
from zipfile import ZipFile

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from app.core.model import COUNT_FIELDS, EntryIn, EntryKind
from app.core.model.clock import LOCAL_TZ
from app.core.model.ids import stable_id
from app.core.plans.progress import plan_progress
from app.core.reports.export import csv_bytes, export_rows, xlsx_bytes
from app.core.store.entries import delete_entry, log_entry, revise_entry
from app.core.store.errors import NotFound
from app.core.store.org import officer_by_badge

KRASNIK_2024 = stable_id("plan", "krasnik", "2024-07-01")
LUBARTOW_2024 = stable_id("plan", "lubartow", "2024-01-01")

HEADERS = [
    "Data i godzina",
    "Rodzaj",
    "Plan",
    "Działanie",
    "Miejsce",
    "Osoby wylegitymowane",
    "Wręczone ulotki",
    "Mieszkańcy, z którymi rozmawiano",
    "Interwencje",
    "Ujawnione wykroczenia",
    "Mandaty karne",
    "Pouczenia",
    "Szerokość",
    "Długość",
    "Dokładność GPS",
    "Notatka",
    "Dzielnicowy",
    "Urządzenie",
    "Identyfikator wpisu",
]
COUNTERS = slice(5, 12)


def _csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Polish Excel needs
    return list(csv.reader(StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_csv_rows_match_the_progress_figures(gsession: Session) -> None:
    table = _csv(csv_bytes(export_rows(gsession, plan_id=LUBARTOW_2024)))
    assert table[0] == HEADERS
    rows = table[1:]
    progress = plan_progress(gsession, LUBARTOW_2024)
    assert len(rows) == progress.entries
    for index, name in enumerate(COUNT_FIELDS, start=COUNTERS.start):
        assert sum(int(row[index]) for row in rows) == progress.totals[name]
    checks = [r for r in rows if r[1] == "Kontrola miejsca"]
    assert len(checks) == progress.actions[0].times
    first = checks[0]
    assert first[4] == "Plac zabaw Nivea" and first[3].startswith("Kontrole placu zabaw Nivea")
    assert first[2].startswith("Plac zabaw Nivea") and first[16] == "100301"
    assert "," in first[12] and float(first[12].replace(",", ".")) == pytest.approx(
        51.4663, abs=1e-3
    )
    assert datetime.strptime(first[0], "%Y-%m-%d %H:%M").year == 2024
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)  # oldest first


def test_xlsx_has_real_dates_and_numbers(gsession: Session) -> None:
    rows = export_rows(gsession, plan_id=KRASNIK_2024)
    sheet = load_workbook(BytesIO(xlsx_bytes(rows))).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == HEADERS
    assert len(values) - 1 == len(rows) == plan_progress(gsession, KRASNIK_2024).entries
    assert isinstance(values[1][0], datetime) and values[1][0].year == 2024
    progress = plan_progress(gsession, KRASNIK_2024)
    for index, name in enumerate(COUNT_FIELDS, start=COUNTERS.start):
        assert sum(v[index] for v in values[1:]) == progress.totals[name]
    assert sheet.freeze_panes == "A2"


def test_filters_and_revisions_in_force(gsession: Session) -> None:
    everything = export_rows(gsession)
    lubartow = export_rows(gsession, plan_id=LUBARTOW_2024)
    krasnik = export_rows(gsession, plan_id=KRASNIK_2024)
    assert len(everything) == len(lubartow) + len(krasnik)
    march = export_rows(gsession, since=date(2024, 3, 1), until=date(2024, 3, 31))
    assert march and all(r.occurred_at.month == 3 and r.occurred_at.year == 2024 for r in march)
    assert len(march) == sum(1 for r in lubartow if r.occurred_at.month == 3)
    assert export_rows(gsession, officer_badge="200301") == krasnik
    assert export_rows(gsession, plan_id=LUBARTOW_2024, officer_badge="200301") == []

    officer = officer_by_badge(gsession, "100301").id
    at = datetime(2024, 3, 5, 9, tzinfo=LOCAL_TZ)
    fresh = log_entry(
        gsession,
        EntryIn(kind=EntryKind.talk, occurred_at=at, plan_id=LUBARTOW_2024, residents_spoken=3),
        officer_id=officer,
        device_id="phone-1",
        queue=False,
    ).entry_id
    gone = log_entry(
        gsession,
        EntryIn(kind=EntryKind.talk, occurred_at=at, plan_id=LUBARTOW_2024, residents_spoken=9),
        officer_id=officer,
        device_id="phone-1",
        queue=False,
    ).entry_id
    revise_entry(
        gsession,
        fresh,
        EntryIn(kind=EntryKind.talk, occurred_at=at, plan_id=LUBARTOW_2024, residents_spoken=5),
        officer_id=officer,
        device_id="phone-2",
        queue=False,
    )
    delete_entry(gsession, gone, officer_id=officer, device_id="phone-1", queue=False)
    after = export_rows(gsession, plan_id=LUBARTOW_2024)
    assert len(after) == len(lubartow) + 1
    row = next(r for r in after if r.entry_id == fresh)
    assert (row.counts["residents_spoken"], row.device_id) == (5, "phone-2")
    assert all(r.entry_id != gone for r in after)


def test_bad_filters_are_refused(gsession: Session) -> None:
    with pytest.raises(ValueError, match="before it starts"):
        export_rows(gsession, since=date(2024, 5, 1), until=date(2024, 4, 1))
    with pytest.raises(NotFound):
        export_rows(gsession, officer_badge="000000")
    with pytest.raises(NotFound):
        export_rows(gsession, plan_id="no-such-plan")


FORMULAS = [
    '=HYPERLINK("http://example.invalid/x","klik")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "=1;=2",
]
PLAIN = ["zwykła notatka", "kontrola - bez uwag", "znak\x01sterujący"]


def _formula_rows(gsession: Session) -> tuple[list[str], list]:
    """Entries whose notes (and a place's name) were typed as spreadsheet formulas."""
    officer = officer_by_badge(gsession, "100301").id
    at = datetime(2024, 3, 6, 9, tzinfo=LOCAL_TZ)
    ids = [
        log_entry(
            gsession,
            EntryIn(kind=EntryKind.talk, occurred_at=at, plan_id=LUBARTOW_2024, note=note),
            officer_id=officer,
            device_id="=cmd|' /C calc'!A0",
            queue=False,
        ).entry_id
        for note in [*FORMULAS, *PLAIN]
    ]
    rows = [r for r in export_rows(gsession, plan_id=LUBARTOW_2024) if r.entry_id in ids]
    return ids, rows


def test_csv_cells_never_start_a_formula(gsession: Session) -> None:
    """OWASP's CSV injection guidance: a text cell starting with = + - @ tab or CR gets an
    apostrophe in front; the file read back holds the text, never a formula start."""
    _ids, rows = _formula_rows(gsession)
    table = _csv(csv_bytes(rows))
    assert table[0] == HEADERS
    notes = [line[15] for line in table[1:]]
    assert sorted(notes) == sorted([f"'{f}" for f in FORMULAS] + PLAIN)
    for line in table[1:]:
        texts = [*line[1:5], *line[15:]]
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in texts)
        assert line[17] == "'=cmd|' /C calc'!A0"
    # numbers we write ourselves stay numbers (a negative one keeps its sign)
    assert _csv(csv_bytes([replace(rows[0], lon=-1.5)]))[1][13] == "-1,5"


def test_xlsx_text_cells_are_text_not_formulas(gsession: Session) -> None:
    _ids, rows = _formula_rows(gsession)
    data = xlsx_bytes(rows)
    sheet = load_workbook(BytesIO(data)).active
    body = list(sheet.iter_rows(min_row=2))
    kept = [p.replace("\x01", "") for p in PLAIN]  # XML cannot hold it: left out, no crash
    assert sorted(r[15].value for r in body) == sorted([*FORMULAS, *kept])
    assert all(r[15].data_type == "s" and r[17].data_type == "s" for r in body)
    assert all(r[17].value == "=cmd|' /C calc'!A0" for r in body)
    assert isinstance(body[0][0].value, datetime) and body[0][5].data_type == "n"
    with ZipFile(BytesIO(data)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
