"""Progress of a plan: both criterion kinds with exact figures, baselines, per-action counts."""

from datetime import date, datetime, time

import pytest
from sqlmodel import Session

from app.core.model import (
    ActionIn,
    CriterionKind,
    EntryIn,
    EntryKind,
    FrequencyUnit,
    Measure,
    OfficerBase,
    PlaceIn,
    PlanIn,
    PlanStatus,
    ServiceAreaBase,
    Unit,
)
from app.core.model.clock import LOCAL_TZ
from app.core.model.enums import COUNT_FIELDS, KIND_COUNTERS
from app.core.plans.progress import (
    BaselineSource,
    elapsed_share,
    find_unit,
    form_counters,
    plan_progress,
    previous_plan,
    unit_overview,
)
from app.core.schedule.service import TaskMode, tasks_for_day
from app.core.store import org
from app.core.store.entries import delete_entry, log_entry, revise_entry
from app.core.store.errors import NotFound
from app.core.store.places import save_place
from app.core.store.plans import get_plan, read_plan, save_plan

UNIT, AREA, OFFICER = "unit-t", "area-t", "officer-t"
PLACE, OTHER_PLACE = "place-t", "place-o"
H1 = (date(2026, 1, 1), date(2026, 6, 30))  # 181 days
H2_2025 = (date(2025, 7, 1), date(2025, 12, 31))


@pytest.fixture
def db(session: Session) -> Session:
    """A unit with one area, an officer and two places."""
    org.upsert_unit(session, Unit(id=UNIT, name="KP Testowo", city="Testowo"))
    org.upsert_area(session, ServiceAreaBase(unit_id=UNIT, number_text="7"), AREA)
    org.upsert_officer(
        session, OfficerBase(badge="700701", name="sierż. Test", unit_id=UNIT), OFFICER, [AREA]
    )
    for place_id, lat in ((PLACE, 51.0), (OTHER_PLACE, 51.1)):
        save_place(
            session,
            PlaceIn(id=place_id, name=f"Miejsce {place_id}", lat=lat, lon=22.0, area_id=AREA),
        )
    session.flush()
    return session


def make_plan(session: Session, plan_id: str, period: tuple[date, date], **fields) -> str:
    data = {
        "id": plan_id,
        "area_id": AREA,
        "officer_id": OFFICER,
        "title": plan_id,
        "period_start": period[0],
        "period_end": period[1],
        "threat": "Zagrożenie",
        "goal": "Cel",
        "status": PlanStatus.approved,
    } | fields
    return save_plan(session, PlanIn(**data)).id


def at_least_plan(session: Session, plan_id: str = "p-al", **fields) -> str:
    return make_plan(
        session,
        plan_id,
        H1,
        criterion_kind=CriterionKind.at_least,
        criterion_measures=[Measure.residents_spoken],
        criterion_target=80,
        **fields,
    )


def reduce_plan(session: Session, plan_id: str, period: tuple[date, date], **fields) -> str:
    return make_plan(
        session,
        plan_id,
        period,
        criterion_kind=CriterionKind.reduce_by_percent,
        criterion_measures=[Measure.offences, Measure.interventions],
        criterion_target=50,
        criterion_place_id=PLACE,
        **fields,
    )


def log(session: Session, day: date, at: time = time(12), **fields) -> str:
    fields.setdefault("kind", EntryKind.talk)
    entry = EntryIn(occurred_at=datetime.combine(day, at, LOCAL_TZ), **fields)
    return log_entry(session, entry, officer_id=OFFICER, device_id="d1", queue=False).entry_id


def test_elapsed_share_counts_the_days_begun() -> None:
    plan = PlanIn(
        area_id=AREA, officer_id=OFFICER, period_start=H1[0], period_end=H1[1], threat="t", goal="g"
    )
    assert elapsed_share(plan, date(2025, 12, 31)) == 0.0
    assert elapsed_share(plan, H1[0]) == pytest.approx(1 / 181)
    assert elapsed_share(plan, date(2026, 3, 31)) == pytest.approx(90 / 181)
    assert elapsed_share(plan, date(2027, 1, 1)) == 1.0


