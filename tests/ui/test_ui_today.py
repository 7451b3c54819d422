"""Today: the demo's tasks on a fixed day, the sync badge, the plan headline, sign-in."""

import asyncio

import flet as ft
from conftest import CHECK_ACTION, DAY, NOW, OFFICER

from app.core.model import Action
from app.core.model.ids import stable_id
from app.core.schedule.service import tasks_for_day
from app.core.store.db import session_scope
from app.core.store.entries import current_entries
from app.core.store.settings import get_setting
from app.device.ui import state as keys

REQUEST_ACTION = stable_id("action", "lubartow", "2026-07-01", "request")


async def test_today_lists_the_demo_tasks_with_windows(app, ui_engine):
    with session_scope(ui_engine) as session:
        tasks = tasks_for_day(session, DAY, officer_id=OFFICER, now=NOW)
        request = session.get(Action, REQUEST_ACTION)
        request_done = [e for e in current_entries(session) if e.action_id == REQUEST_ACTION]
    text = app.text()
    assert "Kontrole placu zabaw Nivea w godzinach 7:00–22:00" in text
    assert "Rozmowy profilaktyczne z mieszkańcami rejonu" in text
    assert {t.text for t in tasks} <= set(app.texts())
    # the demo's history sent the request for patrols in September: no longer due
    assert request_done and request.text not in text
    # Kraśnik's tasks belong to another officer
    assert "Kolportaż ulotek informacyjnych" not in text
    assert "07:00–22:00 · otwarte teraz" in text
    talks = next(t for t in tasks if t.per is not None)
    assert f"{talks.done} z {talks.required} w tym tygodniu" in text
    # the history ends yesterday: today's check is still to do
    assert app.get(f"status-{CHECK_ACTION}").content.value == "Do zrobienia"
    assert "Dziś, 18 lis 2026" in app.texts(app.page.views[-1].appbar)


async def test_today_shows_sync_badge_and_headline(app):
    badge = app.get("sync-badge")
    assert badge.content.controls[1].value == "Wszystko wysłane"
    assert any("Plac zabaw Nivea" in t for t in app.texts()), "the plan headline is shown"
    assert app.find(type=ft.ProgressBar) or app.find(
        where=lambda c: str(c.key or "").startswith("headline-")
    )


async def test_navigation_bar_labels_are_polish(app):
    nav = app.get("nav")
    assert [d.label for d in nav.destinations] == ["Dziś", "Historia", "Mapa", "Plan", "Ustawienia"]


async def test_signed_out_device_shows_sign_in_and_checks_the_password(app_factory, ui_engine):
    async with app_factory(officer=None) as h:
        assert h.find("sign-in") and not h.find("new-entry")
        await h.click(h.get("account-100301"))
        assert h.get("badge").value == "100301"
        await h.type_into("password", "wrong-password")
        await h.click("sign-in")
        assert h.get("sign-in-message").value == "Nieprawidłowy numer służbowy lub hasło."
        await h.type_into("password", "rejon-demo")
        await h.click("sign-in")
        await h.wait_for(lambda: bool(h.find("new-entry")))
        assert "Kontrole placu zabaw Nivea w godzinach 7:00–22:00" in h.text()
        with session_scope(ui_engine) as session:
            assert get_setting(session, keys.SETTING_OFFICER) == OFFICER


async def test_a_second_tap_while_signing_in_starts_no_second_sign_in(app_factory, monkeypatch):
    from app.device.ui import signin

    calls: list[str] = []
    release = asyncio.Event()

    async def slow_sign_in(shell: object, badge: str, password: str) -> str | None:
        calls.append(badge)
        if len(calls) == 1:  # the first sign-in is slow (a far service)
            await release.wait()
        return "Nieprawidłowy numer służbowy lub hasło."

    monkeypatch.setattr(signin, "sign_in", slow_sign_in)
    async with app_factory(officer=None) as h:
        await h.type_into("badge", "100301")
        await h.type_into("password", "rejon-demo")
        first = asyncio.create_task(h.click("sign-in"))
        await h.wait_for(lambda: bool(calls))
        await h.click("sign-in")  # the officer taps again: the first is still running
        await h.type_into("password", "rejon-demo", submit=True)  # and presses Enter
        release.set()
        await first
        assert calls == ["100301"]
        assert h.get("sign-in-message").value == "Nieprawidłowy numer służbowy lub hasło."
        assert not h.get("sign-in-busy").visible
        await h.click("sign-in")  # once it has ended, a new tap signs in again
        assert calls == ["100301", "100301"]


async def test_nothing_due_outside_any_plan(app_factory, ui_engine):
    from datetime import datetime, time

    from flet_harness import FletHarness

    from app.core.model.clock import LOCAL_TZ
    from app.device.ui.app import make_main

    later = datetime.combine(DAY.replace(year=2031), time(10), LOCAL_TZ)
    app_factory()  # signs the officer in
    async with FletHarness(
        make_main(ui_engine, clock=lambda: later, sync_factory=lambda s: None)
    ) as h:
        assert h.find("no-tasks")


async def test_sync_badge_counts_waiting_changes_and_offline(app_factory):
    class FakeSync:
        def officer_active(self) -> None:
            """A tap tells the client to hold its next batch; this one sends none."""

        def state(self, _officer_id=None):
            from app.device.sync.client import Failure, SyncState

            return SyncState(
                pending=3,
                online=False,
                last_success=None,
                last_error="x",
                failure=Failure.offline,
            )

    async with app_factory(sync=FakeSync()) as h:
        assert h.get("sync-badge").content.controls[1].value == "Offline (3)"


async def test_a_redraw_asked_before_a_tab_tap_draws_that_tab(app_factory, monkeypatch):
    """A redraw of Today (a sync round, an unlock) queued behind other drawings draws the
    screen current when its turn comes: a tab tapped meanwhile stays on screen."""
    from app.device.ui.screens import SCREENS

    today_view = SCREENS.builders["/"]
    shells: list = []
    gate = asyncio.Event()
    gate.set()
    entered = asyncio.Event()

    async def slow_today(shell, query):
        shells.append(shell)
        entered.set()
        await gate.wait()
        return await today_view(shell, query)

    monkeypatch.setitem(SCREENS.builders, "/", slow_today)
    async with app_factory() as h:
        [shell] = shells
        gate.clear()
        entered.clear()
        drawing = asyncio.create_task(shell.refresh())  # Today being drawn, slowly
        await entered.wait()
        tapped = asyncio.create_task(h.go("/plan"))  # the officer taps Plan meanwhile
        await asyncio.sleep(0)
        queued = asyncio.create_task(shell.refresh())  # and a redraw is asked
        await asyncio.sleep(0)
        gate.set()
        await asyncio.gather(drawing, tapped, queued)
        await h.settle()
        assert h.view_routes() == ["/plan"]
