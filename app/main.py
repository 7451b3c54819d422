"""The Flet entry point: ``python -m app.main`` or ``flet run`` serves the app on the web.

The store comes from the settings (``REJON_DATABASE_URL`` or ``storage/rejon.db``; on a
phone Flet's ``FLET_APP_STORAGE_DATA``), is migrated on start and gets the demo when empty.
``REJON_TODAY=YYYY-MM-DD`` fixes "today" for demos and browser tests.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from datetime import date
from functools import cache
from pathlib import Path

import flet as ft

from app.config import get_settings
from app.model.clock import fixed_day_clock
from app.ui.app import make_main
from app.ui.bootstrap import open_local_store


@cache
def _main() -> Callable[[ft.Page], Awaitable[None]]:
    fixed = os.environ.get("REJON_TODAY")
    day = date.fromisoformat(fixed) if fixed else None
    engine = open_local_store(get_settings().local_db_url, today=day)
    return make_main(engine, clock=fixed_day_clock(day) if day else None)


async def main(page: ft.Page) -> None:
    """Flet's entry: one call per connected page."""
    await _main()(page)


if __name__ == "__main__":
    # on a phone (flet build) Flet ignores the view and serves its own client
    ft.run(
        main,
        view=ft.AppView.WEB_BROWSER,
        host=os.environ.get("FLET_SERVER_IP", "127.0.0.1"),
        port=int(os.environ.get("FLET_PORT", "8550")),
        assets_dir=str(Path(__file__).resolve().parents[1] / "assets"),
        no_cdn=True,
    )
