"""Signing in and out: against the hash kept on this device, else against the sync service.

A device signs an officer in on its own when it holds a hash of their password (made at
their last sign-in through the service on this device, or loaded with the demo on a phone):
that works offline. Otherwise the first sign-in needs the service: it checks the password,
the device keeps the officer and a hash of the password, and one sync brings the officer's
plans, places and entries down. "Sign out" sends what waits (when the service answers),
revokes the token and leaves the sign-in screen with nothing of the officer on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import flet as ft

from app.core.i18n import translator
from app.core.i18n.labels import role_label
from app.core.model import Officer
from app.device.sync.client import SignInRequired, SyncClient, SyncError
from app.device.ui import controls, services
from app.device.ui.devices import Attempts
from app.device.ui.shell import Shell

_ = translator("ui")
log = logging.getLogger(__name__)

LOGIN_TIMEOUT_S = 20
FIRST_PULL_TIMEOUT_S = 60
REFUSED = frozenset({401, 403})
"""Answers to a sign-in that mean the password or the account is no longer good."""


def _attempts(shell: Shell) -> Attempts:
    state = shell.state
    if state.device is not None:
        return state.device.attempts
    if state.sign_in_attempts is None:
        state.sign_in_attempts = Attempts()
    return state.sign_in_attempts


async def sign_in(shell: Shell, badge: str, password: str) -> str | None:
    """Sign ``badge`` in; None when done, else the message to show (nothing is stored)."""
    state = shell.state
    badge = badge.strip()
    if not badge or not password:
        return _("Enter your badge number and password.")
    attempts = _attempts(shell)
    wait = attempts.wait_s()
    if wait:
        return _("Too many failed attempts: try again in {seconds} s.", seconds=wait)
    officer = await asyncio.to_thread(services.sign_in_local, state.engine, badge, password)
    if officer is not None:
        if state.sync is not None:
            shell.page.run_task(_confirm_with_service, shell, state.sync, officer, password)
    else:
        if state.sync is None:
            attempts.failed()
            return _("Wrong badge number or password.")
        result = await _first_sign_in(shell, state.sync, badge, password)
        if isinstance(result, str):
            return result
        officer = result
    attempts.succeeded()
    await signed_in(shell, officer)
    return None


async def _first_sign_in(
    shell: Shell, client: SyncClient, badge: str, password: str
) -> Officer | str:
    """The service checks the password; the device keeps the officer and pulls their data."""
    state = shell.state
    try:
        login = await asyncio.wait_for(client.login(badge, password), LOGIN_TIMEOUT_S)
    except SignInRequired as exc:
        if exc.status == 429:
            return _("Too many failed attempts: try again in {seconds} s.", seconds=60)
        _attempts(shell).failed()
        return _("Wrong badge number or password.")
    except (SyncError, TimeoutError) as exc:
        log.info("sign-in: no answer from the service (%s)", exc.__class__.__name__)
        if await asyncio.to_thread(services.has_local_password, state.engine, badge):
            _attempts(shell).failed()  # the device knows this account: the password was wrong
            return _("Wrong badge number or password.")
        return _(
            "The sync service did not answer. The first sign-in on a device needs it: "
            "check the network and the server address, then try again."
        )
    officer = await asyncio.to_thread(
        services.remember_sign_in, state.engine, login.officer.id, password
    )
    if officer is None:
        return _("This account is disabled.")
    try:
        result = await asyncio.wait_for(client.sync_once(), FIRST_PULL_TIMEOUT_S)
        pulled = result.ok
    except TimeoutError:
        pulled = False
    if not pulled:
        log.info("first sign-in: the first sync did not finish; the loop will retry")
    return officer


async def _confirm_with_service(
    shell: Shell, client: SyncClient, officer: Officer, password: str
) -> None:
    """After an offline sign-in: a token for sync, when the service answers.

    When the service refuses the password (changed, account disabled), this device stops
    taking it too and signs the officer out.
    """
    try:
        await asyncio.wait_for(client.login(officer.badge, password), LOGIN_TIMEOUT_S)
    except SignInRequired as exc:
        if exc.status in REFUSED:
            await asyncio.to_thread(services.forget_password, shell.state.engine, officer.id)
            if shell.state.officer is not None and shell.state.officer.id == officer.id:
                await sign_out(
                    shell, _("The service refused this password: sign in again."), revoke=False
                )
        return
    except (SyncError, TimeoutError):  # offline: local work goes on, sync waits
        return
    shell.follow_sync()  # what waited for this officer goes now; Today's badge follows it


async def signed_in(shell: Shell, officer: Officer) -> None:
    """Make ``officer`` the session's user and go to Today."""
    state = shell.state
    state.officer = officer
    state.place_index = None
    if state.device is not None:
        state.device.officer = officer
        state.device.lock.unlock()
    await shell.reload_places()
    await shell.go("/")
    shell.toast(_("Signed in as {name}.", name=officer.name), key="signed-in")
    shell.page.update()
    if state.device is not None:
        await state.device.changed(source=id(shell))


