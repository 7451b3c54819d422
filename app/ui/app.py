"""Builds the app's ``main(page)`` over a store: state, GPS service, sync client, shell."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import flet as ft
import flet_geolocator as fgl
from sqlalchemy.engine import Engine

from app.sync.client import SyncClient
from app.ui import controls, services
from app.ui.shell import Shell
from app.ui.state import AppState, real_clock

SyncFactory = Callable[[AppState], Any]


_clients: dict[tuple[int, str], SyncClient] = {}


def shared_client(engine: Engine, server_url: str, device_id: str) -> SyncClient:
    """One sync client per store and address, shared by every page of the process.

    Its lock keeps two rounds from overlapping, and what it learnt (online or not, the last
    error) is the same on every page and for the background loop.
    """
    key = (id(engine), server_url.rstrip("/"))
    client = _clients.get(key)
    if client is None:
        client = _clients[key] = SyncClient(engine, server_url, device_id)
    return client


def make_sync_client(state: AppState) -> SyncClient:
    return shared_client(state.engine, state.server_url, state.device_id)


def make_main(
    engine: Engine,
    *,
    clock: Callable[[], datetime] = real_clock,
    sync_factory: SyncFactory = make_sync_client,
    default_server_url: str | None = None,
) -> Callable[[ft.Page], Awaitable[None]]:
    """``main(page)`` for ``ft.run``; every page (browser tab) gets its own session state.

    ``default_server_url`` is the sync service to use until the officer sets another one
    (``rejon run`` passes its embedded service).
    """

    async def main(page: ft.Page) -> None:
        page.title = "Rejon"
        page.theme = controls.theme()
        page.theme_mode = ft.ThemeMode.LIGHT
        page.bgcolor = "#F3F5F9"
        device = await asyncio.to_thread(services.load_device, engine, default_server_url)
        state = AppState(
            engine=engine,
            device_id=device.device_id,
            clock=clock,
            officer=device.officer,
            language=device.language,
            gps_threshold_m=device.gps_threshold_m,
            server_url=device.server_url,
            tile_url=device.tile_url,
        )
        state.activate()
        state.geolocator = fgl.Geolocator()
        state.file_picker = ft.FilePicker()
        state.sync = sync_factory(state)
        shell = Shell(page, state, sync_factory=sync_factory)
        if state.officer is not None:
            await shell.reload_places()
        await shell.start()

    return main