def test_at_least_sums_the_plans_entries_in_its_period(db: Session) -> None:
    plan_id = at_least_plan(db)
    other = at_least_plan(db, "p-other")
    log(db, date(2026, 1, 10), plan_id=plan_id, residents_spoken=10, leaflets=7)
    log(db, date(2026, 2, 3), plan_id=plan_id, residents_spoken=20, kind=EntryKind.meeting)
    log(db, date(2026, 3, 31), time(23, 30), plan_id=plan_id, residents_spoken=5)
    log(db, date(2026, 3, 1), plan_id=other, residents_spoken=100)  # another plan
    log(db, date(2025, 12, 31), time(23, 59), plan_id=plan_id, residents_spoken=100)  # before

    progress = plan_progress(db, plan_id, date(2026, 3, 31))
    c = progress.criterion
    assert (c.kind, c.value, c.target, c.baseline) == (CriterionKind.at_least, 35, 80, None)
    assert c.share_done == pytest.approx(35 / 80)
    assert c.elapsed_share == pytest.approx(90 / 181)
    assert c.on_track is False  # 35 < 80 × 90/181 ≈ 39.8
    assert c.met is None
    assert c.limit == 80
    assert "35 z 80" in c.summary and "poniżej założonego tempa" in c.summary
    assert progress.entries == 3
    assert progress.totals["residents_spoken"] == 35 and progress.totals["leaflets"] == 7

    # the series is cumulative by local day, from the period's start to as_of
    series = dict(progress.series)
    assert progress.series[0] == (H1[0], 0) and progress.series[-1] == (date(2026, 3, 31), 35)
    assert (series[date(2026, 1, 9)], series[date(2026, 1, 10)], series[date(2026, 2, 3)]) == (
        0,
        10,
        30,
    )
    assert len(progress.series) == 90

    # a week with a talk and a meeting; empty weeks are kept
    weeks = {w.week_start: w for w in progress.weekly}
    assert weeks[date(2026, 2, 2)].counts == {EntryKind.meeting: 1}
    assert weeks[date(2026, 1, 5)].counts == {EntryKind.talk: 1}
    assert weeks[date(2026, 1, 12)].total == 0
    assert sum(w.total for w in progress.weekly) == 3

    ahead = plan_progress(db, plan_id, date(2026, 1, 20))
    assert ahead.criterion.value == 10 and ahead.criterion.on_track is True  # 10 ≥ 80×20/181

    ended = plan_progress(db, plan_id, date(2026, 7, 15)).criterion
    assert (ended.met, ended.elapsed_share, ended.on_track) == (False, 1.0, False)
    assert "cel nieosiągnięty" in ended.summary

    log(db, date(2026, 3, 20), plan_id=plan_id, residents_spoken=50)
    early = plan_progress(db, plan_id, date(2026, 3, 31)).criterion
    assert (early.value, early.met, early.on_track) == (85, True, True)
    assert "cel już osiągnięty" in early.summary


def test_only_revisions_in_force_count(db: Session) -> None:
    plan_id = at_least_plan(db)
    edited = log(db, date(2026, 2, 1), plan_id=plan_id, residents_spoken=10)
    deleted = log(db, date(2026, 2, 2), plan_id=plan_id, residents_spoken=30)
    moved = log(db, date(2026, 2, 3), plan_id=plan_id, residents_spoken=7)
    revise_entry(
        db,
        edited,
        EntryIn(
            kind=EntryKind.talk,
            occurred_at=datetime(2026, 2, 1, 12, tzinfo=LOCAL_TZ),
            plan_id=plan_id,
            residents_spoken=4,
        ),
        officer_id=OFFICER,
        device_id="d1",
        queue=False,
    )
    delete_entry(db, deleted, officer_id=OFFICER, device_id="d1", queue=False)
    revise_entry(  # moved out of the plan's period
        db,
        moved,
        EntryIn(
            kind=EntryKind.talk,
            occurred_at=datetime(2025, 12, 1, 12, tzinfo=LOCAL_TZ),
            plan_id=plan_id,
            residents_spoken=7,
        ),
        officer_id=OFFICER,
        device_id="d1",
        queue=False,
    )
    progress = plan_progress(db, plan_id, date(2026, 3, 1))
    assert progress.criterion.value == 4
    assert progress.entries == 1
    assert dict(progress.series)[date(2026, 2, 2)] == 4