async def ask_sign_out(shell: Shell) -> None:
    """ "Sign out", asked first when the officer's changes still wait on this device: they
    stay here, are sent only under this officer's sign-in, and the officer is told how many."""
    state = shell.state
    officer = state.officer

    async def leave() -> None:
        await sign_out(shell)

    if officer is None:
        await leave()
        return
    left = await asyncio.to_thread(services.own_unsettled, state.engine, officer.id)
    if not left:
        await leave()
        return
    shell.confirm(
        _("Sign out with {count} change(s) not sent?", count=left),
        _(
            "{count} of your change(s) are not on the server yet. Signing out sends them "
            "now if the server answers. Whatever is not sent stays on this device and is "
            "sent only when you sign in here again — never under someone else's sign-in.",
            count=left,
        ),
        _("Sign out"),
        leave,
        key="sign-out",
        icon=ft.Icons.LOGOUT,
    )
    shell.page.update()


async def sign_out(shell: Shell, message: str | None = None, *, revoke: bool = True) -> None:
    """Back to the sign-in screen; the device keeps what waits to be sent, and nothing else
    of the officer shows until they sign in again. What waits is sent first when the service
    answers (under this officer's own sign-in); what is still left is said after."""
    state = shell.state
    client = state.sync
    officer_id = state.officer_id
    if client is not None and revoke:
        with contextlib.suppress(Exception):  # the service away: the token is forgotten here
            pending = await asyncio.to_thread(services.pending_count, state.engine, officer_id)
            if pending:
                await asyncio.wait_for(client.sync_once(), 10)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.logout(), 10)
    left = (
        await asyncio.to_thread(services.own_unsettled, state.engine, officer_id)
        if officer_id is not None
        else 0
    )
    if left and message is None:
        message = _(
            "Signed out. {count} of your change(s) wait on this device: they are sent when "
            "you sign in here again.",
            count=left,
        )
    await asyncio.to_thread(services.sign_out, state.engine)
    forget_officer(shell)
    if state.device is not None:
        state.device.officer = None
        state.device.lock.unlock()
    while shell.page.pop_dialog() is not None:
        pass
    await shell.go("/")
    if message:
        shell.error(message)
    shell.page.update()
    if state.device is not None:
        await state.device.changed(source=id(shell))


def forget_officer(shell: Shell) -> None:
    """Drop everything of the officer this session holds in memory."""
    state = shell.state
    state.officer = None
    state.place_index = None
    state.places = []
    state.last_fix = None
    state.badge_slot = None


async def sign_in_panel(shell: Shell) -> ft.Control:
    """Badge and password. On a phone, the accounts this device knows are offered; a browser
    shows none (anyone may open it)."""
    state = shell.state
    officers = (
        await asyncio.to_thread(services.local_officers, state.engine)
        if state.device is None
        else []
    )
    badge = ft.TextField(label=_("Badge number"), key="badge", keyboard_type=ft.KeyboardType.NUMBER)
    password = controls.password_field("password")
    message = ft.Text("", color=controls.ALERT_COLOR, key="sign-in-message")
    busy = ft.ProgressRing(visible=False, width=24, height=24, key="sign-in-busy")

    async def submit(_event: ft.ControlEvent) -> None:
        if busy.visible:  # a second tap (or Enter) while the first sign-in runs: one is enough
            return
        message.value = ""
        busy.visible = True
        shell.page.update()
        problem = await sign_in(shell, badge.value or "", password.value or "")
        if problem is not None:
            busy.visible = False
            message.value = problem
            shell.page.update()

    password.on_submit = submit

    def pick(officer: Officer) -> object:
        def handler(_event: ft.ControlEvent) -> None:
            badge.value = officer.badge

        return handler

    accounts: list[ft.Control] = [
        controls.choice_button(
            f"{o.badge} · {o.name}",
            False,
            pick(o),
            key=f"account-{o.badge}",
            sublabel=role_label(o.role),
        )
        for o in officers
        if o.password_hash
    ]
    if accounts:
        accounts.insert(
            0, controls.muted(_("Accounts on this device (tap to fill the badge number):"), size=14)
        )
    hint = (
        [controls.muted(_("The first sign-in on a device needs the sync service."), size=14)]
        if state.device is not None
        else []
    )
    return controls.card(
        controls.heading(_("Sign in")),
        badge,
        password,
        message,
        ft.Row(
            [
                controls.action_button(_("Sign me in"), submit, key="sign-in", expand=True),
                busy,
            ]
        ),
        *hint,
        *accounts,
        identifier="sign-in",
    )


def officer_card(shell: Shell, officer: Officer) -> ft.Control:
    async def leave(_event: ft.ControlEvent) -> None:
        await ask_sign_out(shell)

    return controls.card(
        controls.heading(_("Signed in")),
        ft.Text(officer.name, size=17, key="settings-officer"),
        controls.muted(f"{officer.badge} · {role_label(officer.role)}"),
        controls.action_button(_("Sign out"), leave, key="sign-out", kind="outlined"),
    )
