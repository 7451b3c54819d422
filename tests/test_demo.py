"""The demo loader: both sample plans, all five sections, idempotent, on both databases."""

from datetime import date

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.model import Action, Officer, Partner, Place, Plan, ServiceArea, Unit
from app.model.ids import stable_id
from app.plans.demo import DEMO_PASSWORD, load_demo
from app.security import verify_password
from app.store.plans import list_plans, read_plan

TODAY = date(2026, 11, 23)


def counts(session: Session) -> dict[str, int]:
    return {
        model.__name__: session.exec(select(func.count()).select_from(model)).one()
        for model in (Unit, ServiceArea, Officer, Place, Plan, Action, Partner)
    }


def test_loading_twice_changes_nothing(engine: Engine) -> None:
    with Session(engine) as s:
        first = load_demo(s, today=TODAY)
        s.commit()
        before = counts(s)
        assert load_demo(s, today=TODAY) == first
        s.commit()
        assert counts(s) == before
    assert before == {
        "Unit": 2,
        "ServiceArea": 2,
        "Officer": 5,
        "Place": 7,
        "Plan": 4,
        "Action": 16,
        "Partner": 12,
    }


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
        for officer in officers.values():
            assert officer.password_hash.startswith("$argon2id$")
            assert DEMO_PASSWORD not in officer.password_hash
            assert verify_password(officer.password_hash, DEMO_PASSWORD)
            assert not verify_password(officer.password_hash, "wrong-password")