def test_reduce_with_an_entered_baseline_counts_every_entry_at_the_place(db: Session) -> None:
    plan_id = reduce_plan(db, "p-red", H1, criterion_baseline=10)  # allowed: 5
    log(db, date(2026, 1, 5), place_id=PLACE, plan_id=plan_id, offences=1, interventions=1)
    log(db, date(2026, 1, 6), place_id=PLACE, kind=EntryKind.intervention, interventions=1)
    log(db, date(2026, 1, 7), place_id=OTHER_PLACE, plan_id=plan_id, offences=3)  # elsewhere
    log(db, date(2026, 1, 8), place_id=PLACE, plan_id=plan_id, fines=2)  # not a measure

    c = plan_progress(db, plan_id, date(2026, 3, 31)).criterion
    assert (c.value, c.baseline, c.baseline_source) == (3, 10, BaselineSource.entered)
    assert c.limit == pytest.approx(5.0)
    assert c.share_done == pytest.approx(3 / 5)
    assert c.on_track is False  # 3 > 5 × 90/181
    assert c.met is None
    assert "3 w bieżącym okresie wobec 10 w poprzednim" in c.summary

    c = plan_progress(db, plan_id, date(2026, 6, 1)).criterion
    assert c.on_track is True  # 3 ≤ 5 × 152/181

    c = plan_progress(db, plan_id, date(2026, 6, 30)).criterion
    assert (c.met, c.on_track) == (True, True)
    assert "cel osiągnięty" in c.summary

    log(db, date(2026, 2, 1), place_id=PLACE, offences=3)
    c = plan_progress(db, plan_id, date(2026, 3, 1)).criterion
    assert (c.value, c.met) == (6, False)  # over the limit before the end: already lost
    assert "dopuszczalna liczba już przekroczona" in c.summary


def test_reduce_baseline_from_the_previous_plan(db: Session) -> None:
    earlier = reduce_plan(db, "p-2025", H2_2025, status=PlanStatus.closed)
    current = reduce_plan(db, "p-2026", H1)
    reduce_plan(db, "p-draft-2025", H2_2025, status=PlanStatus.draft)  # loses to the closed one
    log(db, date(2025, 8, 1), place_id=PLACE, plan_id=earlier, offences=3, interventions=2)
    log(db, date(2025, 12, 31), time(22), place_id=PLACE, offences=2)
    log(db, date(2025, 9, 1), place_id=OTHER_PLACE, plan_id=earlier, offences=9)
    log(db, date(2026, 1, 2), place_id=PLACE, plan_id=current, offences=1)

    assert previous_plan(db, get_plan(db, current)).id == earlier
    c = plan_progress(db, current, date(2026, 2, 1)).criterion
    assert (c.baseline, c.baseline_source, c.value) == (7, BaselineSource.previous_plan, 1)
    assert c.limit == pytest.approx(3.5)
    assert c.share_done == pytest.approx(1 / 3.5)
    assert c.on_track is False  # 1 > 3.5 × 32/181
    assert "poprzedniego planu" in c.summary

    entered = reduce_plan(db, "p-2026", H1, criterion_baseline=20)
    assert plan_progress(db, entered, date(2026, 2, 1)).criterion.baseline == 20


def test_reduce_without_baseline_data(db: Session) -> None:
    reduce_plan(db, "p-gap", (date(2025, 1, 1), date(2025, 6, 30)))  # not adjacent
    reduce_plan(db, "p-empty", H2_2025)  # adjacent, but nothing recorded then
    plan_id = reduce_plan(db, "p-2026", H1)
    log(db, date(2025, 3, 1), place_id=PLACE, offences=5)
    log(db, date(2026, 1, 5), place_id=PLACE, plan_id=plan_id, offences=2)

    c = plan_progress(db, plan_id, date(2026, 6, 30)).criterion
    assert (c.value, c.baseline, c.limit) == (2, None, None)
    assert (c.on_track, c.met, c.share_done) == (None, None, None)
    assert "brak danych bazowych" in c.summary


def test_qualitative_plan_has_no_numbers(db: Session) -> None:
    plan_id = make_plan(db, "p-q", H1)
    log(db, date(2026, 1, 5), plan_id=plan_id, residents_spoken=3)
    progress = plan_progress(db, plan_id, date(2026, 2, 1))
    c = progress.criterion
    assert (c.kind, c.value, c.target, c.on_track, c.met) == (
        CriterionKind.qualitative,
        None,
        None,
        None,
        None,
    )
    assert "Cel jakościowy" in c.summary
    assert progress.series == [] and progress.entries == 1


