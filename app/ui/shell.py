"""The frame around the screens: routes, the bottom navigation bar, snackbars.

Five tabs (Dziś, Historia, Mapa, Plan, Ustawienia) are one tap from anywhere; the quick-log form
and the plan editor open on top of their tab, so nothing is deeper than two taps from Today.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import flet as ft

from app.i18n import translator
from app.ui import controls
from app.ui.state import AppState

_ = translator("ui")

TABS = ("/", "/history", "/map", "/plan", "/settings")
OVERLAYS = {"/log": "/", "/plan/edit": "/plan", "/approvals": "/plan"}
"""Screens that open on top of a tab: route → the tab underneath."""

Query = dict[str, str]
ScreenBuilder = Callable[["Shell", Query], Awaitable[ft.View]]


def route_for(path: str, **query: str | None) -> str:
    """A route with its query string (``None`` values left out)."""
    params = {k: v for k, v in query.items() if v is not None}
    return f"{path}?{urlencode(params)}" if params else path


class Shell:
    """Owns the page's views; screens ask it to navigate, refresh and confirm."""

    def __init__(
        self,
        page: ft.Page,
        state: AppState,
        *,
        sync_factory: Callable[[AppState], Any] | None = None,
    ) -> None:
        self.page = page
        self.state = state
        self.sync_factory = sync_factory or (lambda _state: None)
        self.route = "/"
        self._rendering = asyncio.Lock()

    async def start(self) -> None:
        self.page.on_route_change = self._route_changed
        self.page.on_view_pop = self._view_popped
        await self.render(self.page.route or "/")

    # ---- navigation -------------------------------------------------------------------------
    async def go(self, route: str) -> None:
        """Navigate like a tap would: the browser's URL changes and the screen follows.

        The client reports no change for the route it already shows: that one is redrawn here.
        """
        if route == self.route:
            await self.render(route)
        else:
            await self.page.push_route(route)

    async def refresh(self) -> None:
        """Draw the current screen again from fresh data."""
        await self.render(self.route)

    async def _route_changed(self, event: ft.RouteChangeEvent) -> None:
        await self.render(event.route)

    async def _view_popped(self, _event: ft.ViewPopEvent) -> None:
        path = urlsplit(self.route).path
        await self.go(OVERLAYS.get(path, "/"))

    async def render(self, route: str) -> None:
        from app.ui import screens

        async with self._rendering:
            self.state.activate()
            parts = urlsplit(route or "/")
            path = parts.path or "/"
            if path not in TABS and path not in OVERLAYS:
                path = "/"
            query = dict(parse_qsl(parts.query))
            self.route = route_for(path, **query)
            base = OVERLAYS.get(path, path)
            if not self.state.signed_in and base != "/settings":
                base, path, query = "/", "/", {}
            views = [await screens.BUILDERS[base](self, {} if base != path else query)]
            if path != base:
                views.append(await screens.BUILDERS[path](self, query))
            self.page.views.clear()
            self.page.views.extend(views)
            self.page.update()

    def navigation_bar(self, route: str) -> ft.NavigationBar:
        async def changed(event: ft.ControlEvent) -> None:
            await self.go(TABS[int(event.control.selected_index or 0)])

        return ft.NavigationBar(
            key="nav",
            selected_index=TABS.index(route),
            on_change=changed,
            destinations=[
                ft.NavigationBarDestination(icon=ft.Icons.TODAY, label=_("Today")),
                ft.NavigationBarDestination(icon=ft.Icons.HISTORY, label=_("History")),
                ft.NavigationBarDestination(icon=ft.Icons.MAP, label=_("Map")),
                ft.NavigationBarDestination(icon=ft.Icons.ASSIGNMENT, label=_("Plan")),
                ft.NavigationBarDestination(icon=ft.Icons.SETTINGS, label=_("Settings")),
            ],
        )

    def tab_view(
        self,
        route: str,
        title: str,
        body: list[ft.Control],
        *,
        actions: list[ft.Control] | None = None,
        fab: ft.Control | None = None,
    ) -> ft.View:
        """A tab screen: title bar, scrolling body, navigation bar."""
        appbar = ft.AppBar(
            title=ft.Text(title, weight=ft.FontWeight.BOLD),
            bgcolor=controls.PRIMARY,
            color=ft.Colors.WHITE,
            actions=[*(actions or []), ft.Container(width=8)],
            automatically_imply_leading=False,
        )
        return _screen(
            route,
            appbar,
            body,
            navigation_bar=self.navigation_bar(route),
            floating_action_button=fab,
        )

    def overlay_view(self, route: str, title: str, body: list[ft.Control]) -> ft.View:
        """A screen on top of a tab, with a back arrow."""
        appbar = ft.AppBar(
            title=ft.Text(title, weight=ft.FontWeight.BOLD),
            bgcolor=controls.PRIMARY,
            color=ft.Colors.WHITE,
        )
        return _screen(route, appbar, body)

    # ---- shared work ------------------------------------------------------------------------
    async def reload_places(self) -> None:
        """The officer's places and the index that finds the nearest one to a GPS fix."""
        from app.ui import services

        officer = self.state.officer
        places = (
            await asyncio.to_thread(services.officer_places, self.state.engine, officer)
            if officer is not None
            else []
        )
        self.state.places = places
        self.state.place_index = services.place_index(places)

    async def undo_entry(self, entry_id: str) -> None:
        """Undo a save: the entry gets a tombstone (synced like any change)."""
        from app.ui import services

        officer = self.state.officer
        if officer is None:
            return
        await asyncio.to_thread(
            services.delete, self.state.engine, officer.id, self.state.device_id, entry_id
        )
        await self.refresh()
        self.state.activate()
        self.toast(_("Entry removed."), key="undone")
        self.page.update()

    def follow_sync(self) -> None:
        """After a save: keep Today's sync badge current while the background loop sends it."""
        if self.state.sync is not None:
            self.page.run_task(self._follow_sync)

    async def _follow_sync(self, rounds: int = 15, every_s: float = 2.0) -> None:
        from app.ui import services

        for _ in range(rounds):
            await asyncio.sleep(every_s)
            pending, online = await asyncio.to_thread(
                services.sync_status, self.state.engine, self.state.sync
            )
            slot = self.state.badge_slot
            if slot is not None and urlsplit(self.route).path == "/":
                self.state.activate()
                slot.content = controls.sync_badge(pending, online)
                self.page.update()
            if not pending:
                return

    # ---- confirmations ------------------------------------------------------------------------
    def toast(
        self,
        message: str,
        *,
        undo: Callable[[], Awaitable[None]] | None = None,
        key: str = "toast",
    ) -> None:
        """A snackbar; with ``undo`` it carries an Undo button for a few seconds."""

        async def on_action(_event: ft.ControlEvent) -> None:
            if undo is not None:
                await undo()

        snack = ft.SnackBar(
            content=ft.Text(message, size=16),
            action=_("Undo") if undo else None,
            on_action=on_action if undo else None,
            duration=ft.Duration(seconds=8 if undo else 4),
            key=key,
        )
        self.page.show_dialog(snack)

    def error(self, message: str) -> None:
        self.toast(message, key="error")


def _screen(route: str, appbar: ft.AppBar, body: list[ft.Control], **extra: Any) -> ft.View:
    """Every screen's frame: a scrolling, padded column on the app's background."""
    return ft.View(
        route=route,
        appbar=appbar,
        controls=body,
        scroll=ft.ScrollMode.AUTO,
        padding=12,
        spacing=10,
        bgcolor="#F3F5F9",
        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        **extra,
    )
