"""``rejon run``: the field app on the web, with the sync service in the same process."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from app.cli.common import ServerDbOption
from app.core.config import get_settings
from app.device.ui.state import DEFAULT_LOCK_MINUTES

if TYPE_CHECKING:
    from app.device.ui.devices import WebDevices

ASSETS = Path(__file__).resolve().parents[2] / "assets"
SYNC_PATH = "/sync"
"""Where the embedded sync service answers (its API under ``/sync/api/v1``)."""
LOCK_LIMITS = (0.1, 240.0)
"""``--idle-lock`` in minutes: from 6 seconds (tests, demonstrations) to four hours."""


def build_asgi(
    *,
    host: str,
    port: int,
    today: date | None,
    storage: Path,
    server_db_url: str | None,
    server_url: str | None = None,
    lock_minutes: float = DEFAULT_LOCK_MINUTES,
) -> tuple[Any, str | None, WebDevices]:
    """One ASGI app: the sync service under ``/sync`` (unless ``server_db_url`` is None) and
    the field app, where every browser is a device with its store under ``storage/devices``.

    The demo goes into the service's store: a browser signs in through the service the first
    time and pulls the officer's plans and places from it. Without the embedded service the
    browsers sync with ``server_url``.
    """
    from flet_web.fastapi import FastAPI
    from flet_web.fastapi import app as flet_app
    from starlette.routing import Mount

    from app.core.model.clock import fixed_day_clock, set_clock
    from app.device.ui.app import make_web_main
    from app.device.ui.devices import DEVICES_FOLDER, WebDevices
    from app.device.web_page import WEB_RENDERER, single_threaded

    clock = fixed_day_clock(today) if today else None
    set_clock(clock)  # before anything asks the time: one day for the app and its service
    routes = []
    sync_url = server_url
    if server_db_url is not None:
        from app.core.store.db import open_service_store
        from app.device.ui.bootstrap import load_demo_if_empty
        from app.server.server import create_app

        # versions first: the demo's rows get theirs as they are written
        server_engine = open_service_store(server_db_url, background_checkpoints=True)
        load_demo_if_empty(server_engine, today)
        routes.append(Mount(SYNC_PATH, app=create_app(server_engine)))
        sync_url = f"http://{_loopback(host)}:{port}{SYNC_PATH}"
    devices = WebDevices(storage / DEVICES_FOLDER, server_url=sync_url, lock_minutes=lock_minutes)
    main = make_web_main(devices, clock=clock)
    web = flet_app(
        main, assets_dir=str(ASSETS), no_cdn=True, app_name="Rejon", web_renderer=WEB_RENDERER
    )
    routes.append(Mount("/", app=single_threaded(web)))
    asgi = FastAPI(
        routes=routes,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        on_shutdown=[devices.close_all],
    )
    return asgi, sync_url, devices


def _loopback(host: str) -> str:
    """The devices reach the embedded service on this host, whatever address it listens on."""
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


def register(cli: typer.Typer, plan_cli: typer.Typer) -> None:
    @cli.command()
    def run(
        port: Annotated[int, typer.Option(help="Port of the web app.")] = 8550,
        host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
        day: Annotated[
            str | None,
            typer.Option("--date", help="A fixed 'today' (YYYY-MM-DD) for demos and tests."),
        ] = None,
        db: ServerDbOption = None,
        no_sync: Annotated[
            bool,
            typer.Option("--no-sync", help="No embedded sync service (use REJON_SERVER_URL)."),
        ] = False,
        idle_lock: Annotated[
            float,
            typer.Option(
                "--idle-lock",
                metavar="MIN",
                help="Minutes without use before a signed-in browser asks for the password.",
            ),
        ] = DEFAULT_LOCK_MINUTES,
    ) -> None:
        """Start the field app (web) and the sync service; open the printed address."""
        import uvicorn

        try:
            today = date.fromisoformat(day) if day else None
        except ValueError:
            typer.echo(f"--date: '{day}' is not a date (YYYY-MM-DD)", err=True)
            raise typer.Exit(2) from None
        low, high = LOCK_LIMITS
        if not low <= idle_lock <= high:
            typer.echo(f"--idle-lock: {idle_lock:g} is not between {low:g} and {high:g}", err=True)
            raise typer.Exit(2)
        settings = get_settings()
        os.environ.setdefault("FLET_WEB_NO_CDN", "true")
        asgi, sync_url, devices = build_asgi(
            host=host,
            port=port,
            today=today,
            storage=settings.storage,
            server_db_url=None if no_sync else (db or settings.server_db_url),
            server_url=settings.server_url,
            lock_minutes=idle_lock,
        )
        from app.core.demo import DEMO_PASSWORD

        typer.echo(f"Rejon: open http://{host}:{port}/ (demo accounts' password: {DEMO_PASSWORD})")
        if sync_url:
            typer.echo(f"Sync service: {sync_url}/api/v1")
        typer.echo(
            f"Every browser is a device of its own (stores in {devices.folder}); "
            f"it locks after {idle_lock:g} min without use."
        )
        # the peer's address is the client's: no proxy header is believed (put a proxy in
        # front with `rejon serve --forwarded-allow-ips` for the service alone, see README)
        uvicorn.run(asgi, host=host, port=port, log_level="warning", proxy_headers=False)