def test_actions_against_their_schedule(db: Session) -> None:
    period = (date(2026, 3, 2), date(2026, 3, 29))  # Monday to Sunday, four ISO weeks
    actions = [
        ActionIn(id="a-check", text="Kontrole", kind=EntryKind.place_check, place_id=PLACE,
                 time_from=time(7), time_to=time(22)),
        ActionIn(id="a-night", text="Noce", kind=EntryKind.foot_patrol, weekdays=[4, 5],
                 time_from=time(21), time_to=time(2)),
        ActionIn(id="a-talk", text="Rozmowy", kind=EntryKind.talk, freq_times=2,
                 freq_per=FrequencyUnit.week),
        ActionIn(id="a-letter", text="Wniosek", kind=EntryKind.request_letter, deadline=True,
                 start_date=date(2026, 3, 10), end_date=date(2026, 3, 20)),
        ActionIn(id="a-meet", text="Spotkanie", kind=EntryKind.meeting, deadline=True,
                 end_date=date(2026, 3, 29)),
    ]  # fmt: skip
    plan_id = make_plan(db, "p-act", period, actions=actions)
    check = {"plan_id": plan_id, "kind": EntryKind.place_check}
    log(db, date(2026, 3, 2), time(8), action_id="a-check", persons_legitimised=2, **check)
    log(db, date(2026, 3, 2), time(20), action_id="a-check", offences=1, **check)
    log(db, date(2026, 3, 3), **check)  # unlinked, same kind: counts
    log(db, date(2026, 3, 5), **check, place_id=PLACE)
    log(db, date(2026, 3, 9), action_id="a-night", **check)  # linked elsewhere: not a check
    # Friday's night patrol logged after midnight still belongs to Friday
    patrol = {"plan_id": plan_id, "kind": EntryKind.foot_patrol, "action_id": "a-night"}
    log(db, date(2026, 3, 7), time(1, 30), **patrol)
    log(db, date(2026, 3, 7), time(22), **patrol)
    # talks: week 1 three (capped at 2), week 2 one, week 3 none
    talk = {"plan_id": plan_id, "kind": EntryKind.talk, "residents_spoken": 4}
    for day in (2, 4, 6, 10):
        log(db, date(2026, 3, day), **talk)
    log(db, date(2026, 3, 12), time(9), plan_id=plan_id, kind=EntryKind.request_letter)

    progress = plan_progress(db, plan_id, date(2026, 3, 16))  # Monday of week 3
    got = {a.action_id: a for a in progress.actions}
    assert [a.action_id for a in progress.actions] == [a.id for a in actions]

    c = got["a-check"]
    assert (c.mode, c.due, c.done, c.times) == (TaskMode.daily, 15, 3, 4)
    assert c.days == [date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 5)]
    assert c.totals["persons_legitimised"] == 2 and c.totals["offences"] == 1

    n = got["a-night"]  # due Fri 6 and Sat 7 and Fri 13, Sat 14
    assert (n.due, n.done, n.times) == (4, 2, 3)
    assert n.days == [date(2026, 3, 6), date(2026, 3, 7), date(2026, 3, 9)]

    t = got["a-talk"]  # weeks 1–3 started: 2 + 1 + 0 of 6
    assert (t.mode, t.due, t.done, t.times) == (TaskMode.frequency, 6, 3, 4)
    assert t.totals["residents_spoken"] == 16

    letter, meeting = got["a-letter"], got["a-meet"]
    assert (letter.mode, letter.due, letter.done, letter.times) == (TaskMode.deadline, 1, 1, 1)
    assert (meeting.due, meeting.done, meeting.times) == (1, 0, 0)

    before = {a.action_id: a for a in plan_progress(db, plan_id, date(2026, 3, 1)).actions}
    assert all(a.due == 0 and a.done == 0 for a in before.values())


