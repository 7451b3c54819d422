"""The ``rejon`` command line (Typer). Each command is a thin shell over a service."""

import importlib
from typing import Annotated

import typer
from sqlalchemy.engine import Engine

from app.config import get_settings
from app.store.db import open_store, session_scope

cli = typer.Typer(
    help="Rejon — plany działań priorytetowych dzielnicowych: dziennik, synchronizacja, raporty.",
    no_args_is_help=True,
    add_completion=False,
)
plan_cli = typer.Typer(help="Plans: list, show, import, calendar export.", no_args_is_help=True)
cli.add_typer(plan_cli, name="plan")

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="SQLAlchemy URL of the store (default: SQLite under storage/)."),
]


def store(db: str | None) -> Engine:
    return open_store(db or get_settings().local_db_url)


@cli.command()
def demo(db: DbOption = None) -> None:
    """Load the demo: both sample plans, their places, areas and officer accounts."""
    from app.plans.demo import DEMO_PASSWORD, load_demo

    engine = store(db)
    with session_scope(engine) as session:
        ids = load_demo(session)
    typer.echo(f"Demo loaded: {len(ids)} plans. Demo accounts' password: {DEMO_PASSWORD}")


@plan_cli.command("list")
def plan_list(db: DbOption = None) -> None:
    """List plans: id, area, period, status, title."""
    from app.store.plans import list_plans

    engine = store(db)
    with session_scope(engine) as session:
        plans = list_plans(session)
        if not plans:
            typer.echo("No plans. Load the demo with `rejon demo`.")
        for plan in plans:
            typer.echo(
                f"{plan.id[:8]}  {plan.period_start} – {plan.period_end}  "
                f"{plan.status.value:<9} {plan.title}"
            )


@plan_cli.command("show")
def plan_show(
    plan_ref: Annotated[str, typer.Argument(help="Plan id or its first characters")],
    db: DbOption = None,
) -> None:
    """Show a plan's five sections."""
    from app.plans.render import plan_as_text
    from app.store.errors import NotFound
    from app.store.plans import find_plan, read_plan

    engine = store(db)
    with session_scope(engine) as session:
        try:
            plan = find_plan(session, plan_ref)
        except NotFound as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from None
        typer.echo(plan_as_text(session, read_plan(session, plan.id)))


_COMMAND_MODULES: tuple[str, ...] = (
    # each module defines ``register(cli: typer.Typer, plan_cli: typer.Typer) -> None``
)


def _register_commands() -> None:
    for name in _COMMAND_MODULES:
        importlib.import_module(name).register(cli, plan_cli)


_register_commands()


def main() -> None:
    cli()
