"""POST a batch of a device's changes."""

from fastapi import APIRouter, Request, Response
from sqlmodel import Session

from app.core.sync.schemas import PushIn, PushOut
from app.server.deps import (
    Caller,
    DbDep,
    TokenDep,
    json_body_openapi,
    json_response,
    read_json_body,
)
from app.server.push import push_and_commit
from app.server.routes.errors import errors

router = APIRouter(tags=["sync"])
BODY_MODELS = (PushIn,)
"""Bodies read by ``read_json_body``: their schemas join the OpenAPI document's components."""


@router.post(
    "/push",
    response_model=PushOut,
    responses=errors(400, 401, 403, 409, 413, 503),
    openapi_extra=json_body_openapi(PushIn),
)
async def push(request: Request, db: DbDep, token: TokenDep) -> Response:
    """Apply the batch in one transaction; committed before the answer is sent."""
    # the body read in one pass, not parsed then validated: a batch holds hundreds of mutations
    body = await read_json_body(request, PushIn)

    def work(session: Session, caller: Caller) -> PushOut:
        return push_and_commit(session, caller.scope, body)

    return json_response(await db.run_signed_in(token, work))