def test_unit_overview_lists_every_plan_of_the_unit(db: Session) -> None:
    at_least_plan(db, "p-al")
    reduce_plan(db, "p-2025", H2_2025, criterion_baseline=4, status=PlanStatus.closed)
    org.upsert_unit(db, Unit(id="unit-x", name="KP Inne", city="Inne"))
    org.upsert_area(db, ServiceAreaBase(unit_id="unit-x", number_text="1"), "area-x")
    make_plan(db, "p-x", H1, area_id="area-x")

    rows = unit_overview(db, UNIT, date(2026, 2, 1))
    assert [r.plan_id for r in rows] == ["p-al", "p-2025"]
    first = rows[0]
    assert (first.area_number, first.officer_badge, first.status) == (
        "7",
        "700701",
        PlanStatus.approved,
    )
    assert first.criterion.on_track is False and first.criterion.value == 0
    assert rows[1].criterion.met is True  # nothing at the place in the closed period

    assert find_unit(db, name="testowo").id == UNIT
    assert find_unit(db, badge="700701").id == UNIT
    with pytest.raises(NotFound):
        unit_overview(db, "no-such-unit")
    with pytest.raises(NotFound):
        find_unit(db, name="KP")  # ambiguous


def krasnik_like(session: Session) -> str:
    """Talks with at least 80 residents; a meeting, talks, leaflets and announcements to do."""
    actions = [
        ActionIn(id="k-meet", text="Spotkania z seniorami", kind=EntryKind.meeting,
                 deadline=True, end_date=H1[1]),
        ActionIn(id="k-talk", text="Rozmowy z seniorami", kind=EntryKind.talk,
                 deadline=True, end_date=H1[1]),
        ActionIn(id="k-leaf", text="Kolportaż ulotek", kind=EntryKind.leaflets,
                 deadline=True, end_date=H1[1]),
        ActionIn(id="k-radio", text="Komunikaty", kind=EntryKind.announcement,
                 deadline=True, end_date=H1[1]),
    ]  # fmt: skip
    return at_least_plan(session, "p-kr", actions=actions)


def test_one_entry_fulfils_every_action_it_does_and_counts_once_for_the_goal(
    db: Session,
) -> None:
    plan_id = krasnik_like(db)
    day = date(2026, 3, 4)
    meeting = {"plan_id": plan_id, "kind": EntryKind.meeting, "action_id": "k-meet"}
    log(db, day, **meeting, leaflets=40)  # the entry: leaflets, nobody counted

    progress = plan_progress(db, plan_id, day)
    done = {a.action_id: a.done for a in progress.actions}
    assert done == {"k-meet": 1, "k-talk": 0, "k-leaf": 1, "k-radio": 0}
    assert progress.criterion.value == 0

    log(db, day, time(15), **meeting, leaflets=40, residents_spoken=25)
    progress = plan_progress(db, plan_id, day)
    got = {a.action_id: a for a in progress.actions}
    assert {k: a.done for k, a in got.items()} == {
        "k-meet": 1,
        "k-talk": 1,
        "k-leaf": 1,
        "k-radio": 0,
    }
    assert {k: a.times for k, a in got.items()} == {
        "k-meet": 2,
        "k-talk": 1,
        "k-leaf": 2,
        "k-radio": 0,
    }
    assert progress.criterion.value == 25  # once, though three actions count the entry
    assert got["k-leaf"].totals["leaflets"] == 80
    assert progress.totals["residents_spoken"] == 25

    # a talk logged from its own task: the goal moves by its residents, the leaflets do not
    log(db, day, time(16), plan_id=plan_id, kind=EntryKind.talk, action_id="k-talk",
        residents_spoken=5)  # fmt: skip
    # leaflets handed out on a patrol linked to nothing: still the leaflets action's
    log(db, day, time(17), plan_id=plan_id, kind=EntryKind.foot_patrol, leaflets=10)
    progress = plan_progress(db, plan_id, day)
    times = {a.action_id: a.times for a in progress.actions}
    assert times == {"k-meet": 2, "k-talk": 2, "k-leaf": 3, "k-radio": 0}
    assert progress.criterion.value == 30

    # Today counts with the same rule (one query): nothing the plan screen counts is missed
    tasks = tasks_for_day(
        db, day, plan_ids=[plan_id], now=datetime.combine(day, time(23), LOCAL_TZ)
    )
    today_done = {t.action_id for t in tasks if t.done}
    assert today_done == {a.action_id for a in progress.actions if a.done}


