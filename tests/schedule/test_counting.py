"""The counting rule, and the two query shapes agreeing on it."""

from datetime import date

import pytest
from sqlmodel import Session

from app.core.model import Action, EntryKind, EntryRevision, Plan
from app.core.schedule.counting import CountRange, count_ranges
from app.core.schedule.service import entry_counts_for_action
from app.core.schedule.windows import day_times
from tests.schedule.conftest import (
    CHECK,
    KRASNIK,
    LUBARTOW,
    OFFICER_KRASNIK,
    REQUEST,
    TALKS,
    at,
    log,
)

PLAN = Plan(
    id="p1",
    area_id="a",
    officer_id="o",
    period_start=date(2025, 1, 1),
    period_end=date(2025, 6, 30),
    threat="t",
    goal="g",
)
TALK = Action(id="a1", plan_id="p1", text="Rozmowy", kind=EntryKind.talk)


def revision(**fields: object) -> EntryRevision:
    return EntryRevision(
        entry_id="e", officer_id="o", device_id="d", occurred_at=at(date(2025, 3, 1), 9), **fields
    )


@pytest.mark.parametrize(
    ("fields", "counts"),
    [
        ({"kind": "talk", "plan_id": "p1", "action_id": "a1"}, True),
        ({"kind": "meeting", "plan_id": "p1", "action_id": "a1"}, True),  # linked: any kind
        ({"kind": "talk", "plan_id": "p1"}, True),  # unlinked, same plan and kind
        ({"kind": "talk", "plan_id": "p1", "action_id": "a2"}, False),  # another action's
        ({"kind": "talk", "plan_id": "p2"}, False),  # another plan's
        ({"kind": "talk"}, False),  # no plan
        ({"kind": "meeting", "plan_id": "p1"}, False),  # another kind
        # another kind that counts what a talk is about (residents spoken to) fulfils it too
        ({"kind": "meeting", "plan_id": "p1", "residents_spoken": 3}, True),
        ({"kind": "meeting", "plan_id": "p1", "action_id": "a2", "residents_spoken": 3}, True),
        ({"kind": "meeting", "plan_id": "p2", "residents_spoken": 3}, False),
        ({"kind": "meeting", "plan_id": "p1", "leaflets": 3}, False),  # not a talk's counter
        # a talk of another talks action stays that action's, whatever it counts
        ({"kind": "talk", "plan_id": "p1", "action_id": "a2", "residents_spoken": 3}, False),
    ],
)
def test_which_entries_count(fields: dict, counts: bool) -> None:
    assert entry_counts_for_action(revision(**fields), TALK, PLAN) is counts


@pytest.mark.db
def test_linked_and_unlinked_entries_are_counted_per_action(demo: Session) -> None:
    monday = date(2025, 3, 10)
    log(demo, EntryKind.place_check, at(monday, 9), plan_id=LUBARTOW, action_id=CHECK)
    log(demo, EntryKind.intervention, at(monday, 10), plan_id=LUBARTOW, action_id=CHECK)
    log(demo, EntryKind.place_check, at(monday, 11), plan_id=LUBARTOW)
    log(demo, EntryKind.talk, at(monday, 12), plan_id=LUBARTOW, action_id=REQUEST)
    log(demo, EntryKind.talk, at(monday, 13), plan_id=LUBARTOW)
    log(demo, EntryKind.talk, at(monday, 14), plan_id=KRASNIK, officer_id=OFFICER_KRASNIK)
    day = day_times(Action(id="x", plan_id="p", text="t"), monday)

    def whole_day(action_id: str, kind: EntryKind, cap: int) -> CountRange:
        return CountRange(LUBARTOW, action_id, kind, day.span_start, day.span_end, cap)

    ranges = [
        whole_day(CHECK, EntryKind.place_check, 10),
        whole_day(CHECK, EntryKind.place_check, 2),
        whole_day(TALKS, EntryKind.talk, 10),
        whole_day(REQUEST, EntryKind.request_letter, 10),
        CountRange(LUBARTOW, CHECK, EntryKind.place_check, day.span_start, at(monday, 10), 10),
    ]
    expected = [3, 2, 1, 1, 1]
    assert count_ranges(demo, ranges) == expected
    assert count_ranges(demo, []) == []
