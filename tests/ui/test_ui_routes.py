"""A tap draws its screen at once; the browser's URL follows, and its report of the new URL
(the echo) is not drawn a second time. A route change of the browser's own is drawn."""

import flet as ft
from conftest import CHECK_ACTION, LUBARTOW_PLAN

from app.device.ui import log
from app.device.ui.shell import ECHO_S, Echoes


def test_echoes_are_heard_in_order_and_the_browsers_own_route_forgets_them():
    echoes = Echoes(clock=lambda: 0.0)
    echoes.expect("/log?action=a")
    echoes.expect("/")
    assert echoes.heard("/log?action=a")
    assert echoes.heard("/")
    assert not echoes.heard("/")  # nothing pushed waits: the browser's own (Back): drawn
    echoes.expect("/history")
    echoes.expect("/plan")
    assert echoes.heard("/plan")  # one report never came (Flet drops a repeat): skipped over
    assert not echoes.heard("/history")
    echoes.expect("/history")
    assert not echoes.heard("/settings")  # the browser's own: what waited is forgotten
    assert not echoes.heard("/history")
    echoes.expect("/log?place=a%20b&copy=c")
    assert echoes.heard("/log?place=a+b&copy=c")  # the same route, spelled otherwise


def test_a_report_that_never_came_cannot_swallow_a_later_back():
    now = [0.0]
    echoes = Echoes(clock=lambda: now[0])
    echoes.expect("/history")
    now[0] = ECHO_S + 1
    assert not echoes.heard("/history")
    echoes.expect("/plan")
    now[0] += ECHO_S + 1
    echoes.expect("/")  # the stale one goes as a new one comes
    assert not echoes.heard("/plan")


async def test_a_tap_draws_the_form_once_and_the_url_follows(app, monkeypatch):
    forms: list[log.LogForm] = []
    build = log.LogForm.__init__

    def counted(self: log.LogForm, *args: object, **kwargs: object) -> None:
        build(self, *args, **kwargs)  # type: ignore[arg-type]
        forms.append(self)

    monkeypatch.setattr(log.LogForm, "__init__", counted)
    on_screen_when_pushed: list[list[str]] = []
    push = type(app.page).push_route

    async def pushed(page: ft.Page, route: str) -> None:
        on_screen_when_pushed.append(app.view_routes())
        await push(page, route)

    monkeypatch.setattr(type(app.page), "push_route", pushed)
    await app.click(f"log-{CHECK_ACTION}")
    assert on_screen_when_pushed == [["/", "/log"]]  # drawn first, the URL after
    assert app.view_routes() == ["/", "/log"]
    assert app.page.route == f"/log?action={CHECK_ACTION}&plan={LUBARTOW_PLAN}"  # reported
    assert len(forms) == 1  # the report of the new URL did not build a second form
    form_view = app.page.views[-1]
    await app.click("back")
    assert app.view_routes() == ["/"]
    assert app.page.route == "/"
    assert form_view not in app.page.views
    assert on_screen_when_pushed[-1] == ["/"]


async def test_the_browsers_back_and_forward_are_drawn(app):
    await app.click(f"log-{CHECK_ACTION}")
    await app.go("/")  # Back in the browser: a route change nobody pushed
    assert app.view_routes() == ["/"]
    await app.go(f"/log?action={CHECK_ACTION}&plan={LUBARTOW_PLAN}")  # and Forward again
    assert app.view_routes() == ["/", "/log"]
    assert app.get("save") is not None
