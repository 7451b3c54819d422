"""The Flet entry point of the phone app (``flet build``); ``python -m app.device.main`` or
``flet run`` serve it on the web.

On a phone the install is one device: its store comes from the settings (Flet's
``FLET_APP_STORAGE_DATA``, else ``REJON_DATABASE_URL`` or ``storage/rejon.db``), is migrated
on start and gets the demo when empty. Served to browsers, every browser is a device of its
own (``app.device.ui.devices``, stores under ``storage/devices``) syncing with ``REJON_SERVER_URL``.
``REJON_TODAY=YYYY-MM-DD`` fixes "today" for demos and browser tests.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from datetime import date
from functools import cache
from pathlib import Path

import flet as ft

from app.core.config import get_settings
from app.core.model.clock import fixed_day_clock
from app.device.ui.app import make_main, make_web_main
from app.device.ui.bootstrap import open_local_store
from app.device.ui.devices import DEVICES_FOLDER, WebDevices
from app.device.web_page import ISOLATED_PAGE_RENDERER


def _day() -> date | None:
    fixed = os.environ.get("REJON_TODAY")
    return date.fromisoformat(fixed) if fixed else None


@cache
def _main() -> Callable[[ft.Page], Awaitable[None]]:
    day = _day()
    engine = open_local_store(get_settings().local_db_url, today=day)
    return make_main(engine, clock=fixed_day_clock(day) if day else None)


@cache
def _web_main() -> Callable[[ft.Page], Awaitable[None]]:
    settings = get_settings()
    day = _day()
    devices = WebDevices(settings.storage / DEVICES_FOLDER, server_url=settings.server_url)
    return make_web_main(devices, clock=fixed_day_clock(day) if day else None)


async def main(page: ft.Page) -> None:
    """Flet's entry: one call per connected page; a browser is never the phone's device."""
    await (_web_main() if page.web else _main())(page)


def run() -> None:
    """Start the app: on a phone (``flet build``, via the root ``main.py``) Flet ignores the view
    and shows its own client; on a computer it serves the app to a browser."""
    ft.run(
        main,
        view=ft.AppView.WEB_BROWSER,
        host=os.environ.get("FLET_SERVER_IP", "127.0.0.1"),
        port=int(os.environ.get("FLET_PORT", "8550")),
        assets_dir=str(Path(__file__).resolve().parents[2] / "assets"),
        no_cdn=True,
        web_renderer=ISOLATED_PAGE_RENDERER,
    )


if __name__ == "__main__":
    run()
