"""CLI: ``report``, ``export``, ``generate``, ``overview`` and ``plan progress``.

Thin shells: each resolves its arguments, calls one service and writes the result.
"""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from app.cli.common import DbOption, PlanArg, store
from app.core.i18n import fmt_date, fmt_percent, translator

_ = translator("reports")

DateOption = Annotated[
    str | None, typer.Option("--date", help="As of this day, YYYY-MM-DD (default: today).")
]


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date (YYYY-MM-DD)", param_hint=option
        ) from None


def _format(value: str | None, output: Path, allowed: tuple[str, ...]) -> str:
    """The format asked for, else the output file's extension."""
    chosen = (value or output.suffix.lstrip(".")).lower()
    if chosen not in allowed:
        raise typer.BadParameter(
            f"choose one of {', '.join(allowed)} (got {chosen or 'nothing'})", param_hint="--format"
        )
    return chosen


def _mode_label(mode: str) -> str:
    return {
        "daily": _("due days"),
        "frequency": _("times required"),
        "deadline": _("one-off task"),
    }[str(mode)]


def _fail(exc: Exception) -> typer.Exit:
    typer.echo(str(exc), err=True)
    return typer.Exit(1)


def report(
    plan_ref: PlanArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write")],
    format: Annotated[str | None, typer.Option("--format", help="docx or pdf")] = None,
    as_of: DateOption = None,
    db: DbOption = None,
) -> None:
    """Write the realization report of a plan (DOCX or PDF), in Polish."""
    from app.core.reports.docx import render_docx
    from app.core.reports.pdf import render_pdf
    from app.core.reports.report import build_report
    from app.core.store.db import session_scope
    from app.core.store.errors import NotFound
    from app.core.store.plans import find_plan

    kind = _format(format, output, ("docx", "pdf"))
    today = _day(as_of, "--date")
    with session_scope(store(db)) as session:
        try:
            content = build_report(session, find_plan(session, plan_ref).id, today)
        except NotFound as exc:
            raise _fail(exc) from None
    data = render_docx(content) if kind == "docx" else render_pdf(content)
    output.write_bytes(data)
    typer.echo(f"{output} ({len(data) // 1024} KiB)")


def export(
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write")],
    format: Annotated[str | None, typer.Option("--format", help="csv or xlsx")] = None,
    plan_ref: Annotated[str | None, typer.Option("--plan", help="Only this plan")] = None,
    since: Annotated[str | None, typer.Option("--from", help="From this day, YYYY-MM-DD")] = None,
    until: Annotated[str | None, typer.Option("--to", help="To this day, YYYY-MM-DD")] = None,
    badge: Annotated[str | None, typer.Option("--officer", help="Officer's badge")] = None,
    db: DbOption = None,
) -> None:
    """Export entries in force (CSV for Polish Excel, or XLSX), one row per entry."""
    from app.core.reports.export import csv_bytes, export_rows, xlsx_bytes
    from app.core.store.db import session_scope
    from app.core.store.errors import NotFound
    from app.core.store.plans import find_plan

    kind = _format(format, output, ("csv", "xlsx"))
    start, end = _day(since, "--from"), _day(until, "--to")
    with session_scope(store(db)) as session:
        try:
            plan_id = find_plan(session, plan_ref).id if plan_ref else None
            rows = export_rows(
                session, plan_id=plan_id, since=start, until=end, officer_badge=badge
            )
        except (NotFound, ValueError) as exc:
            raise _fail(exc) from None
    output.write_bytes(csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows))
    typer.echo(f"{output}: {len(rows)}")


def generate(
    plan_ref: PlanArg,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same entries)")] = 0,
    count: Annotated[
        int | None, typer.Option("--count", min=0, help="Exactly this many entries")
    ] = None,
    db: DbOption = None,
) -> None:
    """Generate a realistic, seeded half-year of entries for a plan (demo, tests, benchmarks)."""
    from app.core.reports.generate import generate_entries
    from app.core.store.db import session_scope
    from app.core.store.errors import Conflict, NotFound
    from app.core.store.plans import find_plan

    with session_scope(store(db)) as session:
        try:
            stored = generate_entries(
                session, find_plan(session, plan_ref).id, seed=seed, count=count
            )
        except (NotFound, Conflict, ValueError) as exc:
            raise _fail(exc) from None
    typer.echo(_("Entries generated: {count}", count=stored))


