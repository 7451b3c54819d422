"""The demo loader: the sample plans, the unit's other plans and their history; idempotent,
deterministic, on both databases."""

from datetime import date, timedelta

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.core.demo import (
    ACCOUNTS,
    AREA_NUMBERS,
    DEMO_PASSWORD,
    PLACES,
    PLANS,
    UNITS,
    demo_plans,
    load_demo,
)
from app.core.model import (
    Action,
    Entry,
    EntryRevision,
    Officer,
    OfficerArea,
    Partner,
    Place,
    Plan,
    ServiceArea,
    Unit,
)
from app.core.model.clock import local_day_bounds, local_today, to_local
from app.core.model.ids import stable_id
from app.core.plans.progress import BaselineSource, plan_progress, unit_overview
from app.core.security import verify_password
from app.core.store.plans import list_plans, read_plan

TODAY = date(2026, 11, 23)


def counts(session: Session) -> dict[str, int]:
    return {
        model.__name__: session.exec(select(func.count()).select_from(model)).one()
        for model in (
            Unit,
            ServiceArea,
            Officer,
            Place,
            Plan,
            Action,
            Partner,
            Entry,
            EntryRevision,
        )
    }


def content(session: Session) -> list[tuple]:
    """Every revision as stored: id, entry, time, kind, place, position and counters."""
    rows = session.exec(select(EntryRevision).order_by(EntryRevision.id))
    return [
        (r.id, r.entry_id, r.occurred_at, r.recorded_at, r.kind, r.place_id, r.lat, r.lon,
         tuple(r.counts().values()), r.note)
        for r in rows
    ]  # fmt: skip


def test_loading_twice_changes_nothing(engine: Engine) -> None:
    with Session(engine) as s:
        first = load_demo(s, today=TODAY)
        s.commit()
        before = counts(s)
        assert load_demo(s, today=TODAY) == first
        s.commit()
        assert counts(s) == before
    plans = demo_plans(TODAY)
    assert {key: before[key] for key in ("Unit", "ServiceArea", "Officer", "Place")} == {
        "Unit": len(UNITS),
        "ServiceArea": sum(len(numbers) for numbers in AREA_NUMBERS.values()),
        "Officer": len(ACCOUNTS),
        "Place": len(PLACES),
    }
    assert before["Plan"] == len(plans) == len(first)
    assert before["Action"] == sum(len(p.actions) for p in plans)
    assert before["Partner"] == sum(len(p.partners) for p in plans)
    assert 0 < before["Entry"] == before["EntryRevision"]


def test_the_history_is_the_same_in_every_store_and_only_grows(engine: Engine) -> None:
    """The device's and the service's store get the same rows; a later day only adds entries."""
    with Session(engine) as s:
        load_demo(s, today=TODAY)
        first = content(s)
        s.rollback()
        load_demo(s, today=TODAY)
        assert content(s) == first  # the same seed, the same demo, the same ids
        load_demo(s, today=TODAY + timedelta(days=3))
        later = content(s)
        s.rollback()
    assert len(later) > len(first) and set(first) <= set(later)


def test_a_demo_day_ahead_of_the_real_clock_loads(engine: Engine) -> None:
    """`rejon run --date` a year ahead: the history up to that day, although the real clock
    has not got there (the demo's rows are not typed input)."""
    ahead = local_today() + timedelta(days=400)
    with Session(engine) as s:
        load_demo(s, today=ahead)
        s.commit()
        last = max(s.exec(select(EntryRevision.occurred_at)))
        assert to_local(last).date() == ahead - timedelta(days=1)


def test_entries_up_to_yesterday_and_a_modest_volume(engine: Engine) -> None:
    with Session(engine) as s:
        ids = load_demo(s, today=TODAY)
        s.commit()
        revisions = list(s.exec(select(EntryRevision)))
        assert max(to_local(r.occurred_at).date() for r in revisions) == TODAY - timedelta(days=1)
        assert max(r.recorded_at for r in revisions) < local_day_bounds(TODAY)[0]
        for plan_id in ids:
            per_plan = [r for r in revisions if r.plan_id == plan_id]
            assert 20 <= len(per_plan) <= 400, plan_id  # a few hundred, never tens of thousands
        assert all(r.officer_id == s.get(Plan, r.plan_id).officer_id for r in revisions)
        places = {p.id: p for p in s.exec(select(Place))}
        for r in revisions:
            if r.place_id is not None and r.lat is not None:
                place = places[r.place_id]
                assert abs(r.lat - place.lat) * 111_320 <= place.radius_m


def test_current_plans_measure_against_the_closed_half_year_before(engine: Engine) -> None:
    with Session(engine) as s:
        load_demo(s, today=TODAY)
        s.commit()
        current = [p for p in s.exec(select(Plan)) if p.status == "approved"]
        assert len(current) == len(PLANS)
        for plan in current:
            previous = s.exec(
                select(Plan).where(
                    Plan.area_id == plan.area_id,
                    Plan.period_end == plan.period_start - timedelta(days=1),
                )
            ).one()
            assert previous.status == "closed"
            progress = plan_progress(s, plan.id, today=TODAY)
            assert progress.entries > 0 and progress.criterion.on_track is not None
            if plan.criterion_kind == "reduce_by_percent":
                assert progress.criterion.baseline_source is BaselineSource.previous_plan
                assert progress.criterion.baseline and progress.criterion.baseline > 0


