"""What is due on a day, and its status from the entries, on SQLite and PostgreSQL."""

from datetime import date, timedelta

import pytest
from sqlalchemy import event
from sqlmodel import Session

from app.core.model import EntryIn, EntryKind, Plan, PlanStatus
from app.core.model.ids import stable_id
from app.core.schedule.service import TaskMode, TaskStatus, tasks_for_day
from app.core.store.entries import current_revision, delete_entry, revise_entry
from tests.schedule.conftest import (
    CHECK,
    EARLY_DEADLINE,
    END,
    KRASNIK,
    LUBARTOW,
    MONTHLY,
    NIGHT,
    NIGHT_CHECK,
    OFFICER,
    OFFICER_KRASNIK,
    REQUEST,
    START,
    TALKS,
    WEEKENDS,
    action,
    at,
    log,
    tasks,
)

pytestmark = pytest.mark.db

KRASNIK_ACTIONS = [
    action("krasnik", name)
    for name in ("meetings", "patrols", "talks", "leaflets", "announcements")
]
ONE = timedelta(days=1)


def test_the_demo_plans_over_their_whole_half_year(demo: Session) -> None:
    """Every day from 1 Jan to 30 Jun 2025 at noon, with nothing logged."""
    day = START
    while day <= END:
        found = tasks_for_day(demo, day, plan_ids=[LUBARTOW, KRASNIK], now=at(day, 12))
        ids = [task.action_id for task in found]
        # open now first (the 7–22 check), then to-do by plan (Kraśnik sorts first) and position
        lubartow_rest = [REQUEST, TALKS] if day >= date(2025, 3, 1) else [TALKS]
        assert ids == [CHECK, *KRASNIK_ACTIONS, *lubartow_rest], day
        by_id = {task.action_id: task for task in found}
        check, talks = by_id[CHECK], by_id[TALKS]
        assert check.mode == TaskMode.daily and check.open_now and check.day == day
        assert (check.status, check.required, check.done, check.due) == (
            TaskStatus.todo,
            1,
            0,
            None,
        )
        sunday = day + timedelta(days=6 - day.weekday())
        assert talks.mode == TaskMode.frequency and not talks.open_now
        assert (talks.required, talks.done, talks.due) == (2, 0, min(sunday, END))
        patrols = by_id[KRASNIK_ACTIONS[1]]
        assert (patrols.required, patrols.due) == (3, min(sunday, END))
        for deadline in (KRASNIK_ACTIONS[0], *KRASNIK_ACTIONS[2:]):
            assert by_id[deadline].mode == TaskMode.deadline
            assert by_id[deadline].due == END
        assert all(task.status == TaskStatus.todo for task in found)
        day += ONE


def test_nothing_outside_the_period_and_nothing_from_closed_plans(demo: Session) -> None:
    for day in (START - ONE, END + ONE, date(2024, 3, 1), date(2024, 10, 1)):
        assert tasks_for_day(demo, day, now=at(day, 12)) == []


def test_only_approved_plans(demo: Session) -> None:
    plan = demo.get(Plan, LUBARTOW)
    assert plan is not None
    plan.status = PlanStatus.submitted
    demo.add(plan)
    demo.commit()
    found = tasks_for_day(demo, TODAY_, plan_ids=[LUBARTOW, KRASNIK], now=at(TODAY_, 12))
    assert {task.plan_id for task in found} == {KRASNIK}


TODAY_ = date(2025, 3, 12)  # a Wednesday


def test_officer_and_plan_filters(demo: Session) -> None:
    mine = tasks_for_day(demo, TODAY_, officer_id=OFFICER, now=at(TODAY_, 12))
    assert {task.plan_id for task in mine} == {LUBARTOW, NIGHT}
    theirs = tasks_for_day(demo, TODAY_, officer_id=OFFICER_KRASNIK, now=at(TODAY_, 12))
    assert {task.plan_id for task in theirs} == {KRASNIK}
    one = tasks_for_day(demo, TODAY_, plan_ids=[NIGHT], now=at(TODAY_, 12))
    assert {task.plan_id for task in one} == {NIGHT}
    assert tasks_for_day(demo, TODAY_, officer_id=stable_id("officer", "nobody")) == []


