"""POST a batch of a device's changes."""

from fastapi import APIRouter

from app.sync.deps import CurrentOfficer, SessionDep
from app.sync.push import push_batch
from app.sync.routes.errors import errors
from app.sync.schemas import PushIn, PushOut

router = APIRouter(tags=["sync"])


@router.post("/push", responses=errors(400, 401, 403, 409, 413, 503))
def push(body: PushIn, caller: CurrentOfficer, session: SessionDep) -> PushOut:
    """Apply the batch in one transaction; committed before the answer is sent."""
    result = push_batch(session, caller.scope, body)
    session.commit()
    return result
