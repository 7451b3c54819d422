"""The plan workflow's role checks and status transitions (both database backends)."""

from datetime import date

import pytest

from app.core.demo import AREA_IDS, AREA_NUMBERS, area_id, demo_plans
from app.core.model import Officer, PlanIn, PlanStatus
from app.core.model.ids import stable_id
from app.core.plans import workflow
from app.core.store.plans import get_plan


def officer(session, badge):
    return session.get(Officer, stable_id("officer", badge))


def draft_for(author, area="lubartow", **extra):
    return PlanIn(
        area_id=AREA_IDS[area],
        officer_id=author.id,
        title="Nowy plan",
        period_start=date(2027, 1, 1),
        period_end=date(2027, 6, 30),
        threat="Zagrożenie",
        goal="Cel",
        **extra,
    )


@pytest.fixture
def people(demo_engine):
    from sqlmodel import Session

    with Session(demo_engine, expire_on_commit=False) as session:
        yield (
            session,
            {b: officer(session, b) for b in ("100301", "100300", "200301", "200300", "999000")},
        )


def test_officer_drafts_submits_and_supervisor_approves(people):
    session, who = people
    plan = workflow.save_draft(session, who["100301"], draft_for(who["100301"]))
    assert plan.status == PlanStatus.draft
    workflow.submit(session, who["100301"], plan.id)
    assert [p.id for p in workflow.plans_to_review(session, who["100300"])] == [plan.id]
    assert workflow.plans_to_review(session, who["200300"]) == [], "another unit's supervisor"
    workflow.approve(session, who["100300"], plan.id, "  W porządku. ")
    stored = get_plan(session, plan.id)
    assert (stored.status, stored.review_note) == (PlanStatus.approved, "W porządku.")


def test_return_needs_a_note_and_allows_correction(people):
    session, who = people
    plan = workflow.save_draft(session, who["100301"], draft_for(who["100301"]))
    workflow.submit(session, who["100301"], plan.id)
    with pytest.raises(workflow.WorkflowError, match="napisz, co poprawić"):
        workflow.return_plan(session, who["100300"], plan.id, "   ")
    workflow.return_plan(session, who["100300"], plan.id, "Popraw cel.")
    assert get_plan(session, plan.id).status == PlanStatus.returned
    corrected = draft_for(who["100301"], id=plan.id).model_copy(update={"goal": "Lepszy cel"})
    again = workflow.save_draft(session, who["100301"], corrected)
    assert (again.status, again.review_note, again.goal) == (
        PlanStatus.returned,
        "Popraw cel.",
        "Lepszy cel",
    )
    workflow.submit(session, who["100301"], plan.id)
    assert get_plan(session, plan.id).status == PlanStatus.submitted


def test_nobody_writes_plans_for_others_nor_edits_submitted_ones(people):
    session, who = people
    with pytest.raises(workflow.WorkflowError, match="swoich rejonów służbowych"):
        workflow.save_draft(session, who["100301"], draft_for(who["100301"], area="krasnik"))
    with pytest.raises(workflow.WorkflowError, match="dzielnicowy, do którego należy"):
        workflow.save_draft(session, who["100300"], draft_for(who["100301"]))
    plan = workflow.save_draft(session, who["100301"], draft_for(who["100301"]))
    workflow.submit(session, who["100301"], plan.id)
    with pytest.raises(workflow.WorkflowError, match="nie można edytować"):
        workflow.save_draft(session, who["100301"], draft_for(who["100301"], id=plan.id))
    with pytest.raises(workflow.WorkflowError, match="przekazać plan może tylko"):
        workflow.submit(session, who["100301"], plan.id)


def test_only_the_units_supervisor_reviews(people):
    session, who = people
    plan = workflow.save_draft(session, who["100301"], draft_for(who["100301"]))
    with pytest.raises(
        workflow.WorkflowError, match=r"przekazany do zatwierdzenia \(stan: Projekt\)"
    ):
        workflow.approve(session, who["100300"], plan.id)
    workflow.submit(session, who["100301"], plan.id)
    for badge in ("100301", "200300", "200301"):
        with pytest.raises(workflow.WorkflowError, match="przełożony z jego jednostki"):
            workflow.approve(session, who[badge], plan.id)
    workflow.approve(session, who["999000"], plan.id)  # the admin may
    assert get_plan(session, plan.id).status == PlanStatus.approved
    # what each role sees
    assert {p.area_id for p in workflow.visible_plans(session, who["100301"])} == {
        AREA_IDS["lubartow"]
    }
    assert {p.area_id for p in workflow.visible_plans(session, who["200300"])} == {
        area_id("krasnik", number) for number in AREA_NUMBERS["krasnik"]
    }  # every rejon of the supervisor's unit
    demo = len(demo_plans())
    assert len(workflow.visible_plans(session, who["999000"])) == demo + 1  # and the new one