def test_an_entry_of_the_actions_kind_linked_elsewhere_does_not_count_by_its_counter(
    db: Session,
) -> None:
    actions = [
        ActionIn(id="l-1", text="Ulotki w parafii", kind=EntryKind.leaflets),
        ActionIn(id="l-2", text="Ulotki w sklepach", kind=EntryKind.leaflets),
    ]
    plan_id = at_least_plan(db, "p-two", actions=actions)
    day = date(2026, 2, 2)
    log(db, day, plan_id=plan_id, kind=EntryKind.leaflets, action_id="l-1", leaflets=30)
    times = {a.action_id: a.times for a in plan_progress(db, plan_id, day).actions}
    assert times == {"l-1": 1, "l-2": 0}


def test_the_form_shows_first_what_counts(db: Session) -> None:
    plan = get_plan(db, krasnik_like(db))
    actions = read_plan(db, plan.id).actions

    uses = form_counters(plan, actions, EntryKind.meeting, "k-meet")
    assert [u.name for u in uses[:2]] == ["residents_spoken", "leaflets"]
    first, second = uses[0], uses[1]
    assert (first.goal, first.actions) == (True, ("k-talk",))
    assert (second.goal, second.actions) == (False, ("k-leaf",))
    assert [u.name for u in uses if u.counts] == ["residents_spoken", "leaflets"]
    assert len(uses) == len(COUNT_FIELDS)

    # a check logged against no plan: the kind's usual counters, in their order, then the rest
    check = form_counters(None, [], EntryKind.place_check, None)
    assert not any(u.counts for u in check)
    assert [u.name for u in check if u.usual] == list(KIND_COUNTERS[EntryKind.place_check])
    assert [u.name for u in check][:5] == list(KIND_COUNTERS[EntryKind.place_check])

    # a reduction plan counts offences and interventions; the leaflets task on its own
    reduce = get_plan(db, reduce_plan(db, "p-red", H1))
    uses = form_counters(reduce, actions, EntryKind.leaflets, "k-leaf")
    assert [u.name for u in uses if u.goal] == ["interventions", "offences"]


def test_the_baseline_is_entered_by_the_officer_or_the_supervisor_only(db: Session) -> None:
    from app.core.model import Officer, Role
    from app.core.plans import workflow

    org.upsert_officer(
        db, OfficerBase(badge="700700", name="kom. Szef", unit_id=UNIT, role=Role.supervisor),
        "chief", [],
    )  # fmt: skip
    org.upsert_unit(db, Unit(id="unit-x", name="KP Inne", city="Inne"))
    org.upsert_officer(
        db, OfficerBase(badge="800800", name="kom. Obcy", unit_id="unit-x", role=Role.supervisor),
        "stranger", [],
    )  # fmt: skip
    earlier = reduce_plan(db, "p-2025", H2_2025, status=PlanStatus.closed)
    log(db, date(2025, 8, 1), place_id=PLACE, plan_id=earlier, offences=3, interventions=4)
    plan_id = reduce_plan(db, "p-2026", H1)
    computed = plan_progress(db, plan_id, date(2026, 2, 1)).criterion
    assert (computed.baseline, computed.baseline_source) == (7, BaselineSource.previous_plan)

    officer, chief = db.get(Officer, OFFICER), db.get(Officer, "chief")
    workflow.set_baseline(db, officer, plan_id, 10)
    c = plan_progress(db, plan_id, date(2026, 2, 1)).criterion
    assert (c.baseline, c.baseline_source, c.computed_baseline) == (10, BaselineSource.entered, 7)
    assert c.baseline_by == "sierż. Test (700701)" and c.baseline_at is not None
    assert c.limit == pytest.approx(5)

    workflow.set_baseline(db, chief, plan_id, 12)
    assert get_plan(db, plan_id).criterion_baseline_by == "kom. Szef (700700)"
    with pytest.raises(workflow.WorkflowError):
        workflow.set_baseline(db, db.get(Officer, "stranger"), plan_id, 1)
    with pytest.raises(workflow.WorkflowError):
        workflow.set_baseline(db, chief, plan_id, -1)
    with pytest.raises(workflow.WorkflowError):  # an at-least plan has no baseline
        workflow.set_baseline(db, officer, at_least_plan(db), 5)

    workflow.set_baseline(db, officer, plan_id, None)  # back to the previous plan's figure
    c = plan_progress(db, plan_id, date(2026, 2, 1)).criterion
    assert (c.baseline, c.baseline_source) == (7, BaselineSource.previous_plan)


