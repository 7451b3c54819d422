"""On the phone: saving an entry, and building the Today screen, with many entries stored."""

import tempfile
from datetime import UTC, datetime
from pathlib import Path

from app.bench.data import bulk_insert_entries, entry_rows
from app.bench.timing import Figure, sample
from app.model import EntryIn, EntryKind
from app.model.clock import local_today
from app.model.ids import stable_id
from app.plans.demo import load_demo, place_id
from app.store.db import open_store, session_scope
from app.store.entries import log_entry

OFFICER = stable_id("officer", "100301")


def _demo_store(folder: Path, stored: int):  # noqa: ANN202  (an Engine)
    # as the field app opens it (app.ui.bootstrap): checkpoints off the save path
    engine = open_store(f"sqlite:///{folder / f'bench-{stored}.db'}", background_checkpoints=True)
    with session_scope(engine) as session:
        plan_ids = load_demo(session, history=False)
    current_plan = next(
        pid for pid in plan_ids if pid == stable_id("plan", "lubartow", current_half())
    )
    if stored:
        bulk_insert_entries(engine, *entry_rows(stored, officer_id=OFFICER, plan_id=current_plan))
    return engine, current_plan


def current_half() -> str:
    today = local_today()
    return f"{today.year}-{'01' if today.month <= 6 else '07'}-01"


def save_latency(sizes: tuple[int, ...] = (0, 10_000, 100_000), repeat: int = 300) -> list[Figure]:
    """One entry + its outbox item, committed in one transaction, as the Save button does."""
    figures = []
    with tempfile.TemporaryDirectory() as folder:
        for stored in sizes:
            engine, plan_id = _demo_store(Path(folder), stored)

            def save(plan_id: str = plan_id, engine=engine) -> None:  # noqa: ANN001
                with session_scope(engine) as session:
                    log_entry(
                        session,
                        EntryIn(
                            kind=EntryKind.place_check,
                            occurred_at=datetime.now(UTC),
                            plan_id=plan_id,
                            place_id=place_id("nivea"),
                            lat=51.4663,
                            lon=22.6107,
                            accuracy_m=8,
                            persons_legitimised=2,
                        ),
                        officer_id=OFFICER,
                        device_id="bench",
                    )

            stats = sample(save, repeat)
            target = "p99 < 20 ms" if stored == max(sizes) else ""
            figures.append(
                Figure(
                    f"save one entry locally, {stored:,} stored",
                    stats,
                    target=target,
                    met=stats.p99 < 0.020 if target else None,
                )
            )
            engine.dispose()
    return figures


def today_screen(stored: int = 100_000, repeat: int = 50) -> list[Figure]:
    """The data behind the Today screen: tasks and their status for the signed-in officer."""
    from app.schedule.service import tasks_for_day

    with tempfile.TemporaryDirectory() as folder:
        engine, _plan_id = _demo_store(Path(folder), stored)
        today = local_today()

        def build() -> None:
            with session_scope(engine) as session:
                tasks_for_day(session, today, officer_id=OFFICER)

        stats = sample(build, repeat)
        engine.dispose()
    return [
        Figure(
            f"Today screen data, {stored:,} entries stored",
            stats,
            target="< 50 ms",
            met=stats.p99 < 0.050,
        )
    ]
