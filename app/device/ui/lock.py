"""The lock screen: a signed-in browser left without use asks for the password again.

While locked, every route draws this screen and nothing else (the views under it are gone,
so nothing of the officer's work stays in the page); the outbox and the sync loop go on, so
entries waiting to be sent are sent or stay safely waiting. Unlocking checks the password
against the hash kept on this device (it works offline); too many wrong passwords sign the
device out.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import flet as ft

from app.core.i18n import fmt_number, translator
from app.device.ui import controls, services
from app.device.ui.devices import MAX_UNLOCK_FAILURES
from app.device.ui.shell import Shell
from app.device.ui.signin import ask_sign_out, sign_out

_ = translator("ui")

USER_EVENTS = frozenset(
    {
        "click",
        "change",
        "submit",
        "select",
        "tap",
        "long_press",
        "action",
        "focus",
        "route_change",
        "view_pop",
        "keyboard_event",
        "scroll",
    }
)
"""Events that mean a person used the page (not a timer, GPS or the connection)."""


def watch_input(page: ft.Page, on_input: Callable[[], None]) -> None:
    """Call ``on_input`` for every user event and typed value this page receives.

    Flet has no page-wide input hook, so the session's two entry points for what the browser
    sends (events, typed values) are wrapped for this page only (Flet is pinned).
    """
    session = page.session
    dispatch = session.dispatch_event
    apply_patch = session.apply_patch

    async def dispatch_event(control_id: int, event_name: str, event_data: object) -> None:
        if event_name in USER_EVENTS:
            on_input()
        await dispatch(control_id, event_name, event_data)

    def patched(control_id: int, patch: dict) -> None:
        on_input()
        apply_patch(control_id, patch)

    session.dispatch_event = dispatch_event  # type: ignore[method-assign]
    session.apply_patch = patched  # type: ignore[method-assign]


async def view(shell: Shell) -> ft.View:

    state = shell.state
    device = state.device
    officer = state.officer
    assert device is not None and officer is not None
    password = controls.password_field("unlock-password")
    message = ft.Text("", color=controls.ALERT_COLOR, key="unlock-message")

    async def unlock(_event: ft.ControlEvent) -> None:
        current = state.officer
        if current is None:
            return
        good = await asyncio.to_thread(
            services.check_password, state.engine, current.id, password.value or ""
        )
        if not good:
            device.lock.failures += 1
            if device.lock.failures >= MAX_UNLOCK_FAILURES:
                await sign_out(shell, _("Too many wrong passwords: signed out."))
                return
            password.value = ""
            left = MAX_UNLOCK_FAILURES - device.lock.failures
            message.value = _("Wrong password ({left} tries left).", left=left)
            shell.page.update()
            return
        await device.unlocked(source=id(shell))
        await shell.refresh()
        shell.page.update()

    async def leave(_event: ft.ControlEvent) -> None:
        await ask_sign_out(shell)

    password.on_submit = unlock
    minutes = fmt_number(round(device.lock.after_s / 60, 1))
    body = [
        controls.card(
            ft.Row(
                [
                    ft.Icon(ft.Icons.LOCK, color=controls.PRIMARY, size=32),
                    controls.heading(_("Locked")),
                ],
                spacing=8,
            ),
            controls.muted(
                _(
                    "Locked after {minutes} min without use. Entries waiting to be sent are safe.",
                    minutes=minutes,
                )
            ),
            ft.Text(f"{officer.name} · {officer.badge}", size=17, key="locked-officer"),
            password,
            message,
            controls.action_button(_("Unlock"), unlock, key="unlock", icon=ft.Icons.LOCK_OPEN),
            controls.action_button(_("Sign out"), leave, key="lock-sign-out", kind="outlined"),
            identifier="lock",
        )
    ]
    return shell.overlay_view(shell.route, _("Rejon is locked"), body)
