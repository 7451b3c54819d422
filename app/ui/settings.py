"""Ustawienia: sign-in (server or this device), server address, sync now, language, GPS limit."""

from __future__ import annotations

import asyncio
import logging

import flet as ft

from app.i18n import LANGUAGES, translator
from app.i18n.labels import role_label
from app.model import Officer
from app.sync.client import SyncClient, SyncState
from app.sync.local import valid_server_url
from app.ui import controls, services
from app.ui import state as keys
from app.ui.shell import Shell

_ = translator("ui")
log = logging.getLogger(__name__)
LANGUAGE_NAMES = {"pl": "Polski", "en": "English"}
MAX_THRESHOLD_M = 5000


async def _server_login(client: SyncClient, badge: str, password: str) -> None:
    try:
        await asyncio.wait_for(client.login(badge, password), 20)
    except Exception as exc:  # offline or refused: local work goes on, sync waits
        log.info("no sync sign-in for %s: %s", badge, exc)
        return
    client.request_sync()


async def signed_in(shell: Shell, officer: Officer) -> None:
    """Make ``officer`` the session's user and go to Today."""
    state = shell.state
    state.officer = officer
    state.place_index = None
    await shell.reload_places()
    await shell.go("/")
    shell.toast(_("Signed in as {name}.", name=officer.name), key="signed-in")
    shell.page.update()


async def sign_in_panel(shell: Shell) -> ft.Control:
    """Badge and password; against the sync server, or against this device's accounts."""
    state = shell.state
    officers = await asyncio.to_thread(services.local_officers, state.engine)
    badge = ft.TextField(label=_("Badge number"), key="badge", keyboard_type=ft.KeyboardType.NUMBER)
    password = ft.TextField(
        label=_("Password"), key="password", password=True, can_reveal_password=True
    )
    message = ft.Text("", color=controls.ALERT_COLOR, key="sign-in-message")

    async def local(_event: ft.ControlEvent) -> None:
        officer = await asyncio.to_thread(
            services.sign_in_local, state.engine, badge.value or "", password.value or ""
        )
        if officer is None:
            message.value = _("Wrong badge number or password.")
            shell.page.update()
            return
        if state.sync is not None:
            # the same account on the sync service, when it answers; the app works without
            shell.page.run_task(_server_login, state.sync, officer.badge, password.value or "")
        await signed_in(shell, officer)

    async def server(_event: ft.ControlEvent) -> None:
        client = state.sync
        if client is None:
            message.value = _("No sync service configured: sign in on this device.")
            shell.page.update()
            return
        try:
            await asyncio.wait_for(client.login(badge.value or "", password.value or ""), 20)
        except Exception as exc:  # the client raises on refusal or when the server is away
            log.info("server sign-in failed: %s", exc)
            message.value = _("The server refused or did not answer: {reason}", reason=str(exc))
            shell.page.update()
            return
        officer = await asyncio.to_thread(
            services.remember_officer, state.engine, badge.value or ""
        )
        if officer is None:
            message.value = _("Signed in on the server; sync to bring your account here.")
            shell.page.update()
            return
        await signed_in(shell, officer)

    def pick(officer: Officer) -> object:
        def handler(_event: ft.ControlEvent) -> None:
            badge.value = officer.badge

        return handler

    accounts = [
        controls.choice_button(
            f"{o.badge} · {o.name}",
            False,
            pick(o),
            key=f"account-{o.badge}",
            sublabel=role_label(o.role),
        )
        for o in officers
    ]
    return controls.card(
        controls.heading(_("Sign in")),
        badge,
        password,
        message,
        ft.Row(
            [
                controls.action_button(
                    _("Sign in on this device"), local, key="sign-in-local", expand=True
                )
            ]
        ),
        ft.Row(
            [
                controls.action_button(
                    _("Sign in with the server"),
                    server,
                    key="sign-in-server",
                    kind="outlined",
                    expand=True,
                )
            ]
        ),
        controls.muted(_("Accounts on this device (tap to fill the badge number):"), size=14),
        *accounts,
        identifier="sign-in",
    )


def _officer_card(shell: Shell, officer: Officer) -> ft.Control:
    async def sign_out(_event: ft.ControlEvent) -> None:
        await asyncio.to_thread(services.sign_out, shell.state.engine)
        shell.state.officer = None
        shell.state.place_index = None
        await shell.go("/")
        shell.page.update()

    return controls.card(
        controls.heading(_("Signed in")),
        ft.Text(officer.name, size=17, key="settings-officer"),
        controls.muted(f"{officer.badge} · {role_label(officer.role)}"),
        controls.action_button(_("Sign out"), sign_out, key="sign-out", kind="outlined"),
    )


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
            state.sync.request_sync()  # the next round already goes to the new address
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
            now = await asyncio.to_thread(client.state)
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
    status = await asyncio.to_thread(services.sync_status, state.engine, state.sync)
    first = (
        _officer_card(shell, state.officer)
        if state.officer is not None
        else await sign_in_panel(shell)
    )
    body = [first, _sync_card(shell, status), _language_card(shell), _gps_card(shell)]
    return shell.tab_view("/settings", _("Settings"), body)
