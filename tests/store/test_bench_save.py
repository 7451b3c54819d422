"""The save benchmark's reference (``app.bench.local.RawSave``) writes the rows a save writes:
the entry, its revision and its outbox item, with every column the store has (a column added
to the store and not to the reference broke ``rejon bench --only save``)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select

from app.bench.local import OFFICER, RawSave, _demo_store, save_latency
from app.core.model import Entry, EntryRevision, OutboxItem
from app.core.store.db import session_scope


def _rows(engine: Engine) -> dict[str, list[dict[str, object]]]:
    with session_scope(engine) as session:
        return {
            model.__tablename__: [
                dict(row._mapping) for row in session.execute(select(model.__table__))
            ]
            for model in (Entry, EntryRevision, OutboxItem)
        }


def test_the_reference_writes_an_entry_its_revision_and_its_outbox_item(tmp_path: Path) -> None:
    engine, plan_id = _demo_store(tmp_path, 0)
    before = _rows(engine)
    raw = RawSave(str(engine.url.database), plan_id)
    try:
        raw()
    finally:
        raw.close()
    after = _rows(engine)
    [entry] = [r for r in after["entry"] if r not in before["entry"]]
    [revision] = [r for r in after["entry_revision"] if r not in before["entry_revision"]]
    [item] = [r for r in after["outbox"] if r not in before["outbox"]]
    assert entry["current_revision_id"] == revision["id"] == item["revision_id"]
    assert entry["officer_id"] == revision["officer_id"] == item["officer_id"] == OFFICER
    assert item["object_id"] == entry["id"] and item["acked_at"] is None
    engine.dispose()


def test_the_save_benchmark_runs_beside_its_reference() -> None:
    raw, save = save_latency((0,), repeat=3)
    assert raw.name.startswith("raw sqlite3") and raw.stats is not None
    assert save.stats is not None and save.ratio is not None and save.ratio > 0
