"""On the phone: storing pulled pages (a first sign-in's thousands of revisions), against raw
sqlite3 inserts of the same rows with the same PRAGMAs, turn about on the same machine."""

import shutil
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from app.bench.data import entry_rows
from app.bench.timing import Figure, Stats
from app.core.demo import load_demo
from app.core.model import Entry, EntryRevision
from app.core.model.ids import stable_id
from app.core.store.db import no_autocheckpoint, open_store, session_scope, sqlite_pragmas
from app.core.sync.schemas import ChangesOut, RevisionOut
from app.device.sync.apply import apply_page

OFFICER = stable_id("officer", "100301")
PLAN = stable_id("plan", "lubartow", "2024-01-01")
DEVICE = "bench-other-device"


def _pages(heads: list[dict], revisions: list[dict], size: int) -> list[ChangesOut]:
    """The revisions as the service sends them: server order, ``size`` to a page."""
    out = [
        RevisionOut(
            **{
                **revision,
                "server_version": version,
                "entry_officer_id": head["officer_id"],
                "entry_device_id": head["device_id"],
                "entry_needs_review": False,
            }
        )
        for version, (head, revision) in enumerate(zip(heads, revisions, strict=True), start=1)
    ]
    return [
        ChangesOut(
            since=first,
            next_cursor=min(first + size, len(out)),
            has_more=first + size < len(out),
            scope="bench",
            last_mutation_id=None,
            units=[],
            areas=[],
            officers=[],
            places=[],
            plans=[],
            revisions=out[first : first + size],
        )
        for first in range(0, len(out), size)
    ]


def _sqlite_value(value: object) -> object:
    """As SQLAlchemy's SQLite dialect stores it: naive UTC text for instants."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return value


class RawPages:
    """The reference: each page's heads and revisions inserted by a bare ``sqlite3`` connection
    (two executemany, one transaction per page, as ``apply_page`` commits), same PRAGMAs."""

    def __init__(self, path: Path, heads: list[dict], revisions: list[dict], size: int) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None)
        sqlite_pragmas(self.connection, None)
        no_autocheckpoint(self.connection, None)
        self.sql = [
            f"INSERT INTO {table.name} ({', '.join(c.name for c in table.columns)}) "
            f"VALUES ({', '.join(':' + c.name for c in table.columns)})"
            for table in (Entry.__table__, EntryRevision.__table__)
        ]
        versioned = [{**row, "server_version": n} for n, row in enumerate(revisions, start=1)]
        rows = [
            [{key: _sqlite_value(value) for key, value in row.items()} for row in table]
            for table in (heads, versioned)
        ]
        self.pages = [
            (rows[0][first : first + size], rows[1][first : first + size])
            for first in range(0, len(heads), size)
        ]

    def page(self, number: int) -> None:
        heads, revisions = self.pages[number]
        db = self.connection
        db.execute("BEGIN")
        db.executemany(self.sql[0], heads)
        db.executemany(self.sql[1], revisions)
        db.execute("COMMIT")

    def close(self) -> None:
        self.connection.close()


def _template(folder: Path) -> Path:
    """A device store as after sign-in: the demo's units, officers, places and plans."""
    path = folder / "template.db"
    engine = open_store(f"sqlite:///{path}")
    with session_scope(engine) as session:
        load_demo(session, history=False)
    engine.dispose()
    return path


def _timed_pages(engine: Engine, pages: list[ChangesOut]) -> list[float]:
    durations = []
    for page in pages:
        began = time.perf_counter()
        apply_page(engine, page)
        durations.append(time.perf_counter() - began)
    return durations


def apply_pulled(n: int = 2_000, size: int = 100, repeat: int = 5) -> list[Figure]:
    """``n`` pulled revisions (new entries of another device) stored page by page, as a first
    sign-in stores them, then the same pages again (a page pulled twice: nothing new); beside
    the raw inserts of the same rows. Each repetition on fresh copies of one demo store; the
    two turn about so both see the same moment of a shared machine."""
    heads, revisions = entry_rows(n, officer_id=OFFICER, plan_id=PLAN, seed=17, device_id=DEVICE)
    pages = _pages(heads, revisions, size)
    applied, again, raw = [], [], []
    totals: dict[str, list[float]] = {"apply": [], "raw": []}
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        template = _template(folder)
        for run in range(repeat + 1):  # the first is a warm-up
            store, reference = folder / f"apply-{run}.db", folder / f"raw-{run}.db"
            shutil.copy(template, store)
            shutil.copy(template, reference)
            engine = open_store(f"sqlite:///{store}", background_checkpoints=True)
            rawpages = RawPages(reference, heads, revisions, size)
            try:
                page_times: list[float] = []
                raw_times: list[float] = []
                for number, page in enumerate(pages):
                    began = time.perf_counter()
                    apply_page(engine, page)
                    page_times.append(time.perf_counter() - began)
                    began = time.perf_counter()
                    rawpages.page(number)
                    raw_times.append(time.perf_counter() - began)
                again_times = _timed_pages(engine, pages)
            finally:
                rawpages.close()
                engine.dispose()
            if run:
                applied += page_times
                raw += raw_times
                again += again_times
                totals["apply"].append(sum(page_times))
                totals["raw"].append(sum(raw_times))
    stats, raw_stats, again_stats = Stats.of(applied), Stats.of(raw), Stats.of(again)
    whole, raw_whole = Stats.of(totals["apply"]), Stats.of(totals["raw"])
    return [
        Figure(
            f"raw sqlite3 executemany of pulled pages of {size} (reference)",
            raw_stats,
            value=f"{n:,} entries in {raw_whole.median * 1e3:,.0f} ms (median of {repeat})",
        ),
        Figure(
            f"apply {n:,} pulled revisions, pages of {size}",
            stats,
            value=f"{n:,} in {whole.median * 1e3:,.0f} ms, {n / whole.median:,.0f} rows/s",
            ratio=stats.median / raw_stats.median,
            ratio_label="the raw page's time (medians)",
        ),
        Figure(
            f"apply the same {n:,} again (a page pulled twice)",
            again_stats,
            ratio=again_stats.median / raw_stats.median,
            ratio_label="the raw page's time (medians)",
        ),
    ]
