"""A plan as one document: read, save whole, review."""

from typing import Annotated

from fastapi import APIRouter, Path

from app.sync import plans
from app.sync.deps import CurrentOfficer, SessionDep
from app.sync.outputs import plan_out
from app.sync.routes.errors import errors
from app.sync.schemas import UUID_PATTERN, PlanOut, PlanWriteIn, ReviewIn

router = APIRouter(prefix="/plans", tags=["plans"])
PlanId = Annotated[str, Path(pattern=UUID_PATTERN)]


@router.get("/{plan_id}", responses=errors(401, 404, 503))
def get_plan(plan_id: PlanId, caller: CurrentOfficer, session: SessionDep) -> PlanOut:
    return plan_out(session, plans.visible_plan(session, caller.scope, plan_id).id)


@router.put("/{plan_id}", responses=errors(400, 401, 403, 404, 409, 413, 503))
def put_plan(
    plan_id: PlanId, body: PlanWriteIn, caller: CurrentOfficer, session: SessionDep
) -> PlanOut:
    """Create or replace the whole plan and move it to the status given (workflow rules)."""
    plan = plans.save_plan_document(session, caller.scope, caller.officer, plan_id, body)
    session.commit()
    return plan_out(session, plan.id)


@router.post("/{plan_id}/review", responses=errors(400, 401, 403, 404, 409, 413, 503))
def review(plan_id: PlanId, body: ReviewIn, caller: CurrentOfficer, session: SessionDep) -> PlanOut:
    """Approve or return a submitted plan."""
    plan = plans.review_plan(session, caller.scope, caller.officer, plan_id, body)
    session.commit()
    return plan_out(session, plan.id)
