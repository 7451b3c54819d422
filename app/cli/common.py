"""What every command shares: the store options and how a named plan is found."""

from typing import TYPE_CHECKING, Annotated

import typer
from sqlalchemy.engine import Engine

from app.core.config import get_settings
from app.core.store.db import open_store

if TYPE_CHECKING:
    from sqlmodel import Session

    from app.core.model import Plan

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="SQLAlchemy URL of the store (default: SQLite under storage/)."),
]
"""The store a command works on (``--db``), the same option everywhere."""
ServerDbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="SQLAlchemy URL of the service's database (default: storage/server.db)."
    ),
]
"""The sync service's store (``rejon serve``, ``rejon user …``, ``rejon run``)."""
PlanArg = Annotated[str, typer.Argument(help="Plan id or its first characters")]


def store(db: str | None) -> Engine:
    """The store named by ``--db`` (else the settings' local store), migrated."""
    return open_store(db or get_settings().local_db_url)


def server_store_url(db: str | None) -> str:
    """The service's store named by ``--db``, else the settings' ``server.db``."""
    return db or get_settings().server_db_url


def plan_or_exit(session: "Session", plan_ref: str) -> "Plan":
    """The plan a user named by id or prefix; otherwise the reason on stderr and exit code 1."""
    from app.core.store.errors import NotFound
    from app.core.store.plans import find_plan

    try:
        return find_plan(session, plan_ref)
    except NotFound as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
