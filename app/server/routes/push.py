"""POST a batch of a device's changes."""

from fastapi import APIRouter, Response
from sqlmodel import Session

from app.core.sync.schemas import PushIn, PushOut
from app.server.deps import Caller, DbDep, TokenDep, json_response
from app.server.push import push_and_commit
from app.server.routes.errors import errors

router = APIRouter(tags=["sync"])


@router.post("/push", response_model=PushOut, responses=errors(400, 401, 403, 409, 413, 503))
async def push(body: PushIn, db: DbDep, token: TokenDep) -> Response:
    """Apply the batch in one transaction; committed before the answer is sent."""

    def work(session: Session, caller: Caller) -> PushOut:
        return push_and_commit(session, caller.scope, body)

    return json_response(await db.run_signed_in(token, work))
