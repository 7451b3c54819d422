"""The browser benchmark's reference: a minimal Flet app of ours, served like ``rejon run``.

What Flet itself costs on this machine for the navigations the officer makes: a first frame;
three tabs (Start, Lista, Plan) one tap apart; a button that opens a view with eight fields
(the quick log's size); a Save on it that goes back and shows a snackbar, as ours does. No
database, no data: every millisecond here is Flet's (server, wire, Flutter client).

``python -m app.bench.flet_reference PORT`` serves it on 127.0.0.1 like ours: no CDN, skwasm on
the page's own thread (``app.device.web_page``).
"""

from __future__ import annotations

import sys

import flet as ft

TABS = ("/", "/list", "/plan")
TAB_TEXT = {"/": "Start", "/list": "Lista", "/plan": "Plan"}
FIELDS = 8


def _tab_view(page: ft.Page, route: str) -> ft.View:
    async def tab_chosen(event: ft.ControlEvent) -> None:
        await page.push_route(TABS[int(event.control.selected_index or 0)])

    async def open_form(_event: ft.ControlEvent) -> None:
        await page.push_route("/form")

    body: list[ft.Control] = [ft.Text(f"Ekran {TAB_TEXT[route]}", size=17)]
    if route == "/":
        body.append(ft.Button(content="Otwórz formularz", on_click=open_form))
    return ft.View(
        route=route,
        appbar=ft.AppBar(title=ft.Text(TAB_TEXT[route])),
        controls=body,
        navigation_bar=ft.NavigationBar(
            selected_index=TABS.index(route),
            on_change=tab_chosen,
            destinations=[
                ft.NavigationBarDestination(icon=ft.Icons.TODAY, label="Start"),
                ft.NavigationBarDestination(icon=ft.Icons.LIST, label="Lista"),
                ft.NavigationBarDestination(icon=ft.Icons.ASSIGNMENT, label="Plan"),
            ],
        ),
    )


def _form_view(page: ft.Page) -> ft.View:
    async def save(_event: ft.ControlEvent) -> None:
        await page.push_route("/")
        page.show_dialog(ft.SnackBar(content=ft.Text("Zapisano formularz")))
        page.update()

    fields: list[ft.Control] = [ft.TextField(label=f"Pole {n}") for n in range(1, FIELDS + 1)]
    return ft.View(
        route="/form",
        appbar=ft.AppBar(title=ft.Text("Formularz")),
        controls=[*fields, ft.Button(content="Zapisz formularz", on_click=save)],
        scroll=ft.ScrollMode.AUTO,
    )


async def main(page: ft.Page) -> None:
    page.title = "Flet reference"

    def route_changed(event: ft.RouteChangeEvent | None = None) -> None:
        route = page.route if event is None else event.route
        views = [_tab_view(page, route if route in TABS else "/")]
        if route == "/form":
            views.append(_form_view(page))
        page.views.clear()
        page.views.extend(views)
        page.update()

    async def view_popped(_event: ft.ViewPopEvent) -> None:
        await page.push_route("/")

    page.on_route_change = route_changed
    page.on_view_pop = view_popped
    route_changed()


def serve(port: int) -> None:
    import uvicorn
    from flet_web.fastapi import app as flet_app

    from app.device.web_page import WEB_RENDERER, single_threaded

    uvicorn.run(
        single_threaded(
            flet_app(main, no_cdn=True, app_name="Flet reference", web_renderer=WEB_RENDERER)
        ),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )


if __name__ == "__main__":
    serve(int(sys.argv[1]))
