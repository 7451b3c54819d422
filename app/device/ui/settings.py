"""Ustawienia: sign-in, server address, sync now, language, GPS limit, idle lock (web)."""

from __future__ import annotations

import asyncio
import logging

import flet as ft

from app.core.i18n import LANGUAGES, translator
from app.device.sync.client import SyncState
from app.device.sync.local import valid_server_url
from app.device.ui import controls, services
from app.device.ui import state as keys
from app.device.ui.devices import LOCK_MINUTES_RANGE
from app.device.ui.shell import Shell
from app.device.ui.signin import officer_card, sign_in_panel

_ = translator("ui")
log = logging.getLogger(__name__)
LANGUAGE_NAMES = {"pl": "Polski", "en": "English"}
MAX_THRESHOLD_M = 5000


def _sync_card(shell: Shell, status: SyncState) -> ft.Control:
    """The badge, why sync failed, the service's address and "Sync now" — all of them about
    the one client and the one address that the background sync uses too."""
    state = shell.state
    address = ft.TextField(
        label=_("Server address"),
        value=state.server_url,
        key="server-url",
        keyboard_type=ft.KeyboardType.URL,
    )

    async def save_address(_event: ft.ControlEvent) -> None:
        try:
            url = valid_server_url(address.value or "")
        except ValueError:
            address.error = _("Not a server address: give one like https://rejon.example.pl")
            shell.page.update()
            return
        address.error = None
        await asyncio.to_thread(services.set_preference, state.engine, keys.SETTING_SERVER_URL, url)
        state.server_url = url
        if state.sync is not None:
            state.sync.request_sync()  # a round under way goes on at the new address
        shell.toast(_("Server address saved."), key="address-saved")
        shell.page.update()

    async def sync_now(_event: ft.ControlEvent) -> None:
        client = state.sync
        if client is None:
            shell.toast(_("No sync service configured."), key="sync-result")
            shell.page.update()
            return
        try:
            result = await asyncio.wait_for(client.sync_once(), 60)
        except TimeoutError:
            result = None
        await shell.refresh()
        state.activate()
        if result is None:
            shell.toast(_("Sync failed: {reason}", reason=_("no answer")), key="sync-result")
        elif result.errors:
            now = await asyncio.to_thread(client.state, state.officer_id)
            shell.toast(controls.sync_detail(now) or _("Sync failed."), key="sync-result")
        else:
            shell.toast(
                _("Sent {pushed}, received {pulled}.", pushed=result.pushed, pulled=result.pulled),
                key="sync-result",
            )
        shell.page.update()

    detail = controls.sync_detail(status)
    return controls.card(
        controls.heading(_("Synchronisation")),
        controls.sync_badge(status, key="settings-sync-badge"),
        *([ft.Text(detail, size=15, key="settings-sync-detail")] if detail else []),
        address,
        controls.action_button(
            _("Save address"), save_address, key="save-server-url", kind="outlined"
        ),
        controls.action_button(_("Sync now"), sync_now, key="sync-now", icon=ft.Icons.SYNC),
    )


def _language_card(shell: Shell) -> ft.Control:
    state = shell.state

    def choose(language: str) -> object:
        async def handler(_event: ft.ControlEvent) -> None:
            state.language = language
            await asyncio.to_thread(
                services.set_preference, state.engine, keys.SETTING_LANGUAGE, language
            )
            await shell.refresh()

        return handler

    return controls.card(
        controls.heading(_("Language")),
        *[
            controls.choice_button(
                LANGUAGE_NAMES[lang], state.language == lang, choose(lang), key=f"lang-{lang}"
            )
            for lang in LANGUAGES
        ],
    )


def _gps_card(shell: Shell) -> ft.Control:
    state = shell.state
    field = ft.TextField(
        label=_("Poor GPS above (metres)"),
        value=str(round(state.gps_threshold_m)),
        key="gps-threshold",
        keyboard_type=ft.KeyboardType.NUMBER,
        input_filter=ft.NumbersOnlyInputFilter(),
    )

    async def save(_event: ft.ControlEvent) -> None:
        text = (field.value or "").strip()
        if not text.isdigit() or not 5 <= int(text) <= MAX_THRESHOLD_M:
            field.error = _("A number of metres from 5 to {max}", max=MAX_THRESHOLD_M)
            shell.page.update()
            return
        field.error = None
        state.gps_threshold_m = float(text)
        await asyncio.to_thread(
            services.set_preference, state.engine, keys.SETTING_GPS_THRESHOLD, text
        )
        shell.toast(_("GPS limit saved."), key="gps-saved")
        shell.page.update()

    return controls.card(
        controls.heading(_("GPS")),
        controls.muted(_("Entries with a worse fix are marked as imprecise.")),
        field,
        controls.action_button(
            _("Save GPS limit"), save, key="save-gps-threshold", kind="outlined"
        ),
    )


async def view(shell: Shell, _query: dict[str, str]) -> ft.View:
    state = shell.state
    status = await asyncio.to_thread(
        services.sync_status, state.engine, state.sync, state.officer_id
    )
    first = (
        officer_card(shell, state.officer)
        if state.officer is not None
        else await sign_in_panel(shell)
    )
    body = [first, _sync_card(shell, status), _language_card(shell), _gps_card(shell)]
    if state.device is not None:
        body.append(_lock_card(shell))
    return shell.tab_view("/settings", _("Settings"), body)


def _lock_card(shell: Shell) -> ft.Control:
    """This browser's idle lock: whole minutes within ``LOCK_MINUTES_RANGE``."""
    state = shell.state
    device = state.device
    assert device is not None
    low, high = LOCK_MINUTES_RANGE
    field = ft.TextField(
        label=_("Lock after (minutes without use)"),
        value=f"{device.lock.after_s / 60:g}",
        key="idle-lock",
        keyboard_type=ft.KeyboardType.NUMBER,
        input_filter=ft.NumbersOnlyInputFilter(),
    )

    async def save(_event: ft.ControlEvent) -> None:
        text = (field.value or "").strip()
        if not text.isdigit() or not low <= int(text) <= high:
            field.error = _("A number of minutes from {low} to {high}", low=low, high=high)
            shell.page.update()
            return
        field.error = None
        device.lock.after_s = int(text) * 60
        await asyncio.to_thread(services.set_preference, state.engine, keys.SETTING_IDLE_LOCK, text)
        shell.toast(_("Lock time saved."), key="idle-lock-saved")
        shell.page.update()

    return controls.card(
        controls.heading(_("Lock")),
        controls.muted(_("Without use, this browser asks for the password again.")),
        field,
        controls.action_button(_("Save lock time"), save, key="save-idle-lock", kind="outlined"),
    )