def plan_progress_command(plan_ref: PlanArg, as_of: DateOption = None, db: DbOption = None) -> None:
    """Show a plan's criterion and each action's figures."""
    from app.core.i18n.labels import kind_label
    from app.core.plans.progress import plan_progress
    from app.core.reports.report import counts_text
    from app.core.store.db import session_scope
    from app.core.store.errors import NotFound
    from app.core.store.plans import find_plan

    with session_scope(store(db)) as session:
        try:
            plan = find_plan(session, plan_ref)
        except NotFound as exc:
            raise _fail(exc) from None
        progress = plan_progress(session, plan.id, _day(as_of, "--date"))
    assert progress.as_of is not None
    typer.echo(
        f"{plan.title} ({fmt_date(plan.period_start)} – {fmt_date(plan.period_end)}), "
        + _("as of {date}", date=fmt_date(progress.as_of))
    )
    typer.echo(_("Criterion: {summary}", summary=progress.criterion.summary))
    typer.echo(
        _("Period elapsed: {share}", share=fmt_percent(progress.criterion.elapsed_share))
        + "; "
        + _("entries: {count}", count=progress.entries)
    )
    for number, action in enumerate(progress.actions, start=1):
        counts = counts_text(action.totals)
        typer.echo(
            f"{number}) [{kind_label(action.kind)}] {action.text}: "
            + _(
                "done {done} of {due} ({mode}), entries {times}",
                done=action.done,
                due=action.due,
                mode=_mode_label(action.mode),
                times=action.times,
            )
            + (f"; {counts}" if counts else "")
        )


def overview(
    unit_name: Annotated[str | None, typer.Option("--unit", help="Unit name or city")] = None,
    badge: Annotated[str | None, typer.Option("--badge", help="Supervisor's badge")] = None,
    as_of: DateOption = None,
    db: DbOption = None,
) -> None:
    """Every plan of a unit with its progress and on-track flag (the supervisor's view)."""
    from app.core.i18n.labels import status_label
    from app.core.plans.progress import find_unit, lag_text, unit_overview
    from app.core.store.db import session_scope
    from app.core.store.errors import NotFound

    if bool(unit_name) == bool(badge):
        raise typer.BadParameter("give either --unit or --badge", param_hint="--unit/--badge")
    with session_scope(store(db)) as session:
        try:
            unit = find_unit(session, name=unit_name, badge=badge)
            rows = unit_overview(session, unit.id, _day(as_of, "--date"))
        except (NotFound, ValueError) as exc:
            raise _fail(exc) from None
    typer.echo(unit.name)
    if not rows:
        typer.echo(_("No plans."))
    flags = {True: _("on track"), False: _("behind"), None: "—"}
    area = _("area")
    for row in rows:
        criterion = row.criterion
        share = fmt_percent(criterion.share_done) if criterion.share_done is not None else "—"
        typer.echo(
            f"{row.plan_id[:8]}  {area} {row.area_number}  {row.officer_badge} "
            f"{row.officer_name}  {fmt_date(row.period_start)} – {fmt_date(row.period_end)}  "
            f"{status_label(row.status)}  {share}  {flags[criterion.on_track]}"
        )
        typer.echo(f"    {criterion.summary}")
        for lag in row.lagging:
            typer.echo(f"    ! {lag_text(lag)}")


def register(cli: typer.Typer, plan_cli: typer.Typer) -> None:
    cli.command("report")(report)
    cli.command("export")(export)
    cli.command("generate")(generate)
    cli.command("overview")(overview)
    plan_cli.command("progress")(plan_progress_command)
