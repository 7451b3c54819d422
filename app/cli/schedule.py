"""CLI: ``rejon today`` (what is due) and ``rejon plan ical`` (the plan for a phone calendar)."""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from app.cli.common import DbOption, plan_or_exit, store
from app.core.i18n import fmt_date, translator

_ = translator("schedule")


def _parse_day(value: str | None) -> date:
    from app.core.model.clock import local_today

    if value is None:
        return local_today()
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        typer.echo(_("Not a date: {value} (use YYYY-MM-DD).", value=value), err=True)
        raise typer.Exit(2) from None


def today(
    day: Annotated[
        str | None, typer.Option("--date", help="The day (YYYY-MM-DD); default: today.")
    ] = None,
    officer: Annotated[
        str | None, typer.Option("--officer", help="Only this officer's plans (badge number).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Print the tasks due on a day from the approved plans, open ones first."""
    from app.core.schedule.labels import task_line
    from app.core.schedule.service import tasks_for_day
    from app.core.store.db import session_scope
    from app.core.store.errors import NotFound
    from app.core.store.org import officer_by_badge
    from app.core.store.plans import get_plan

    when = _parse_day(day)
    engine = store(db)
    with session_scope(engine) as session:
        officer_id = None
        if officer is not None:
            try:
                officer_id = officer_by_badge(session, officer.strip()).id
            except NotFound:
                typer.echo(_("No officer with badge {badge}.", badge=officer), err=True)
                raise typer.Exit(1) from None
        tasks = tasks_for_day(session, when, officer_id=officer_id)
        if not tasks:
            typer.echo(_("No tasks for {date}.", date=fmt_date(when, "full")))
            return
        typer.echo(_("Tasks for {date}:", date=fmt_date(when, "full")))
        plan_ids = list(dict.fromkeys(task.plan_id for task in tasks))
        for plan_id in plan_ids:
            typer.echo("")
            typer.echo(get_plan(session, plan_id).title or plan_id)
            for task in tasks:
                if task.plan_id == plan_id:
                    typer.echo(task_line(task))


def plan_ical(
    plan_ref: Annotated[str, typer.Argument(help="Plan id or its first characters")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The .ics file to write.")],
    db: DbOption = None,
) -> None:
    """Export a plan's actions as an iCalendar (.ics) file for a phone calendar."""
    from app.core.reports.ical import plan_calendar
    from app.core.store.db import session_scope

    with session_scope(store(db)) as session:
        plan = plan_or_exit(session, plan_ref)
        data = plan_calendar(session, plan.id)
    try:
        output.write_bytes(data)
    except OSError as exc:
        typer.echo(_("Cannot write {path}: {error}", path=output, error=exc.strerror), err=True)
        raise typer.Exit(1) from None
    events = data.count(b"BEGIN:VEVENT")
    typer.echo(_("Calendar saved: {path} ({count} events).", path=output, count=events))


def register(cli: typer.Typer, plan_cli: typer.Typer) -> None:
    cli.command("today")(today)
    plan_cli.command("ical")(plan_ical)
