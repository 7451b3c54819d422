"""Readiness, for load balancers and ``rejon serve`` checks: 200 only when a write would work.

The check takes the writers' lock (as every push does) and gives it back at once, so a
database that still answers reads but refuses writes (read-only, disk full, failed over, a
lost connection) makes it answer 503 with ``Retry-After``, like every write would.
"""

from typing import Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel
from sqlmodel import Session

from app.core.store.versions import current_version, lock_versions
from app.server.deps import DbDep, json_response
from app.server.routes.errors import errors

router = APIRouter(tags=["health"])


class HealthOut(BaseModel):
    status: Literal["ok"]
    version: int


@router.get("/healthz", response_model=HealthOut, responses=errors(503))
async def healthz(db: DbDep) -> Response:
    def work(session: Session) -> HealthOut:
        lock_versions(session)
        version = current_version(session)
        session.rollback()  # nothing written: the lock is given back at once
        return HealthOut(status="ok", version=version)

    return json_response(await db.run(work))