def test_each_unit_has_plans_on_track_and_plans_behind(engine: Engine) -> None:
    with Session(engine) as s:
        load_demo(s, today=TODAY)
        s.commit()
        for unit in UNITS.values():
            rows = [r for r in unit_overview(s, unit.id, TODAY) if r.status == "approved"]
            flags = {r.criterion.on_track for r in rows}
            assert flags == {True, False}, unit.name
            assert all("brak danych" not in r.criterion.summary for r in rows)


def test_the_lubartow_plan_as_documented(engine: Engine) -> None:
    with Session(engine) as s:
        load_demo(s, today=TODAY)
        s.commit()
        doc = read_plan(s, stable_id("plan", "lubartow", "2024-01-01"))
        plan = doc.plan
        assert (plan.period_start, plan.period_end, plan.status) == (
            date(2024, 1, 1),
            date(2024, 6, 30),
            "closed",
        )
        assert "Nivea" in plan.threat and "alkohol" in plan.threat
        assert plan.criterion_kind == "reduce_by_percent" and plan.criterion_target == 50
        assert plan.criterion_measures == ["offences", "interventions"]
        nivea = s.get(Place, plan.criterion_place_id)
        assert (
            nivea.name == "Plac zabaw Nivea" and 51.4 < nivea.lat < 51.5 and 22.5 < nivea.lon < 22.7
        )
        check, request, talks = doc.actions
        assert (check.kind, f"{check.time_from:%H:%M}", f"{check.time_to:%H:%M}") == (
            "place_check",
            "07:00",
            "22:00",
        )
        assert check.place_id == nivea.id and check.start_date is None  # the whole period
        assert (request.kind, request.start_date, request.end_date, request.deadline) == (
            "request_letter",
            date(2024, 3, 1),
            date(2024, 6, 30),
            True,
        )
        assert talks.kind == "talk"
        assert [p.name for p in doc.partners] == ["Spółdzielnia Mieszkaniowa w Lubartowie"]
        assert "monitoring" in doc.partners[0].tasks
        assert len(doc.channels) == 2 and "stronie internetowej" in doc.channels[1].text
        area = s.get(ServiceArea, plan.area_id)
        assert (area.number_text, area.number, s.get(Unit, area.unit_id).name) == (
            "3",
            3,
            "KPP w Lubartowie",
        )


def test_the_krasnik_plan_as_documented(engine: Engine) -> None:
    with Session(engine) as s:
        load_demo(s, today=TODAY)
        s.commit()
        doc = read_plan(s, stable_id("plan", "krasnik", "2024-07-01"))
        assert (doc.plan.period_start, doc.plan.period_end) == (
            date(2024, 7, 1),
            date(2024, 12, 31),
        )
        assert doc.plan.criterion_kind == "at_least" and doc.plan.criterion_target == 80
        assert doc.plan.criterion_measures == ["residents_spoken"]
        assert [a.kind for a in doc.actions] == [
            "meeting",
            "foot_patrol",
            "talk",
            "leaflets",
            "announcement",
        ]
        deadlines = [a for a in doc.actions if a.deadline]
        assert {a.end_date for a in deadlines} == {date(2024, 12, 31)}
        assert len(doc.partners) == 5 and doc.partners[1].name == "Sołtys miejscowości Lasy"
        assert all(p.tasks for p in doc.partners)
        assert len(doc.channels) == 3


def test_renewed_plans_cover_the_current_half_year(engine: Engine) -> None:
    with Session(engine) as s:
        load_demo(s, today=TODAY)
        s.commit()
        current = [p for p in list_plans(s) if p.status == "approved"]
        assert {(p.period_start, p.period_end) for p in current} == {
            (date(2026, 7, 1), date(2026, 12, 31))
        }
        lubartow = read_plan(s, stable_id("plan", "lubartow", "2026-07-01"))
        assert lubartow.actions[1].start_date == date(2026, 9, 1)


def test_each_area_has_an_officer_account_with_a_hashed_password(engine: Engine) -> None:
    with Session(engine) as s:
        load_demo(s, today=TODAY)
        s.commit()
        officers = {o.badge: o for o in s.exec(select(Officer))}
        assert officers["100301"].role == "officer" and officers["200301"].role == "officer"
        assert officers["100300"].role == "supervisor"
        links = list(s.exec(select(OfficerArea)))
        for account in ACCOUNTS:
            areas = {
                link.area_id for link in links if link.officer_id == officers[account.badge].id
            }
            if account.role == "officer":
                assert len(areas) == 1, account.badge
            elif account.role == "supervisor":  # every rejon of the unit
                assert len(areas) == len(AREA_NUMBERS[account.unit]), account.badge
        for officer in officers.values():
            assert officer.password_hash.startswith("$argon2id$")
            assert DEMO_PASSWORD not in officer.password_hash
            assert verify_password(officer.password_hash, DEMO_PASSWORD)
            assert not verify_password(officer.password_hash, "wrong-password")
