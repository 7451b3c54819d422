"""CLI: ``demo`` and ``plan list|show|import``."""

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.cli.common import DbOption, plan_or_exit, store
from app.core.store.db import session_scope

if TYPE_CHECKING:
    from app.core.plans.importer import ImportedPlan


def demo(db: DbOption = None) -> None:
    """Load the demo: both sample plans, their places, areas and officer accounts."""
    from app.core.demo import DEMO_PASSWORD, load_demo

    engine = store(db)
    with session_scope(engine) as session:
        ids = load_demo(session)
    typer.echo(f"Demo loaded: {len(ids)} plans. Demo accounts' password: {DEMO_PASSWORD}")


def plan_list(db: DbOption = None) -> None:
    """List plans: id, area, period, status, title."""
    from app.core.store.plans import list_plans

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


def plan_show(
    plan_ref: Annotated[str, typer.Argument(help="Plan id or its first characters")],
    db: DbOption = None,
) -> None:
    """Show a plan's five sections."""
    from app.core.plans.render import plan_as_text
    from app.core.store.plans import read_plan

    with session_scope(store(db)) as session:
        plan = plan_or_exit(session, plan_ref)
        typer.echo(plan_as_text(session, read_plan(session, plan.id)))


def plan_import(
    file: Annotated[Path, typer.Argument(help="A plan document: .txt, .docx, .odt or .pdf")],
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print what was read as JSON (a list when several plans)."),
    ] = False,
    save: Annotated[
        bool, typer.Option("--save", help="Store it as a draft plan (each plan of the file).")
    ] = False,
    officer: Annotated[
        str | None,
        typer.Option("--officer", help="Badge of the plan's officer (default: the area's)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Read a plan document in the official five-section layout; optionally save it as a draft.

    A file holding several plans (consecutive half-years, two areas) gives each on its own.
    """
    from app.core.plans.drafts import DraftError, save_drafts
    from app.core.plans.importer import DocumentError, import_plans
    from app.core.store.errors import NotFound

    try:
        imported = import_plans(file)
    except DocumentError as exc:  # its message names the file and says why (Polish)
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    if as_json:
        data = [plan.model_dump(mode="json") for plan in imported]
        typer.echo(json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=2))
    else:
        for number, plan in enumerate(imported, start=1):
            if len(imported) > 1:
                typer.echo(f"{'' if number == 1 else chr(10)}Plan {number} z {len(imported)}")
            typer.echo(import_summary(plan))
    if not save:
        return
    try:
        with session_scope(store(db)) as session:
            plans = save_drafts(session, imported, officer_badge=officer)
    except (DraftError, NotFound, ValueError) as exc:
        typer.echo(f"Nie zapisano planu: {exc}", err=True)
        raise typer.Exit(1) from None
    for plan in plans:
        typer.echo(f"Zapisano projekt planu {plan.id[:8]} ({plan.id}).", err=as_json)


def import_summary(imported: "ImportedPlan") -> str:
    """What the importer read, line by line, and its warnings."""
    criterion = imported.criterion
    lines = [
        f"Rejon: {imported.area or '?'}   Jednostka: {imported.unit or '?'}",
        f"Okres: {imported.period_start or '?'} – {imported.period_end or '?'}",
        f"Kryterium: {criterion.kind.value if criterion else '?'}"
        + (
            f" {criterion.target} {'+'.join(criterion.measure)}"
            if criterion and criterion.target
            else ""
        ),
        f"Działania: {len(imported.actions)}   Partnerzy: {len(imported.partners)}   "
        f"Kanały informowania: {len(imported.channels)}",
    ]
    for number, action in enumerate(imported.actions, start=1):
        when = f"{action.start or ''}–{action.end or ''}" + (" (termin)" if action.deadline else "")
        hours = f" {action.time_from}–{action.time_to}" if action.time_from else ""
        lines.append(f"  {number}) [{action.kind.value}] {when}{hours}: {action.text[:70]}")
    lines += [f"Uwaga: {warning}" for warning in imported.warnings]
    return "\n".join(lines)


def register(cli: typer.Typer, plan_cli: typer.Typer) -> None:
    cli.command()(demo)
    plan_cli.command("list")(plan_list)
    plan_cli.command("show")(plan_show)
    plan_cli.command("import")(plan_import)
