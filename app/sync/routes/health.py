"""Liveness and database reachability, for load balancers and ``rejon serve`` checks."""

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from app.sync.deps import SessionDep
from app.sync.routes.errors import errors
from app.sync.versions import current_version

router = APIRouter(tags=["health"])


class HealthOut(BaseModel):
    status: Literal["ok"]
    version: int


@router.get("/healthz", responses=errors(503))
def healthz(session: SessionDep) -> HealthOut:
    session.execute(text("SELECT 1"))
    return HealthOut(status="ok", version=current_version(session))
