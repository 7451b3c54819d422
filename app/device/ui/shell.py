"""The frame around the screens: routes, the bottom navigation bar, snackbars.

Five tabs (Dziś, Historia, Mapa, Plan, Ustawienia) are one tap from anywhere; the quick-log form
and the plan editor open on top of their tab, so nothing is deeper than two taps from Today.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import flet as ft

from app.core.i18n import translator
from app.device.sync.client import SyncState
from app.device.ui import controls, services
from app.device.ui.state import AppState

_ = translator("ui")

TABS = ("/", "/history", "/map", "/plan", "/settings")
OVERLAYS = {"/log": "/", "/plan/edit": "/plan", "/approvals": "/plan"}
"""Screens that open on top of a tab: route → the tab underneath."""
DIALOG_CLOSE_S = 0.3
"""How long a closing dialog is given to leave the screen before the next drawing is sent."""
ECHO_S = 10.0
"""How long the browser's report of a route drawn and pushed is waited for (see ``Echoes``)."""

Query = dict[str, str]
ScreenBuilder = Callable[["Shell", Query], Awaitable[ft.View]]


@dataclass(frozen=True)
class Screens:
    """What the shell draws: given by the app (``app.device.ui.screens``), so the frame never
    imports the screens that are drawn in it."""

    builders: Mapping[str, ScreenBuilder]
    """Route → the screen that draws it."""
    lock: ScreenBuilder
    """What every route draws while the idle lock is on."""
    sync_notice: Callable[[Shell, SyncState], ft.Control | None]
    """Today's line under the sync badge, kept current while a change is being sent."""


def route_for(path: str, **query: str | None) -> str:
    """A route with its query string (``None`` values left out)."""
    params = {k: v for k, v in query.items() if v is not None}
    return f"{path}?{urlencode(params)}" if params else path


def same_route(route: str) -> str:
    """``route`` spelled one way (its query encoded as ``route_for`` does), so a route the
    browser reports back compares equal to the one pushed."""
    parts = urlsplit(route)
    return route_for(parts.path or "/", **dict(parse_qsl(parts.query)))