def test_a_daily_check_through_its_day(demo: Session) -> None:
    day = TODAY_
    early = tasks(demo, day, at(day, 6), LUBARTOW)[CHECK]
    assert (early.status, early.open_now) == (TaskStatus.todo, False)
    noon = tasks(demo, day, at(day, 12), LUBARTOW)[CHECK]
    assert (noon.status, noon.open_now) == (TaskStatus.todo, True)
    late = tasks(demo, day, at(day, 22, 30), LUBARTOW)[CHECK]
    assert (late.status, late.open_now) == (TaskStatus.overdue, False)

    log(demo, EntryKind.place_check, at(day, 12, 30), plan_id=LUBARTOW, action_id=CHECK)
    done = tasks(demo, day, at(day, 13), LUBARTOW)[CHECK]
    assert (done.status, done.done, done.open_now) == (TaskStatus.done, 1, True)
    assert tasks(demo, day, at(day, 23), LUBARTOW)[CHECK].status == TaskStatus.done
    assert tasks(demo, day + ONE, at(day + ONE, 12), LUBARTOW)[CHECK].status == TaskStatus.todo


def test_past_days_are_finished_and_future_days_not_begun(demo: Session) -> None:
    past = tasks(demo, TODAY_, at(TODAY_ + 2 * ONE, 12), LUBARTOW)
    assert past[CHECK].status == TaskStatus.overdue and not past[CHECK].open_now
    assert past[TALKS].status == TaskStatus.todo  # the week was not over on Wednesday
    future = tasks(demo, TODAY_ + 5 * ONE, at(TODAY_, 12), LUBARTOW)
    assert future[CHECK].status == TaskStatus.todo and not future[CHECK].open_now


def test_a_check_before_its_hours_still_counts_for_its_day(demo: Session) -> None:
    log(demo, EntryKind.place_check, at(TODAY_, 6), plan_id=LUBARTOW)
    assert tasks(demo, TODAY_, at(TODAY_, 12), LUBARTOW)[CHECK].status == TaskStatus.done


def test_entries_count_by_link_or_by_kind(demo: Session) -> None:
    day = TODAY_
    # linked to the check but of another kind: counts (the officer logged it from the task)
    log(demo, EntryKind.intervention, at(day, 9), plan_id=LUBARTOW, action_id=CHECK)
    # a talk linked to the request action counts for the request, not for the talks
    log(demo, EntryKind.talk, at(day, 10), plan_id=LUBARTOW, action_id=REQUEST)
    # an unlinked talk of another plan, or of no plan, counts for nothing here
    log(demo, EntryKind.talk, at(day, 11), plan_id=KRASNIK, officer_id=OFFICER_KRASNIK)
    log(demo, EntryKind.talk, at(day, 11), plan_id=None)
    found = tasks(demo, day, at(day, 12), LUBARTOW)
    assert found[CHECK].status == TaskStatus.done
    assert found[REQUEST].status == TaskStatus.done
    assert found[TALKS].done == 0
    # an unlinked talk of this plan counts by its kind
    log(demo, EntryKind.talk, at(day, 11, 30), plan_id=LUBARTOW)
    assert tasks(demo, day, at(day, 12), LUBARTOW)[TALKS].done == 1


def test_deleted_and_moved_entries(demo: Session) -> None:
    day = TODAY_
    entry_id = log(demo, EntryKind.place_check, at(day, 9), plan_id=LUBARTOW, action_id=CHECK)
    assert tasks(demo, day, at(day, 12), LUBARTOW)[CHECK].status == TaskStatus.done
    # moved to the next day by an edit: counts there only
    moved = current_revision(demo, entry_id).model_dump(include=set(EntryIn.model_fields))
    moved["occurred_at"] = at(day + ONE, 9)
    revise_entry(demo, entry_id, EntryIn(**moved), officer_id=OFFICER, device_id="test")
    demo.commit()
    assert tasks(demo, day, at(day, 12), LUBARTOW)[CHECK].status == TaskStatus.todo
    assert tasks(demo, day + ONE, at(day + ONE, 12), LUBARTOW)[CHECK].status == TaskStatus.done
    delete_entry(demo, entry_id, officer_id=OFFICER, device_id="test")
    demo.commit()
    assert tasks(demo, day + ONE, at(day + ONE, 12), LUBARTOW)[CHECK].status == TaskStatus.todo


def test_a_deadline_before_on_and_after(demo: Session) -> None:
    def status(day: date) -> TaskStatus | None:
        task = tasks(demo, day, at(day, 12), NIGHT).get(EARLY_DEADLINE)
        return task.status if task else None

    # a meeting before the window opens does not count
    log(demo, EntryKind.meeting, at(date(2025, 1, 20), 10), plan_id=NIGHT)
    assert status(date(2025, 1, 31)) is None
    first = tasks(demo, date(2025, 2, 1), at(date(2025, 2, 1), 12), NIGHT)[EARLY_DEADLINE]
    assert (first.status, first.due, first.mode) == (TaskStatus.todo, date(2025, 3, 31), "deadline")
    assert status(date(2025, 3, 31)) == TaskStatus.todo
    assert status(date(2025, 4, 1)) == TaskStatus.overdue
    assert status(END) == TaskStatus.overdue
    assert status(END + ONE) is None
    # done late, on 5 April: done that day, gone after
    log(demo, EntryKind.meeting, at(date(2025, 4, 5), 10), plan_id=NIGHT)
    assert status(date(2025, 4, 4)) == TaskStatus.overdue
    assert status(date(2025, 4, 5)) == TaskStatus.done
    assert status(date(2025, 4, 6)) is None


