"""Seeded benchmark data, generated (never committed) and bulk-inserted for speed."""

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from app.core.model import COUNT_FIELDS, Entry, EntryKind, EntryRevision, Place
from app.core.model.ids import new_id

ORIGIN = (51.4663, 22.6107)  # the Nivea playground, Lubartów


def entry_rows(
    n: int,
    *,
    officer_id: str,
    plan_id: str | None,
    seed: int = 7,
    device_id: str = "bench",
    start: datetime | None = None,
    end: datetime | None = None,
) -> tuple[list[dict], list[dict]]:
    """``n`` entries as (heads, revisions) rows spread over [start, end) (default: 180 days)."""
    rng = random.Random(seed)
    end = end or datetime.now(UTC)
    start = start or end - timedelta(days=180)
    span_minutes = max(1, int((end - start).total_seconds() // 60))
    kinds = list(EntryKind)
    heads, revisions = [], []
    for _ in range(n):
        entry_id, revision_id = new_id(), new_id()
        when = start + timedelta(minutes=rng.randrange(span_minutes))
        heads.append(
            {
                "id": entry_id,
                "officer_id": officer_id,
                "device_id": device_id,
                "current_revision_id": revision_id,
                "current_seq": 1,
                "deleted": False,
                "needs_review": False,
                "created_at": when,
            }
        )
        revision = {
            "id": revision_id,
            "entry_id": entry_id,
            "seq": 1,
            "base_revision_id": None,
            "officer_id": officer_id,
            "device_id": device_id,
            "recorded_at": when,
            "deleted": False,
            "server_version": None,
            "kind": rng.choice(kinds).value,
            "occurred_at": when,
            "plan_id": plan_id,
            "action_id": None,
            "place_id": None,
            "lat": ORIGIN[0] + rng.uniform(-0.02, 0.02),
            "lon": ORIGIN[1] + rng.uniform(-0.02, 0.02),
            "accuracy_m": rng.uniform(3, 60),
            "gps_poor": False,
            "note": "",
        }
        for name in COUNT_FIELDS:
            revision[name] = rng.choice((0, 0, 0, 1, 2, 5))
        revisions.append(revision)
    return heads, revisions


def bulk_insert_entries(engine: Engine, heads: list[dict], revisions: list[dict]) -> None:
    """The raw-database reference: executemany inserts in one transaction."""
    with engine.begin() as conn:
        for start in range(0, len(heads), 5000):
            conn.execute(insert(Entry.__table__), heads[start : start + 5000])
            conn.execute(insert(EntryRevision.__table__), revisions[start : start + 5000])


def random_places(n: int, seed: int = 11, spread_deg: float = 1.0) -> list[Place]:
    """``n`` places around Lubartów with radii of 30–300 m."""
    rng = random.Random(seed)
    return [
        Place(
            id=new_id(),
            name=f"Miejsce {i}",
            lat=ORIGIN[0] + rng.uniform(-spread_deg, spread_deg),
            lon=ORIGIN[1] + rng.uniform(-spread_deg, spread_deg),
            radius_m=rng.uniform(30, 300),
        )
        for i in range(n)
    ]
