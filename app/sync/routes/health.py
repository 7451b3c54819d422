"""Liveness and database reachability, for load balancers and ``rejon serve`` checks."""

from typing import Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel
from sqlmodel import Session

from app.sync.deps import DbDep, json_response
from app.sync.routes.errors import errors
from app.sync.versions import current_version

router = APIRouter(tags=["health"])


class HealthOut(BaseModel):
    status: Literal["ok"]
    version: int


@router.get("/healthz", response_model=HealthOut, responses=errors(503))
async def healthz(db: DbDep) -> Response:
    def work(session: Session) -> HealthOut:
        return HealthOut(status="ok", version=current_version(session))

    return json_response(await db.run(work, write=False))