def test_a_deadline_done_in_time_leaves_the_list(demo: Session) -> None:
    log(demo, EntryKind.meeting, at(date(2025, 3, 10), 18), plan_id=NIGHT, action_id=EARLY_DEADLINE)
    on_the_day = tasks(demo, date(2025, 3, 10), at(date(2025, 3, 10), 19), NIGHT)[EARLY_DEADLINE]
    assert (on_the_day.status, on_the_day.done) == (TaskStatus.done, 1)
    for day in (date(2025, 3, 11), date(2025, 3, 31), date(2025, 4, 1), END):
        assert EARLY_DEADLINE not in tasks(demo, day, at(day, 12), NIGHT)


def test_twice_a_week(demo: Session) -> None:
    monday = date(2025, 3, 10)

    def talks(day: date, hour: int = 12):
        return tasks(demo, day, at(day, hour), LUBARTOW)[TALKS]

    assert (talks(monday).done, talks(monday).required, talks(monday).due) == (
        0,
        2,
        date(2025, 3, 16),
    )
    log(demo, EntryKind.talk, at(monday + ONE, 10), plan_id=LUBARTOW)
    assert talks(monday).done == 0  # Monday, as of Monday
    wednesday = talks(monday + 2 * ONE)
    assert (wednesday.done, wednesday.status) == (1, TaskStatus.todo)
    log(demo, EntryKind.talk, at(monday + 2 * ONE, 15), plan_id=LUBARTOW, action_id=TALKS)
    assert (talks(monday + 2 * ONE, 16).done, talks(monday + 2 * ONE, 16).status) == (
        2,
        TaskStatus.done,
    )
    log(demo, EntryKind.talk, at(monday + 3 * ONE, 15), plan_id=LUBARTOW)
    assert talks(monday + 4 * ONE).done == 2  # counted up to the number required
    next_week = talks(monday + 7 * ONE)
    assert (next_week.done, next_week.status, next_week.due) == (
        0,
        TaskStatus.todo,
        date(2025, 3, 23),
    )
    # the week ran out short of two: its Sunday is overdue once over, not before
    sunday = monday + 13 * ONE
    assert talks(sunday).status == TaskStatus.todo
    late = tasks(demo, sunday, at(sunday + ONE, 12), LUBARTOW)[TALKS]
    assert late.status == TaskStatus.overdue


def test_the_first_and_last_weeks_are_cut_by_the_period(demo: Session) -> None:
    first = tasks(demo, START, at(START, 12), LUBARTOW)[TALKS]  # Wed 1 Jan 2025
    assert first.due == date(2025, 1, 5)
    last = tasks(demo, END, at(END, 12), LUBARTOW)[TALKS]  # Mon 30 Jun 2025
    assert (last.due, last.status) == (END, TaskStatus.todo)
    assert tasks(demo, END, at(END, 23, 59), LUBARTOW)[TALKS].status == TaskStatus.todo
    after = tasks(demo, END, at(END + ONE, 0, 30), LUBARTOW)[TALKS]
    assert after.status == TaskStatus.overdue


def test_twice_a_month(demo: Session) -> None:
    log(demo, EntryKind.leaflets, at(date(2025, 2, 27), 10), plan_id=NIGHT)
    log(demo, EntryKind.leaflets, at(date(2025, 3, 3), 10), plan_id=NIGHT)
    log(demo, EntryKind.leaflets, at(date(2025, 3, 20), 10), plan_id=NIGHT, action_id=MONTHLY)

    def monthly(day: date):
        return tasks(demo, day, at(day, 12), NIGHT)[MONTHLY]

    assert (monthly(date(2025, 3, 19)).done, monthly(date(2025, 3, 19)).due) == (
        1,
        date(2025, 3, 31),
    )
    assert monthly(date(2025, 3, 20)).status == TaskStatus.done
    april = monthly(date(2025, 4, 1))
    assert (april.done, april.required, april.due, april.status) == (
        0,
        2,
        date(2025, 4, 30),
        TaskStatus.todo,
    )


