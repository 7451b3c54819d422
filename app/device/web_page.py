"""How a browser draws the app: skwasm on one thread.

Flet's prebuilt web client holds two builds: dart2wasm with the skwasm renderer, preferred by
Chromium, and dart2js with CanvasKit. Skwasm renders on a worker thread when the page is
cross-origin isolated, and flet-web makes every page isolated (it sends
``Cross-Origin-Opener-Policy: same-origin`` and ``Cross-Origin-Embedder-Policy:
require-corp``). Multi-threaded skwasm now and then left a page spinning at 100 % CPU on its
main thread and its rendering worker, never drawing again (seen in headless Chromium on the log
form, the plan editor and a second browser; flutter/flutter#190039 reports the same spin).
CanvasKit does not spin but draws every frame in about twice the time here.

Flutter's loader runs skwasm on the page's own thread when the page is not cross-origin
isolated (``skwasmSingleThreaded: ... || !crossOriginIsolated``): ``single_threaded`` drops the
embedder policy from the field app's answers, so the page is not isolated, there is no
rendering worker to spin with, and skwasm keeps its speed. The opener policy stays (another
site's window gets no handle on the app's). Nothing of the app needs ``SharedArrayBuffer``:
that is for Pyodide builds, which Rejon is not.

``ft.run`` (``python -m app.device.main`` on a computer) serves flet-web's headers unchanged, so
it draws with CanvasKit (``ISOLATED_PAGE_RENDERER``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import flet as ft

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]

WEB_RENDERER = ft.WebRenderer.SKWASM
"""The renderer of a page served through ``single_threaded``."""

ISOLATED_PAGE_RENDERER = ft.WebRenderer.CANVAS_KIT
"""The renderer where flet-web's isolation headers cannot be changed: never multi-threaded
skwasm."""

_EMBEDDER_POLICY = b"cross-origin-embedder-policy"


def single_threaded(app: Asgi) -> Asgi:
    """``app`` (flet-web's) with its HTTP answers' embedder policy dropped; websockets as they
    are."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_without_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() != _EMBEDDER_POLICY
                ]
            await send(message)

        await app(scope, receive, send_without_policy)

    return wrapped
