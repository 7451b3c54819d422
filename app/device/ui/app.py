"""Builds the app's ``main(page)``: state, GPS service, sync client, shell.

``make_main`` serves one device (a phone: one store for the install); ``make_web_main``
serves browsers, each its own device (``app.device.ui.devices``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import flet as ft
import flet_geolocator as fgl
from sqlalchemy.engine import Engine

from app.core.i18n import translator
from app.core.model.clock import Clock, local_now, set_clock
from app.device.sync.client import SyncClient
from app.device.ui import controls, plan_import, services
from app.device.ui.devices import WebDevices, browser_key
from app.device.ui.lock import watch_input
from app.device.ui.screens import SCREENS
from app.device.ui.shell import Shell
from app.device.ui.signin import forget_officer
from app.device.ui.state import AppState

SyncFactory = Callable[[AppState], SyncClient | None]
log = logging.getLogger(__name__)
_ = translator("ui")

_clients: dict[int, SyncClient] = {}


def shared_client(engine: Engine, server_url: str, device_id: str) -> SyncClient:
    """One sync client per store, shared by every page of the process and its sync loop.

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


_SESSION_EVENTS = frozenset({"connect", "disconnect", "close"})
"""The page's events that Flet itself raises about its connection, not the browser."""


def speak_in_every_handler(
    page: ft.Page, shell: Shell, heard: Callable[[], None] | None = None
) -> None:
    """Every handler runs in the officer's language.

    Flet dispatches each event in a task of its own, whose context starts from the server's
    (Polish, the default), not the session's: a handler that forgot ``state.activate()``
    drew Polish on an English screen (the log form's "Liczy się do celu" after picking a
    task). The session's dispatch activates the language first, for every event."""
    session = page.session
    dispatch = session.dispatch_event

    async def dispatch_in_language(control_id: int, event_name: str, event_data: object) -> None:
        shell.state.activate()
        if heard is not None and event_name not in _SESSION_EVENTS:
            heard()  # the page is connected: it sent this event
        if shell.state.sync is not None:
            shell.state.sync.officer_active()  # the sync round lets this tap go first
        await dispatch(control_id, event_name, event_data)

    session.dispatch_event = dispatch_in_language  # type: ignore[method-assign]


def _file_picker(shell: Shell) -> ft.FilePicker:
    """Saves reports and exports; picks plan documents to import (its ``on_result``)."""

    async def document_picked(event: ft.FilePickerResultEvent) -> None:
        await plan_import.picked(shell, event)

    return ft.FilePicker(on_result=document_picked)


def _dress(page: ft.Page) -> None:
    page.title = "Rejon"
    page.theme = controls.theme()
    page.theme_mode = ft.ThemeMode.LIGHT
    page.bgcolor = "#F3F5F9"


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
    clock (``app.core.model.clock``): screens, saving and every "not in the future" rule share it.
    """
    if clock is not None:
        set_clock(clock)

    async def main(page: ft.Page) -> None:
        _dress(page)
        device = await asyncio.to_thread(services.load_device, engine, default_server_url)
        state = AppState(
            engine=engine,
            device_id=device.device_id,
            clock=local_now,
            officer=device.officer,
            language=device.language,
            gps_threshold_m=device.gps_threshold_m,
            server_url=device.server_url,
            tile_url=device.tile_url,
        )
        state.activate()
        state.geolocator = fgl.Geolocator()
        state.sync = sync_factory(state)
        shell = Shell(page, state, SCREENS)
        keep_session_alive(page, shell)
        speak_in_every_handler(page, shell)
        state.file_picker = _file_picker(shell)
        if state.officer is not None:
            await shell.reload_places()
        await shell.start()

    return main


def make_web_main(
    devices: WebDevices, *, clock: Clock | None = None
) -> Callable[[ft.Page], Awaitable[None]]:
    """``main(page)`` for browsers: each browser is a device with its own store and sign-in.

    Tabs of one browser share its device; a change of sign-in or lock in one tab redraws the
    others. A ``clock`` given here becomes the process's clock (see ``make_main``).
    """
    if clock is not None:
        set_clock(clock)

    async def main(page: ft.Page) -> None:
        _dress(page)
        device = await devices.attach(await browser_key())
        listening: list[int] = []

        async def closed(_event: ft.ControlEvent) -> None:
            """Flet ends the session (an hour after its tab went away): release the device."""
            device.disconnected(id(page))
            for session_id in listening:
                device.unlisten(session_id)
            await devices.detach(device)

        def disconnected(event: ft.ControlEvent) -> None:
            _drop_dialogs(event)
            device.disconnected(id(page))

        page.on_close = closed  # set first: a session that fails below still releases it
        page.on_disconnect = disconnected
        page.on_connect = lambda _event: device.connected(id(page))
        device.connected(id(page))
        settings = await asyncio.to_thread(services.load_device, device.engine, devices.server_url)
        state = AppState(
            engine=device.engine,
            device_id=settings.device_id,
            clock=local_now,
            officer=device.officer,
            language=settings.language,
            gps_threshold_m=settings.gps_threshold_m,
            server_url=settings.server_url,
            tile_url=settings.tile_url,
            device=device,
        )
        state.activate()
        state.geolocator = fgl.Geolocator()
        state.sync = device.client
        shell = Shell(page, state, SCREENS)
        keep_session_alive(page, shell)
        speak_in_every_handler(page, shell, heard=lambda: device.heard_from(id(page)))
        state.file_picker = _file_picker(shell)

        async def follow_device() -> None:
            """Another tab signed in or out, or the idle lock came on."""
            if device.officer is None or state.officer is None:
                forget_officer(shell)
            state.officer = device.officer
            if state.officer is not None and state.place_index is None and not state.locked:
                await shell.reload_places()
            if state.locked:
                while page.pop_dialog() is not None:
                    pass
            await shell.render(None if state.officer is not None else "/")

        device.listen(id(shell), follow_device)
        listening.append(id(shell))
        watch_input(page, device.lock.touch)
        if state.officer is not None and not state.locked:
            await shell.reload_places()
        await shell.start()

    return main


def _drop_dialogs(event: ft.ControlEvent) -> None:
    """A reload reattaches the browser to this session, which sends the page again: snackbars
    already shown are left out (Flet 1.0.5's client fails on a reattached page carrying
    dismissed snackbars: "Error running app")."""
    page = event.page
    assert isinstance(page, ft.Page)
    page._dialogs.controls.clear()
