"""``rejon bench``: print every figure of issue 7 with its reference and target."""

import platform
from collections.abc import Callable
from typing import Annotated

import typer

from app.bench.timing import Figure

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _sections(quick: bool, pg_url: str) -> dict[str, Callable[[], list[Figure]]]:
    from app.bench import browser, docs, local, places, pull, sync, web

    scale = 10 if quick else 1
    return {
        "save": lambda: local.save_latency((0, 10_000 // scale, 100_000 // scale)),
        "today": lambda: local.today_screen(100_000 // scale),
        "places": lambda: places.nearest_place(10_000 // scale),
        "pull": lambda: pull.apply_pulled(2_000, repeat=2 if quick else 5),
        "push-sqlite": lambda: sync.push_throughput("sqlite", pg_url, n=10_000 // scale),
        "push-postgresql": lambda: sync.push_throughput("postgresql", pg_url, n=10_000 // scale),
        "load": lambda: sync.server_load(pg_url, seconds=30 / scale, requests=6000 // scale),
        "import": docs.import_samples,
        "report": lambda: docs.report(10_000 // scale),
        "web": lambda: web.web_sessions(20, taps=30 // scale),
        "browser": lambda: browser.browser_figures(
            visits=4 if quick else 20, stocked_taps=4 if quick else 20
        ),
    }


def machine() -> str:
    import os

    python = platform.python_version()
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {python}, {platform.system()}"


def load() -> str:
    """The 1/5/15-minute load averages against the cores: how shared the machine was."""
    import os

    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} / {fifteen:.1f} on {os.cpu_count()} cores"


def bench(
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only",
            help="Run only these: save, today, places, pull, push-sqlite, "
            "push-postgresql, load, import, report, web, browser.",
        ),
    ] = None,
    quick: Annotated[bool, typer.Option(help="A tenth of the data: a smoke run.")] = False,
    pg_url: Annotated[
        str, typer.Option("--pg-url", help="PostgreSQL for the database rows.")
    ] = DEFAULT_PG,
) -> None:
    """Benchmarks: save latency, Today screen, nearest place, sync push, server load, documents,
    browser sessions on one ``rejon run``, what an officer feels in Chromium."""
    sections = _sections(quick, pg_url)
    unknown = set(only or ()) - set(sections)
    if unknown:
        typer.echo(f"Unknown section(s): {', '.join(sorted(unknown))}", err=True)
        raise typer.Exit(2)
    typer.echo(f"Rejon benchmarks on {machine()}{' (quick)' if quick else ''}")
    missed = 0
    for name, run in sections.items():
        if only and name not in only:
            continue
        typer.echo(f"[{name}] machine load before: {load()}")
        for figure in run():
            typer.echo(figure.line())
            missed += figure.met is False
        typer.echo(f"[{name}] machine load after: {load()}")
    typer.echo(f"{missed} target(s) missed" if missed else "all targets met")


def register(cli: typer.Typer, plan_cli: typer.Typer) -> None:
    cli.command("bench")(bench)