class Echoes:
    """Routes drawn and then pushed to the browser whose route change is still to come.

    The client reports each pushed route back in the order pushed. A route change that is
    none of them is the browser's own (Back, Forward): it forgets them all. One never
    reported (Flet drops a change to the route it reported last) is forgotten after
    ``ECHO_S``, so it can never swallow a later Back to the same route."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._waiting: deque[tuple[str, float]] = deque()

    def expect(self, route: str) -> None:
        now = self._clock()
        while self._waiting and now - self._waiting[0][1] > ECHO_S:
            self._waiting.popleft()
        self._waiting.append((same_route(route), now))

    def heard(self, route: str) -> bool:
        """Whether ``route`` is the echo of a pushed one (it and those before it are done)."""
        now, route = self._clock(), same_route(route)
        if not any(r == route and now - at <= ECHO_S for r, at in self._waiting):
            self._waiting.clear()
            return False
        while self._waiting.popleft()[0] != route:
            pass
        return True


class Shell:
    """Owns the page's views; screens ask it to navigate, refresh and confirm."""

    def __init__(
        self,
        page: ft.Page,
        state: AppState,
        screens: Screens,
    ) -> None:
        self.page = page
        self.state = state
        self.screens = screens
        self.route = "/"
        self.previous_route = "/"
        """The route drawn before the one being drawn (a screen may keep what it showed)."""
        self._rendering = asyncio.Lock()
        self._echoes = Echoes()

    async def start(self) -> None:
        self.page.on_route_change = self._route_changed
        self.page.on_view_pop = self._view_popped
        await self.render(self.page.route or "/")

    # ---- navigation -------------------------------------------------------------------------
    async def go(self, route: str) -> None:
        """Navigate like a tap would: the screen is drawn at once, then the browser's URL
        follows (Back and a reload find it there).

        The client answers the new URL with a route change for the screen already drawn: that
        echo is not drawn again. Drawing only on the route change, as Flet's examples do, put a
        round trip to the browser and back (12–15 ms in Chromium) before every screen.
        """
        if route == self.route:
            await self.render(route)
            return
        self._echoes.expect(route)
        await self.render(route)
        await self.page.push_route(route)

    async def refresh(self) -> None:
        """Draw the current screen again from fresh data: the one current when its turn to
        draw comes, not when it was asked (a tab tapped meanwhile stays on screen)."""
        await self.render(None)

    async def _route_changed(self, event: ft.RouteChangeEvent) -> None:
        if self._echoes.heard(event.route):
            return
        await self.render(event.route)  # the browser's own: Back, Forward, a typed address

    async def _view_popped(self, _event: ft.ViewPopEvent) -> None:
        path = urlsplit(self.route).path
        await self.go(OVERLAYS.get(path, "/"))

    async def render(self, route: str | None) -> None:
        """Draw ``route`` (None: the route current once the drawings before this one are done)."""
        screens = self.screens
        async with self._rendering:
            self.state.activate()
            parts = urlsplit((self.route if route is None else route) or "/")
            path = parts.path or "/"
            if path not in TABS and path not in OVERLAYS:
                path = "/"
            query = dict(parse_qsl(parts.query))
            previous, self.route = self.route, route_for(path, **query)
            self.previous_route = previous
            base = OVERLAYS.get(path, path)
            if not self.state.signed_in and base != "/settings":
                base, path, query = "/", "/", {}
            if self.state.locked:  # the lock screen alone: nothing of the officer under it
                views = [await screens.lock(self, {})]
            else:
                shown = self._tab_shown(base, path, previous)
                views = [shown or await screens.builders[base](self, {} if base != path else query)]
                if path != base:
                    views.append(await screens.builders[path](self, query))
            self.page.views.clear()
            self.page.views.extend(views)
            self.page.locale_configuration = locale_configuration(self.state.language)
            self.page.update()

    def _tab_shown(self, base: str, path: str, previous: str) -> ft.View | None:
        """An overlay opened from its own tab goes on top of that tab as it is on screen
        (drawn a moment ago): querying, building, diffing and sending the tab again was most
        of the time from a tap on "Odnotuj" to the form."""
        if path == base or urlsplit(previous).path != base or not self.page.views:
            return None
        view = self.page.views[0]
        return view if view.route == base else None

    def close_overlay(self) -> None:
        """Drop the overlay on top, showing its tab as drawn, before anything slower is done
        (the caller then confirms and redraws the tab with ``go``)."""
        if len(self.page.views) > 1:
            self.page.views.pop()

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

    def overlay_view(
        self, route: str, title: str, body: list[ft.Control], *, bottom: ft.Control | None = None
    ) -> ft.View:
        """A screen on top of a tab, with a back arrow; ``bottom`` stays fixed below the
        scrolling body (a form's save button)."""

        async def back(_event: ft.ControlEvent) -> None:
            await self.go(OVERLAYS.get(urlsplit(self.route).path, "/"))

        appbar = ft.AppBar(
            title=ft.Text(title, weight=ft.FontWeight.BOLD),
            bgcolor=controls.PRIMARY,
            color=ft.Colors.WHITE,
            leading=ft.IconButton(  # Flutter's own is 40 dp in a browser
                icon=ft.Icon(ft.Icons.ARROW_BACK, semantics_label=_("Back")),
                icon_color=ft.Colors.WHITE,
                tooltip=_("Back"),
                width=controls.TAP_MIN,
                height=controls.TAP_MIN,
                on_click=back,
                key="back",
            ),
        )
        extra = {}
        if bottom is not None:
            extra["bottom_appbar"] = ft.BottomAppBar(
                content=bottom,
                bgcolor=ft.Colors.WHITE,
                padding=ft.Padding.symmetric(horizontal=12, vertical=8),
                height=controls.TAP + 16,
                elevation=4,
            )
        return _screen(route, appbar, body, **extra)

    # ---- shared work ------------------------------------------------------------------------
    async def reload_places(self) -> None:
        """The officer's places and the index that finds the nearest one to a GPS fix."""
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
        officer = self.state.officer
        if officer is None:
            return
        await asyncio.to_thread(
            services.delete, self.state.engine, officer.id, self.state.device_id, entry_id
        )
        await self.refresh()
        self.state.activate()
        self.toast(_("Entry removed."), key="undone")
        self.follow_sync()
        self.page.update()

    def follow_sync(self) -> None:
        """After a change: ask the background loop to send it now, and keep Today's sync badge
        current while it does (every change made on a screen ends here)."""
        if self.state.sync is not None:
            self.state.sync.request_sync()
            self.page.run_task(self._follow_sync)

    async def _follow_sync(self, rounds: int = 15, every_s: float = 2.0) -> None:
        for _ in range(rounds):
            await asyncio.sleep(every_s)
            status = await asyncio.to_thread(
                services.sync_status, self.state.engine, self.state.sync, self.state.officer_id
            )
            slot, detail = self.state.badge_slot, self.state.detail_slot
            if slot is not None and urlsplit(self.route).path == "/":
                self.state.activate()
                slot.content = controls.sync_badge(status)
                if detail is not None:
                    detail.content = self.screens.sync_notice(self, status)
                self.page.update()
            if not status.pending:
                return

    async def undo_delete(self, entry_id: str) -> None:
        """Undo a delete: the entry is in force again (a new revision, synced)."""
        officer = self.state.officer
        if officer is None:
            return
        done = await asyncio.to_thread(
            services.restore, self.state.engine, officer.id, self.state.device_id, entry_id
        )
        await self.refresh()
        self.state.activate()
        if done:
            self.toast(_("Entry restored."), key="restored")
            self.follow_sync()
        else:
            self.toast(_("This entry was already restored."), key="restored")
        self.page.update()

    # ---- confirmations ------------------------------------------------------------------------
    def confirm(
        self,
        title: str,
        body: str,
        confirm_label: str,
        action: Callable[[], Awaitable[None]],
        *,
        key: str,
        icon: ft.IconData | None = None,
        cancel_label: str | None = None,
    ) -> None:
        """A yes/no dialog; the action runs once, after this very dialog is closed.

        The dialog is closed by reference, not with ``pop_dialog`` (which closes whichever
        dialog is on top — a snackbar shown meanwhile, leaving this one open)."""
        done = False

        async def confirmed(_event: ft.ControlEvent) -> None:
            nonlocal done
            if done:  # a second tap while the first one works
                return
            done = True
            await self.close_dialog(dialog)
            await action()

        async def cancelled(_event: ft.ControlEvent) -> None:
            await self.close_dialog(dialog)

        dialog = ft.AlertDialog(  # no key of its own: see ``toast``
            title=ft.Text(title),
            content=ft.Text(body),
            actions=[
                ft.TextButton(
                    cancel_label or _("Cancel"),
                    on_click=cancelled,
                    key=f"cancel-{key}",
                    height=controls.TAP_MIN,
                ),
                ft.FilledButton(
                    confirm_label,
                    icon=icon,
                    on_click=confirmed,
                    key=f"confirm-{key}",
                    height=controls.TAP_MIN,
                ),
            ],
        )
        self.page.show_dialog(dialog)

    async def close_dialog(self, dialog: ft.DialogControl) -> None:
        """Close ``dialog`` (by reference) and let the client take it down before anything
        is drawn next: a new screen or a snackbar arriving in the same client frame as the
        closing once left the dialog on screen over the finished work (Chromium, 3 deletes
        in 12)."""
        dialog.open = False
        self.page.update()
        await asyncio.sleep(DIALOG_CLOSE_S)

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

        # The key goes on the text, not on the snackbar: two snackbars with one key in the
        # page's dialog list (a second toast while the first is still up) are taken by
        # Flet's diff for one control, frozen, and their dismissal then crashes the session.
        snack = ft.SnackBar(
            content=ft.Text(message, size=16, key=key),
            action=_("Undo") if undo else None,
            on_action=on_action if undo else None,
            duration=ft.Duration(seconds=8 if undo else 4),
        )
        self.page.show_dialog(snack)

    def error(self, message: str) -> None:
        self.toast(message, key="error")


FLUTTER_LOCALES = {"pl": ft.Locale("pl", "PL"), "en": ft.Locale("en", "GB")}


def locale_configuration(language: str) -> ft.LocaleConfiguration:
    """Flutter's own texts (Back, Copy, a field's "characters remaining") in the app's
    language: without it the web client speaks English on Polish screens."""
    return ft.LocaleConfiguration(
        supported_locales=list(FLUTTER_LOCALES.values()),
        current_locale=FLUTTER_LOCALES.get(language, FLUTTER_LOCALES["pl"]),
    )


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
