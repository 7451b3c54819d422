"""A plan as one document: read, save whole, review."""

from typing import Annotated

from fastapi import APIRouter, Path, Response
from sqlmodel import Session

from app.core.sync.outputs import plan_out
from app.core.sync.schemas import UUID_PATTERN, PlanOut, PlanWriteIn, ReviewIn
from app.server import plans
from app.server.deps import Caller, DbDep, TokenDep, json_response
from app.server.routes.errors import errors

router = APIRouter(prefix="/plans", tags=["plans"])
PlanId = Annotated[str, Path(pattern=UUID_PATTERN)]


@router.get("/{plan_id}", response_model=PlanOut, responses=errors(401, 404, 503))
async def get_plan(plan_id: PlanId, db: DbDep, token: TokenDep) -> Response:
    def work(session: Session, caller: Caller) -> PlanOut:
        return plan_out(session, plans.visible_plan(session, caller.scope, plan_id).id)

    return json_response(await db.run_signed_in(token, work, write=False))


@router.put(
    "/{plan_id}", response_model=PlanOut, responses=errors(400, 401, 403, 404, 409, 413, 503)
)
async def put_plan(plan_id: PlanId, body: PlanWriteIn, db: DbDep, token: TokenDep) -> Response:
    """Create or replace the whole plan and move it to the status given (workflow rules)."""

    def work(session: Session, caller: Caller) -> PlanOut:
        officer = caller.officer(session)
        plan = plans.save_plan_document(session, caller.scope, officer, plan_id, body)
        session.commit()
        return plan_out(session, plan.id)

    return json_response(await db.run_signed_in(token, work))


@router.post(
    "/{plan_id}/review",
    response_model=PlanOut,
    responses=errors(400, 401, 403, 404, 409, 413, 503),
)
async def review(plan_id: PlanId, body: ReviewIn, db: DbDep, token: TokenDep) -> Response:
    """Approve or return a submitted plan."""

    def work(session: Session, caller: Caller) -> PlanOut:
        plan = plans.review_plan(session, caller.scope, caller.officer(session), plan_id, body)
        session.commit()
        return plan_out(session, plan.id)

    return json_response(await db.run_signed_in(token, work))
