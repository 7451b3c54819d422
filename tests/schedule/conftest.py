"""Demo plans for a fixed half-year (Jan–Jun 2025), a night-shift plan, and entry helpers.

The plans are loaded once per test run and backend (migrating and loading take a second or two
on PostgreSQL); each test gets them with no entries, whatever the previous test logged.
"""

import uuid
from collections.abc import Iterator
from datetime import date, datetime, time

import pytest
from sqlalchemy import delete, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from app.core.demo import AREA_IDS, load_demo, place_id
from app.core.model import (
    ActionIn,
    Entry,
    EntryIn,
    EntryKind,
    EntryRevision,
    FrequencyUnit,
    OutboxItem,
    Plan,
    PlanIn,
    PlanStatus,
)
from app.core.model.clock import LOCAL_TZ
from app.core.model.ids import stable_id
from app.core.schedule.service import Task, tasks_for_day
from app.core.store.db import make_engine, migrate
from app.core.store.entries import log_entry
from app.core.store.plans import save_plan
from tests.conftest import BACKENDS, _drop_pg_schema, _pg_schema_engine

TODAY = date(2025, 3, 15)
START, END = date(2025, 1, 1), date(2025, 6, 30)
LUBARTOW = stable_id("plan", "lubartow", str(START))
KRASNIK = stable_id("plan", "krasnik", str(START))
OFFICER = stable_id("officer", "100301")
OFFICER_KRASNIK = stable_id("officer", "200301")
NIGHT = stable_id("plan", "test", "night")


def action(plan_key: str, name: str) -> str:
    return stable_id("action", plan_key, str(START), name)


CHECK = action("lubartow", "check")
REQUEST = action("lubartow", "request")
TALKS = action("lubartow", "talks")
NIGHT_CHECK = stable_id("action", "test", "night-check")
EARLY_DEADLINE = stable_id("action", "test", "early-deadline")
MONTHLY = stable_id("action", "test", "monthly")
WEEKENDS = stable_id("action", "test", "weekends")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """Warsaw wall-clock time on ``day``, aware."""
    return datetime.combine(day, time(hour, minute), LOCAL_TZ)


def log(
    session: Session,
    kind: EntryKind | str,
    when: datetime,
    *,
    plan_id: str | None,
    action_id: str | None = None,
    officer_id: str = OFFICER,
) -> str:
    revision = log_entry(
        session,
        EntryIn(kind=kind, occurred_at=when, plan_id=plan_id, action_id=action_id),
        officer_id=officer_id,
        device_id="test",
    )
    session.commit()
    return revision.entry_id


def tasks(session: Session, day: date, now: datetime, *plan_ids: str) -> dict[str, Task]:
    """The day's tasks of the given plans, by action id."""
    found = tasks_for_day(session, day, plan_ids=list(plan_ids) or None, now=now)
    return {task.action_id: task for task in found}


def _night_plan() -> PlanIn:
    """An approved plan of our own: a night window on weekdays, an early deadline, a monthly
    frequency and weekend-only patrols in April."""
    return PlanIn(
        id=NIGHT,
        area_id=AREA_IDS["lubartow"],
        officer_id=OFFICER,
        title="Nocne kontrole",
        period_start=START,
        period_end=END,
        threat="Zakłócanie spokoju nocą.",
        goal="Spokój nocny.",
        status=PlanStatus.approved,
        actions=[
            ActionIn(
                id=NIGHT_CHECK,
                text="Kontrole placu zabaw w nocy",
                kind=EntryKind.place_check,
                time_from=time(21, 0),
                time_to=time(2, 0),
                weekdays=[0, 1, 2, 3, 4],
                place_id=place_id("nivea"),
            ),
            ActionIn(
                id=EARLY_DEADLINE,
                text="Spotkanie z zarządem spółdzielni",
                kind=EntryKind.meeting,
                start_date=date(2025, 2, 1),
                end_date=date(2025, 3, 31),
                deadline=True,
            ),
            ActionIn(
                id=MONTHLY,
                text="Ulotki w klatkach schodowych",
                kind=EntryKind.leaflets,
                freq_times=2,
                freq_per=FrequencyUnit.month,
            ),
            ActionIn(
                id=WEEKENDS,
                text="Obchody w weekendy",
                kind=EntryKind.foot_patrol,
                start_date=date(2025, 4, 1),
                end_date=date(2025, 4, 30),
                weekdays=[5, 6],
            ),
        ],
    )


@pytest.fixture(scope="session", params=BACKENDS)
def plans_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A database per backend with both demo plans (2024 closed, 2025 approved) and ours."""
    schema = None
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('schedule') / 'plans.db'}")
    elif request.param == "postgresql":
        schema = f"t_{uuid.uuid4().hex[:12]}"
        engine = _pg_schema_engine(schema)
    else:
        raise ValueError(f"unknown backend {request.param!r} in REJON_TEST_DB")
    migrate(engine)
    with Session(engine) as session:
        load_demo(session, today=TODAY, history=False)
        save_plan(session, _night_plan())
        session.commit()
    yield engine
    engine.dispose()
    if schema is not None:
        _drop_pg_schema(schema)


@pytest.fixture
def demo(plans_engine: Engine) -> Iterator[Session]:
    """A session on the plans, with no entries; what a test logs or changes is undone after."""
    with Session(plans_engine, expire_on_commit=False) as session:
        yield session
        session.rollback()
        for model in (OutboxItem, EntryRevision, Entry):
            session.execute(delete(model))
        session.execute(
            update(Plan)
            .where(col(Plan.id).in_([LUBARTOW, KRASNIK, NIGHT]))
            .values(status=PlanStatus.approved)
        )
        session.commit()
