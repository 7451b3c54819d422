"""What changed since a plan was returned: kept on return, compared on resubmission (both
database backends), and carried to other devices with the plan."""

from datetime import date

import pytest
from sqlmodel import Session

from app.core.demo import AREA_IDS
from app.core.model import ActionIn, ChannelIn, CriterionKind, Measure, Officer, PartnerIn, PlanIn
from app.core.model.enums import EntryKind, FrequencyUnit
from app.core.model.ids import stable_id
from app.core.plans import changes, workflow
from app.core.store.plans import read_plan
from app.core.sync.outputs import plan_out, stored_plan_input


def _draft(author: Officer) -> PlanIn:
    return PlanIn(
        area_id=AREA_IDS["lubartow"],
        officer_id=author.id,
        title="Garaże",
        period_start=date(2027, 1, 1),
        period_end=date(2027, 6, 30),
        threat="Spożywanie alkoholu przy garażach",
        goal="Mniej interwencji",
        actions=[
            ActionIn(
                text="Patrol garaży",
                kind=EntryKind.foot_patrol,
                freq_times=2,
                freq_per=FrequencyUnit.week,
            ),
            ActionIn(text="Spotkanie z mieszkańcami", kind=EntryKind.meeting),
        ],
        partners=[PartnerIn(name="Straż Miejska", tasks="wspólne patrole")],
        channels=[ChannelIn(text="Strona KPP")],
    )


@pytest.fixture
def returned(demo_engine):
    with Session(demo_engine, expire_on_commit=False) as session:
        officer = session.get(Officer, stable_id("officer", "100301"))
        boss = session.get(Officer, stable_id("officer", "100300"))
        plan = workflow.save_draft(session, officer, _draft(officer))
        workflow.submit(session, officer, plan.id)
        assert changes.since_returned(read_plan(session, plan.id)) is None, "never returned"
        workflow.return_plan(session, boss, plan.id, "Dodaj częstotliwość spotkań.")
        session.commit()
        yield session, officer, boss, plan.id


def test_a_resubmitted_plan_shows_what_changed_since_it_was_returned(returned):
    session, officer, _boss, plan_id = returned
    stored = stored_plan_input(session, plan_id)
    patrol, meeting = stored.actions
    corrected = stored.model_copy(
        update={
            "period_end": date(2027, 5, 31),
            "criterion_kind": CriterionKind.reduce_by_percent,
            "criterion_measures": [Measure.interventions],
            "criterion_target": 20,
            "actions": [
                patrol,
                meeting.model_copy(update={"freq_times": 1, "freq_per": FrequencyUnit.month}),
                ActionIn(text="Ulotki w skrzynkach", kind=EntryKind.other),
            ],
            "partners": [PartnerIn(name="Straż Miejska", tasks="wspólne patrole w piątki")],
        }
    )
    workflow.save_draft(session, officer, corrected)
    workflow.submit(session, officer, plan_id)
    session.commit()

    found = changes.since_returned(read_plan(session, plan_id))
    assert found is not None
    assert found.sections == (2, 3, 4)
    assert found.period == (date(2027, 1, 1), date(2027, 6, 30)), "the period as returned"
    assert found.title is None and found.criterion
    assert found.actions_added == ("Ulotki w skrzynkach",)
    assert found.actions_removed == ()
    assert found.actions_changed == (
        changes.ActionChange("Spotkanie z mieszkańcami", ("frequency",)),
    )
    assert (found.partners_changed, found.partners_added, found.channels_added) == (
        ("Straż Miejska",),
        (),
        (),
    )


def test_removing_an_action_and_rewording_a_channel_are_seen(returned):
    session, officer, _boss, plan_id = returned
    stored = stored_plan_input(session, plan_id)
    corrected = stored.model_copy(
        update={
            "title": "Garaże przy Lubelskiej",
            "actions": stored.actions[:1],
            "channels": [ChannelIn(text="Facebook KPP")],
        }
    )
    workflow.save_draft(session, officer, corrected)
    found = changes.since_returned(read_plan(session, plan_id))
    assert found is not None
    assert found.sections == (3, 5)
    assert found.title == "Garaże"
    assert found.actions_removed == ("Spotkanie z mieszkańcami",)
    assert (found.channels_added, found.channels_removed) == (("Facebook KPP",), ("Strona KPP",))


def test_an_unchanged_resubmission_and_a_new_baseline_show_nothing(returned):
    session, officer, boss, plan_id = returned
    workflow.save_draft(session, officer, stored_plan_input(session, plan_id))
    found = changes.since_returned(read_plan(session, plan_id))
    assert found is not None and found.empty, "saved again as it was"
    reduction = stored_plan_input(session, plan_id).model_copy(
        update={
            "criterion_kind": CriterionKind.reduce_by_percent,
            "criterion_measures": [Measure.interventions],
            "criterion_target": 20,
        }
    )
    workflow.save_draft(session, officer, reduction)
    found = changes.since_returned(read_plan(session, plan_id))
    assert found is not None and found.criterion and found.sections == (2,)
    workflow.submit(session, officer, plan_id)
    workflow.return_plan(session, boss, plan_id, "Podaj wartość z poprzedniego okresu.")
    workflow.set_baseline(session, boss, plan_id, 14)
    found = changes.since_returned(read_plan(session, plan_id))
    assert found is not None and found.empty, "the baseline is entered apart, and signed"


def test_the_returned_content_syncs_with_the_plan(returned):
    session, _officer, _boss, plan_id = returned
    out = plan_out(session, plan_id)
    assert out.returned_content is not None
    assert out.returned_content["title"] == "Garaże"
    assert [a["text"] for a in out.returned_content["actions"]] == [
        "Patrol garaży",
        "Spotkanie z mieszkańcami",
    ]