def test_weekend_patrols_in_april_only(demo: Session) -> None:
    def shown(day: date) -> bool:
        return WEEKENDS in tasks(demo, day, at(day, 12), NIGHT)

    assert shown(date(2025, 4, 5)) and shown(date(2025, 4, 6))  # Sat, Sun
    assert not shown(date(2025, 4, 7))  # Monday
    assert not shown(date(2025, 3, 29)) and not shown(date(2025, 5, 3))  # weekends outside


@pytest.fixture
def one_query(demo: Session):
    """Counts the statements that read entries while a block runs."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        if "entry_revision" in statement:
            statements.append(statement)

    engine = demo.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    yield statements
    event.remove(engine, "before_cursor_execute", record)


def test_one_entries_query_per_call(demo: Session, one_query: list[str]) -> None:
    found = tasks_for_day(demo, TODAY_, now=at(TODAY_, 12))
    assert len(found) > 8
    assert len(one_query) == 1


def test_a_night_window_across_midnight(demo: Session) -> None:
    monday, tuesday = date(2025, 3, 10), date(2025, 3, 11)
    evening = tasks(demo, monday, at(monday, 20), NIGHT)[NIGHT_CHECK]
    assert (evening.day, evening.status, evening.open_now) == (monday, TaskStatus.todo, False)
    assert tasks(demo, monday, at(monday, 22), NIGHT)[NIGHT_CHECK].open_now
    log(demo, EntryKind.place_check, at(tuesday, 1), plan_id=NIGHT, action_id=NIGHT_CHECK)
    # at 01:30 on Tuesday the open task is Monday's night, and the 01:00 check is in it
    small_hours = tasks(demo, tuesday, at(tuesday, 1, 30), NIGHT)[NIGHT_CHECK]
    assert (small_hours.day, small_hours.open_now, small_hours.status) == (
        monday,
        True,
        TaskStatus.done,
    )
    # after 02:00 it is Tuesday's night, still ahead and not done by Monday's check
    morning = tasks(demo, tuesday, at(tuesday, 3), NIGHT)[NIGHT_CHECK]
    assert (morning.day, morning.open_now, morning.status) == (tuesday, False, TaskStatus.todo)
    assert tasks(demo, monday, at(tuesday, 3), NIGHT)[NIGHT_CHECK].status == TaskStatus.done
    # Wednesday's night with nothing logged is missed once it ends at 02:00 on Thursday
    wednesday = date(2025, 3, 12)
    assert (
        tasks(demo, wednesday, at(wednesday + ONE, 1), NIGHT)[NIGHT_CHECK].status == TaskStatus.todo
    )
    assert (
        tasks(demo, wednesday, at(wednesday + ONE, 3), NIGHT)[NIGHT_CHECK].status
        == TaskStatus.overdue
    )


def test_night_windows_follow_the_weekdays(demo: Session) -> None:
    friday, saturday, monday = date(2025, 3, 14), date(2025, 3, 15), date(2025, 3, 17)
    assert NIGHT_CHECK not in tasks(demo, saturday, at(saturday, 12), NIGHT)
    # Friday's night goes on into Saturday
    carried = tasks(demo, saturday, at(saturday, 1), NIGHT)[NIGHT_CHECK]
    assert (carried.day, carried.open_now) == (friday, True)
    log(demo, EntryKind.place_check, at(saturday, 1, 30), plan_id=NIGHT)
    assert tasks(demo, friday, at(saturday, 12), NIGHT)[NIGHT_CHECK].status == TaskStatus.done
    # there is no Sunday night, so early on Monday it is Monday's task, not open yet
    early = tasks(demo, monday, at(monday, 1), NIGHT)[NIGHT_CHECK]
    assert (early.day, early.open_now, early.status) == (monday, False, TaskStatus.todo)


def test_open_now_first_then_overdue_to_do_and_done(demo: Session) -> None:
    monday = date(2025, 3, 10)
    log(demo, EntryKind.request_letter, at(monday, 10), plan_id=LUBARTOW)
    found = tasks_for_day(demo, monday, plan_ids=[LUBARTOW, NIGHT], now=at(monday, 22, 30))
    assert [task.action_id for task in found] == [
        NIGHT_CHECK,  # open now
        CHECK,  # its 7–22 window has passed
        EARLY_DEADLINE,  # to do, our plan first ("Nocne…" sorts before "Plac…")
        MONTHLY,
        TALKS,
        REQUEST,  # done
    ]
    assert [task.status for task in found] == [
        TaskStatus.todo,
        TaskStatus.overdue,
        TaskStatus.todo,
        TaskStatus.todo,
        TaskStatus.todo,
        TaskStatus.done,
    ]