def test_the_unit_is_sorted_by_what_needs_the_supervisor() -> None:
    from app.core.plans.progress import (
        Attention,
        CriterionProgress,
        OverviewRow,
        attention,
        by_attention,
        days_left,
    )

    today = date(2026, 11, 18)

    def row(plan_id, status, start, end, on_track=None):
        criterion = CriterionProgress(
            kind=CriterionKind.qualitative,
            measures=[],
            target=None,
            value=None,
            baseline=None,
            share_done=None,
            elapsed_share=0.0,
            on_track=on_track,
            met=None,
            summary="",
        )
        return OverviewRow(
            plan_id, plan_id, "1", "", "", "", start, end, PlanStatus(status), criterion
        )

    h2, h1, old = (
        (date(2026, 7, 1), date(2026, 12, 31)),
        (date(2027, 1, 1), date(2027, 6, 30)),
        (
            date(2026, 1, 1),
            date(2026, 6, 30),
        ),
    )
    rows = [
        row("closed", "closed", *old),
        row("ok", "approved", *h2, on_track=True),
        row("draft", "draft", *h1),
        row("future", "approved", *h1, on_track=True),
        row("nodata", "approved", *h2),
        row("late", "approved", *h2, on_track=False),
        row("review", "submitted", *h1),
    ]
    assert [r.plan_id for r in by_attention(rows, today)] == [
        "review",
        "late",
        "nodata",
        "future",
        "ok",
        "draft",
        "closed",
    ]
    assert attention(rows[3], today) == Attention.not_started, "not on track before it starts"
    assert attention(rows[4], today) == Attention.no_data, "no data is not behind"
    assert (days_left(rows[1], today), days_left(rows[3], today)) == (44, None)


def test_the_overview_names_the_actions_behind_on_the_days_already_over(db: Session) -> None:
    """Missed occurrences count only on days, weeks and deadlines already over: a day or a
    week still under way is not missed yet. Within a state, the plan missing most comes first."""
    from app.core.plans.progress import Attention, attention, by_attention

    period = (date(2026, 3, 2), date(2026, 3, 29))  # Monday to Sunday, four ISO weeks
    actions = [
        ActionIn(id="a-check", text="Kontrole", kind=EntryKind.place_check, place_id=PLACE),
        ActionIn(id="a-talk", text="Rozmowy", kind=EntryKind.talk, freq_times=2,
                 freq_per=FrequencyUnit.week),
        ActionIn(id="a-letter", text="Wniosek", kind=EntryKind.request_letter, deadline=True,
                 end_date=date(2026, 3, 10)),
        ActionIn(id="a-meet", text="Spotkanie", kind=EntryKind.meeting, deadline=True,
                 end_date=date(2026, 3, 29)),
    ]  # fmt: skip
    plan_id = make_plan(db, "p-lag", period, actions=actions)
    quiet = make_plan(db, "p-quiet", period)  # nothing to do yet, nothing measured
    for day in (2, 3, 5):
        log(db, date(2026, 3, day), plan_id=plan_id, kind=EntryKind.place_check, place_id=PLACE)
    for day in (2, 4, 6, 10):  # week 1: three (two needed), week 2: one
        log(db, date(2026, 3, day), plan_id=plan_id)

    today = date(2026, 3, 16)  # Monday of week 3: nothing of today or this week is missed yet
    rows = {row.plan_id: row for row in unit_overview(db, UNIT, today)}
    lags = [(lag.text, lag.missed, lag.overdue) for lag in rows[plan_id].lagging]
    assert lags == [("Wniosek", 1, True), ("Kontrole", 14 - 3, False), ("Rozmowy", 1, False)]
    assert rows[quiet].lagging == ()
    assert attention(rows[plan_id], today) == attention(rows[quiet], today) == Attention.no_data
    assert [r.plan_id for r in by_attention([rows[quiet], rows[plan_id]], today)] == [
        plan_id,
        quiet,
    ]

    on_the_first_day = unit_overview(db, UNIT, period[0])
    assert all(row.lagging == () for row in on_the_first_day)
