"""Documents: importing the sample plans, and the report of a plan with many entries."""

import tempfile
from datetime import UTC, datetime
from pathlib import Path

from app.bench.timing import Figure, sample

DOCUMENTS = Path(__file__).resolve().parents[2] / "tests" / "plans" / "docs"
"""Our own plan documents (written for the importer's tests; in the repository)."""


def import_samples(repeat: int = 20) -> list[Figure]:
    from app.core.plans.importer import import_file

    figures = []
    for path in sorted(DOCUMENTS.glob("*.txt")):
        stats = sample(lambda path=path: import_file(path), repeat)
        figures.append(
            Figure(f"import {path.name}", stats, target="< 50 ms", met=stats.p99 < 0.050)
        )
    return figures


def report(entries: int = 10_000, repeat: int = 3) -> list[Figure]:
    from app.bench.data import bulk_insert_entries, entry_rows
    from app.bench.local import OFFICER
    from app.core.demo import load_demo
    from app.core.model.ids import stable_id
    from app.core.reports.docx import render_docx
    from app.core.reports.report import build_report
    from app.core.store.db import open_store, session_scope

    plan_id = stable_id("plan", "lubartow", "2024-01-01")
    with tempfile.TemporaryDirectory() as folder:
        engine = open_store(f"sqlite:///{Path(folder) / 'report.db'}")
        with session_scope(engine) as session:
            load_demo(session, history=False)
        heads, revisions = entry_rows(
            entries,
            officer_id=OFFICER,
            plan_id=plan_id,
            start=datetime(2024, 1, 1, tzinfo=UTC),
            end=datetime(2024, 6, 30, 20, tzinfo=UTC),
        )
        bulk_insert_entries(engine, heads, revisions)
        out = Path(folder) / "report.docx"

        def build() -> None:
            with session_scope(engine) as session:
                out.write_bytes(render_docx(build_report(session, plan_id)))

        stats = sample(build, repeat, warmup=1)
        engine.dispose()
    return [
        Figure(
            f"realization report (DOCX) for a plan with {entries:,} entries",
            stats,
            target="< 2 s",
            met=stats.p99 < 2.0,
        )
    ]
