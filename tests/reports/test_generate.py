"""The seeded generator: reproducible, realistic, never in the future, never doubled."""

from datetime import UTC, datetime, time

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.core.demo import place_id
from app.core.model import EntryKind
from app.core.model.clock import to_local
from app.core.model.ids import stable_id
from app.core.plans.progress import plan_entries, plan_progress
from app.core.reports.generate import generate_entries
from app.core.store.errors import Conflict
from app.core.store.plans import get_plan, list_plans

KRASNIK_2024 = stable_id("plan", "krasnik", "2024-07-01")
LUBARTOW_2024 = stable_id("plan", "lubartow", "2024-01-01")
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


def _snapshot(session: Session, plan_id: str) -> list[tuple]:
    return [
        (e.entry_id, e.kind, e.occurred_at, e.place_id, e.lat, tuple(e.counts().values()), e.note)
        for e in plan_entries(session, get_plan(session, plan_id))
    ]


def test_same_seed_same_entries_other_seed_other_entries(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        assert generate_entries(session, KRASNIK_2024, seed=1, count=30, until=NOW) == 30
        first = _snapshot(session, KRASNIK_2024)
        session.rollback()
        generate_entries(session, KRASNIK_2024, seed=1, count=30, until=NOW)
        assert _snapshot(session, KRASNIK_2024) == first
        with pytest.raises(Conflict, match="already generated"):
            generate_entries(session, KRASNIK_2024, seed=1, count=30, until=NOW)
        session.rollback()
        generate_entries(session, KRASNIK_2024, seed=2, count=30, until=NOW)
        assert _snapshot(session, KRASNIK_2024) != first
        session.rollback()
        with pytest.raises(ValueError, match="negative"):
            generate_entries(session, KRASNIK_2024, count=-1)


def test_a_half_year_looks_like_the_plan_was_carried_out(gsession: Session) -> None:
    plan = get_plan(gsession, LUBARTOW_2024)
    entries = plan_entries(gsession, plan)
    checks = [e for e in entries if e.kind == EntryKind.place_check]
    days = {to_local(e.occurred_at).date() for e in checks}
    assert 0.7 * 182 <= len(days) <= 182  # most days of the half-year
    for check in checks:
        local = to_local(check.occurred_at)
        assert time(7) <= local.time() < time(22)
        assert check.place_id == place_id("nivea") and check.lat is not None
        assert abs(check.lat - 51.46630) < 0.001 and abs(check.lon - 22.61070) < 0.001
        assert check.gps_poor == (check.accuracy_m > 100)
        assert check.persons_legitimised <= 4 and check.offences <= 2
    kinds = {e.kind for e in entries}
    assert {EntryKind.talk, EntryKind.request_letter, EntryKind.partner_contact} <= kinds
    assert all(plan.period_start <= to_local(e.occurred_at).date() <= plan.period_end
               for e in entries)  # fmt: skip

    progress = plan_progress(gsession, KRASNIK_2024)
    by_kind = {a.kind: a for a in progress.actions}
    assert by_kind[EntryKind.meeting].times >= 3  # several meetings with the seniors
    assert by_kind[EntryKind.foot_patrol].done >= 0.8 * by_kind[EntryKind.foot_patrol].due
    assert 60 <= progress.criterion.value <= 400  # residents reached: the goal's scale


def test_a_current_plan_gets_nothing_after_the_cut_off(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        current = next(p for p in list_plans(session) if p.period_end > NOW.date())
        cutoff = datetime(current.period_start.year, current.period_start.month, 20, tzinfo=UTC)
        stored = generate_entries(session, current.id, seed=1, until=cutoff)
        entries = plan_entries(session, current)
        assert 0 < stored == len(entries) < 80
        assert max(e.occurred_at for e in entries) <= cutoff
        assert max(e.recorded_at for e in entries) <= cutoff
