"""``rejon run``: the field app on the web, with the sync service in the same process."""

from __future__ import annotations

import asyncio
import os
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.engine import Engine

from app.config import get_settings

ASSETS = Path(__file__).resolve().parents[2] / "assets"
SYNC_PATH = "/sync"
"""Where the embedded sync service answers (its API under ``/sync/api/v1``)."""


def build_asgi(
    *, host: str, port: int, today: date | None, local_url: str, server_url: str | None
) -> tuple[Any, str | None]:
    """One ASGI app: the sync service under ``/sync`` (when installed) and the Flet app."""
    from flet_web.fastapi import FastAPI
    from flet_web.fastapi import app as flet_app
    from starlette.routing import Mount

    from app.ui.app import make_main
    from app.ui.bootstrap import open_local_store
    from app.ui.state import fixed_day_clock, real_clock

    engine = open_local_store(local_url, today=today)
    routes = []
    sync_url = None
    lifecycle: dict[str, list] = {"on_startup": [], "on_shutdown": []}
    if server_url is not None:
        from app.sync.server import create_app
        from app.sync.versions import init_server_store
        from app.ui.bootstrap import load_demo_if_empty

        server_engine = open_local_store(server_url, demo=False)
        init_server_store(server_engine)  # first: the demo's rows get their versions as written
        load_demo_if_empty(server_engine, today)
        routes.append(Mount(SYNC_PATH, app=create_app(server_engine)))
        sync_url = f"http://{host}:{port}{SYNC_PATH}"
        lifecycle = background_sync(engine, sync_url)
    main = make_main(
        engine,
        clock=fixed_day_clock(today) if today else real_clock,
        default_server_url=sync_url,
    )
    web = flet_app(main, assets_dir=str(ASSETS), no_cdn=True, app_name="Rejon")
    routes.append(Mount("/", app=web))
    asgi = FastAPI(routes=routes, docs_url=None, redoc_url=None, openapi_url=None, **lifecycle)
    return asgi, sync_url


def background_sync(engine: Engine, server_url: str) -> dict[str, list]:
    """Start/stop hooks for the sync loop of this device's store (every minute, and on save)."""
    from app.sync.local import device_id
    from app.ui.app import shared_client

    client = shared_client(engine, server_url, device_id(engine))
    stop = asyncio.Event()
    tasks: list[asyncio.Task] = []

    async def start() -> None:
        tasks.append(asyncio.create_task(client.run_forever(stop)))

    async def finish() -> None:
        stop.set()
        for task in tasks:
            task.cancel()

    return {"on_startup": [start], "on_shutdown": [finish]}


def register(cli: typer.Typer, plan_cli: typer.Typer) -> None:
    @cli.command()
    def run(
        port: Annotated[int, typer.Option(help="Port of the web app.")] = 8550,
        host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
        day: Annotated[
            str | None,
            typer.Option("--date", help="A fixed 'today' (YYYY-MM-DD) for demos and tests."),
        ] = None,
        db: Annotated[str | None, typer.Option("--db", help="URL of the app's store.")] = None,
        no_sync: Annotated[
            bool, typer.Option("--no-sync", help="Do not start the sync service.")
        ] = False,
    ) -> None:
        """Start the field app (web) and the sync service; open the printed address."""
        import uvicorn

        try:
            today = date.fromisoformat(day) if day else None
        except ValueError:
            typer.echo(f"--date: '{day}' is not a date (YYYY-MM-DD)", err=True)
            raise typer.Exit(2) from None
        settings = get_settings()
        os.environ.setdefault("FLET_WEB_NO_CDN", "true")
        asgi, sync_url = build_asgi(
            host=host,
            port=port,
            today=today,
            local_url=db or settings.local_db_url,
            server_url=None if no_sync else settings.server_db_url,
        )
        from app.plans.demo import DEMO_PASSWORD

        typer.echo(f"Rejon: open http://{host}:{port}/ (demo accounts' password: {DEMO_PASSWORD})")
        if sync_url:
            typer.echo(f"Sync service: {sync_url}/api/v1")
        uvicorn.run(asgi, host=host, port=port, log_level="warning")
