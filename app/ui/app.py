"""Builds the app's ``main(page)`` over a store: state, GPS service, sync client, shell."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import flet as ft
import flet_geolocator as fgl
from sqlalchemy.engine import Engine

from app.i18n import translator
from app.model.clock import Clock, local_now, set_clock
from app.sync.client import SyncClient
from app.ui import controls, plan_import, services
from app.ui.shell import Shell
from app.ui.state import AppState

SyncFactory = Callable[[AppState], Any]
log = logging.getLogger(__name__)
_ = translator("ui")


_clients: dict[int, SyncClient] = {}


def shared_client(engine: Engine, server_url: str, device_id: str) -> SyncClient:
    """One sync client per store, shared by every page of the process and the background loop.

    Its lock keeps two rounds from overlapping, and what it learnt (online or not, the last
    error) is the same on every page. ``server_url`` is the default address: the client reads
    the one set on the device at every round.
    """
    client = _clients.get(id(engine))
    if client is None:
        client = _clients[id(engine)] = SyncClient(engine, server_url, device_id)
    return client


def make_sync_client(state: AppState) -> SyncClient:
    return shared_client(state.engine, state.server_url, state.device_id)


def keep_session_alive(page: ft.Page, shell: Shell) -> None:
    """An unexpected error in a handler ends in a Polish message on a usable screen.

    Flet logs the handler's traceback and then reports the error to the client, which
    replaces the whole app with "Error running app" — the officer's typing lost. Here that
    report becomes a toast: the screen, and whatever was typed on it, stays. (The hook is
    the session's ``error``; Flet is pinned, and a test holds this to its behaviour.)"""
    session = page.session

    def handler_failed(message: str) -> None:
        log.error("a handler failed (details above): %s", message.splitlines()[0][:200])
        shell.state.activate()
        shell.error(_("Something went wrong. What you typed is still here; try again."))
        page.update()

    session.error = handler_failed  # type: ignore[method-assign]


def make_main(
    engine: Engine,
    *,
    clock: Clock | None = None,
    sync_factory: SyncFactory = make_sync_client,
    default_server_url: str | None = None,
) -> Callable[[ft.Page], Awaitable[None]]:
    """``main(page)`` for ``ft.run``; every page (browser tab) gets its own session state.

    ``default_server_url`` is the sync service to use until the officer sets another one
    (``rejon run`` passes its embedded service). A ``clock`` given here becomes the process's
    clock (``app.model.clock``): screens, saving and every "not in the future" rule share it.
    """
    if clock is not None:
        set_clock(clock)

    async def main(page: ft.Page) -> None:
        page.title = "Rejon"
        page.theme = controls.theme()
        page.theme_mode = ft.ThemeMode.LIGHT
        page.bgcolor = "#F3F5F9"
        device = await asyncio.to_thread(services.load_device, engine, default_server_url)
        state = AppState(
            engine=engine,
            device_id=device.device_id,
            clock=local_now,
            officer=device.officer,
            language=device.language,
            gps_threshold_m=device.gps_threshold_m,
            server_url=device.server_url,
        )
        state.activate()
        state.geolocator = fgl.Geolocator()
        state.sync = sync_factory(state)
        shell = Shell(page, state, sync_factory=sync_factory)
        keep_session_alive(page, shell)

        async def document_picked(event: ft.FilePickerResultEvent) -> None:
            await plan_import.picked(shell, event)

        state.file_picker = ft.FilePicker(on_result=document_picked)
        if state.officer is not None:
            await shell.reload_places()
        await shell.start()

    return main
