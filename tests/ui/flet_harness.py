"""In-process harness for Rejon's Flet 1.0.5 UI: no Flutter client, no browser, no network.

It builds a real ``flet.messaging.session.Session`` over a recording fake ``Connection`` (the
objects the web server uses), runs the app's ``main(page)`` and lets a test find controls by
``key``, type and click through the real event dispatch, answer client-side method calls
(``push_route``, Geolocator, ...) with fakes, and fail when a handler changed the UI without
sending the change to the client (Flet 1.0's main pitfall).

It touches ``flet.messaging.*``, which is internal API: keep flet pinned (pyproject) and re-run
these tests when upgrading. Adapted from the verified harness in ``shared/flet``.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import flet as ft
import msgpack
from flet.controls.base_control import BaseControl
from flet.controls.context import _context_page, context
from flet.messaging.connection import Connection
from flet.messaging.protocol import (
    Message,
    MessageAction,
    RegisterClientResponseBody,
    configure_encode_object_for_msgpack,
)
from flet.messaging.session import Session
from flet.pubsub.pubsub_hub import PubSubHub

# Coroutines that run for the whole session (the sync loop, the idle watch, the screen that
# follows the first sync) and the waits the sync loop parks on between rounds. Settling never
# waits for them; a test that needs a sync round's result waits for it (``wait_for``).
BACKGROUND = frozenset(
    {"SyncClient.run_forever", "WebDevice._watch_idle", "Shell._follow_sync", "Event.wait"}
)


def in_background(task: asyncio.Task) -> bool:
    return getattr(task.get_coro(), "__qualname__", "") in BACKGROUND


# method_handlers key: "<method>" (any control) or "<ControlType>.<method>", e.g.
# "Geolocator.get_current_position".
MethodHandler = Callable[[BaseControl, dict], Any]


class RecordingConnection(Connection):
    """Fake client transport: records outbound messages and answers invoke_method calls."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self.loop = loop
        self.executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="flet-test")
        self.pubsubhub = PubSubHub(loop=loop, executor=self.executor)
        self.page_name = ""
        self.page_url = "http://127.0.0.1/"
        self.messages: list[Message] = []
        self.method_calls: list[tuple[str, str, dict]] = []
        self.method_handlers: dict[str, MethodHandler] = {}
        self.session: Session | None = None

    def send_message(self, message: Message) -> None:
        # Encoding like the real transports is not optional: the msgpack encoder snapshots
        # lists/dicts for the next diff, and it proves the payload is serialisable.
        msgpack.packb(
            [message.action, message.body],
            default=configure_encode_object_for_msgpack(BaseControl),
        )
        self.messages.append(message)
        if message.action == MessageAction.INVOKE_METHOD:
            self.loop.call_soon(lambda: asyncio.ensure_future(self._answer(message.body)))

    async def _answer(self, body: Any) -> None:
        assert self.session is not None
        ctrl = self.session.index.get(body.control_id)
        ctype = getattr(ctrl, "_c", type(ctrl).__name__)
        args = body.args or {}
        self.method_calls.append((ctype, body.name, args))
        handler = self.method_handlers.get(f"{ctype}.{body.name}") or self.method_handlers.get(
            body.name
        )
        result, error = None, None
        try:
            if handler is not None:
                result = handler(ctrl, args)
                if inspect.isawaitable(result):
                    result = await result
            elif body.name not in ("push_route", "scroll_to"):  # a scroll: recorded, no answer
                error = f"flet_harness: no fake for {ctype}.{body.name}"
        except Exception as ex:  # surfaced to the awaiting code as RuntimeError
            error = str(ex)
        self.session.handle_invoke_method_results(body.control_id, body.call_id, result, error)
        if body.name == "push_route" and handler is None:
            # the real client changes the URL, patches page.route, then fires route_change
            route = args["route"]
            self.session.apply_page_patch({"route": route})
            await self.session.dispatch_event(
                self.session.page._i, "route_change", {"route": route}
            )

    def get_upload_url(self, file_name: str, expires: int) -> str:
        return f"http://127.0.0.1/upload/{file_name}"

    def oauth_authorize(self, attrs: Any) -> None:
        raise NotImplementedError


class FletHarness:
    """Runs ``main(page)`` in-process; use inside an async test (pytest-asyncio)."""

    def __init__(
        self,
        main: Callable[[ft.Page], Any],
        *,
        route: str = "/",
        width: float = 412,
        height: float = 915,
        web: bool = True,
        platform: str = "android",
        method_handlers: dict[str, MethodHandler] | None = None,
    ) -> None:
        self.main = main
        self.initial = {
            "route": route,
            "width": width,
            "height": height,
            "web": web,
            "platform": platform,
        }
        self._handlers = method_handlers or {}
        self.conn: RecordingConnection | None = None
        self.session: Session | None = None

    # ---- lifecycle ----------------------------------------------------------------------
    async def start(self) -> FletHarness:
        loop = asyncio.get_running_loop()
        self._tasks_before_start = asyncio.all_tasks()
        self.conn = RecordingConnection(loop)
        self.conn.method_handlers.update(self._handlers)
        self.session = Session(self.conn)
        self.conn.session = self.session
        self.session.apply_page_patch(self.initial)
        self.conn.send_message(
            Message(
                MessageAction.REGISTER_CLIENT,
                RegisterClientResponseBody(
                    session_id=self.session.id,
                    page_patch=self.session.get_page_patch(),
                    error="",
                ),
            )
        )
        _context_page.set(self.session.page)
        context.reset_auto_update()
        if inspect.iscoroutinefunction(self.main):
            await self.main(self.session.page)
        else:
            self.main(self.session.page)
        await self.session.after_event(self.session.page)
        await self.settle(self._tasks_before_start)
        self.assert_no_crash()
        return self

    async def close(self) -> None:
        if self.session is not None:
            self.session.close()
            await asyncio.sleep(0)
        if self.conn is not None:
            self.conn.executor.shutdown(wait=False, cancel_futures=True)

    async def __aenter__(self) -> FletHarness:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def page(self) -> ft.Page:
        assert self.session is not None
        return self.session.page

    @property
    def messages(self) -> list[Message]:
        return self.conn.messages if self.conn else []

    async def settle(self, since: set[asyncio.Task] | None = None, cap: float = 5.0) -> None:
        """Wait until the work an event started (route changes, threads) has finished.

        Tasks that existed before the event (``since``) are not waited for, nor are the ones
        that live as long as the session (``BACKGROUND``); a task still running after ``cap``
        seconds (a GPS fake that never answers) is left running. The cap is generous: a
        loaded CI machine once took longer than one second to save a plan.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + cap
        current = asyncio.current_task()
        quiet = 0
        while quiet < 3:  # idle three times running: work handed on (a task started from a
            await asyncio.sleep(0.002)  # thread, ``page.run_task``) has had its turn to start
            pending = [
                t
                for t in asyncio.all_tasks()
                if t is not current
                and not t.done()
                and (since is None or t not in since)
                and not in_background(t)
            ]
            if loop.time() > deadline:
                return
            quiet = 0 if pending else quiet + 1

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until background work (a thread, a GPS fake) made ``predicate`` true."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not predicate():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("condition not met in time")
            await asyncio.sleep(0.02)
        await self.settle(asyncio.all_tasks())

    def assert_no_crash(self) -> None:
        crashed = [m for m in self.messages if m.action == MessageAction.SESSION_CRASHED]
        assert not crashed, f"the session crashed: {crashed[0].body}"

    # ---- finding controls ---------------------------------------------------------------
    def walk(self, root: Any = None) -> Iterator[BaseControl]:
        """Depth-first walk over the live tree (views, dialogs, services...)."""
        seen: set[int] = set()
        stack = [root if root is not None else self.page]
        while stack:
            c = stack.pop()
            if isinstance(c, (list, tuple)):
                stack.extend(reversed(c))
                continue
            if not isinstance(c, BaseControl) or id(c) in seen:
                continue
            seen.add(id(c))
            yield c
            children = []
            for name in getattr(c, "__dataclass_fields__", {}):
                if name.startswith("on_") or name in ("parent", "page", "data"):
                    continue
                try:
                    v = getattr(c, name)
                except Exception:
                    continue
                if isinstance(v, (BaseControl, list, tuple)):
                    children.append(v)
            stack.extend(reversed(children))

    def find(
        self,
        key: Any = None,
        *,
        type: type | None = None,
        where: Callable[[BaseControl], bool] | None = None,
        root: Any = None,
    ) -> list[Any]:
        out = []
        # every control the client knows is in the session's index: far cheaper than a walk
        candidates = self.walk(root) if root is not None else self._live_controls()
        for c in candidates:
            k = getattr(c, "key", None)
            kval = getattr(k, "value", k)
            if key is not None and kval != key:
                continue
            if type is not None and not isinstance(c, type):
                continue
            if where is not None and not where(c):
                continue
            out.append(c)
        return out

    def _live_controls(self) -> list[BaseControl]:
        assert self.session is not None
        controls = [c for c in self.session.index.values() if c is not None]
        controls.sort(key=lambda c: c._i)
        return controls

    def get(self, key: Any = None, **kw: Any) -> Any:
        found = self.find(key, **kw)
        assert len(found) == 1, f"expected one control for key={key!r} {kw}, found {len(found)}"
        return found[0]

    def texts(self, root: Any = None) -> list[str]:
        return [c.value for c in self.walk(root) if isinstance(c, ft.Text) and c.value is not None]

    def text(self, root: Any = None) -> str:
        """All visible text of the current screen, one string, for ``in`` assertions."""
        return "\n".join(self.texts(root if root is not None else self.page.views[-1]))

    def toast(self, key: str) -> Any:
        """The snackbar whose text carries ``key`` (the app keys a toast's text)."""
        found = [
            d
            for d in self.page._dialogs.controls
            if getattr(getattr(d, "content", None), "key", None) == key
        ]
        assert found, f"no toast {key!r}"
        return found[-1]

    def view_routes(self) -> list[str]:
        return [v.route for v in self.page.views]

    def dialogs(self) -> list[Any]:
        return [d for d in self.page._dialogs.controls if d.open]

    # ---- simulating the client ------------------------------------------------------------
    def set_value(self, ctrl: BaseControl, value: Any) -> None:
        """What the client does while the user types: patch the control's value."""
        assert self.session is not None
        self.session.apply_patch(ctrl._i, {"value": value})

    async def _dismiss_closed_dialogs(self) -> None:
        """The client reports a closed dialog as dismissed once its animation ends."""
        for dialog in list(self.page._dialogs.controls):
            if not dialog.open and dialog.on_dismiss is not None:
                await self.session.dispatch_event(dialog._i, "dismiss", None)

    def unsent_changes(self) -> list:
        """Patch ops for Python-side UI changes never sent to the client (commits the diff)."""
        assert self.session is not None
        patch, _added, _removed = self.session._Session__get_update_control_patch(
            self.page, self.page
        )
        return patch[1:]

    async def trigger(
        self, ctrl: BaseControl, event: str, data: Any = None, check_synced: bool = True
    ) -> None:
        """Fire ``on_<event>`` through the real dispatch path; fail on unsent UI changes."""
        assert self.session is not None
        before = sum(1 for m in self.messages if m.action == MessageAction.SESSION_CRASHED)
        tasks = asyncio.all_tasks()
        await self.session.dispatch_event(ctrl._i, event, data)
        await self.settle(tasks)
        await self._dismiss_closed_dialogs()
        crashed = [m for m in self.messages if m.action == MessageAction.SESSION_CRASHED][before:]
        assert not crashed, f"handler on_{event} raised: {crashed[0].body}"
        if check_synced:
            ops = self.unsent_changes()
            short = [(getattr(o[0], "name", o[0]), *o[1:3]) for o in ops]
            assert not ops, (
                f"on_{event} left UI changes that were never sent to the client "
                f"(call page.update() at the end of the handler): {short}"
            )

    async def click(self, ctrl: BaseControl | str) -> None:
        if isinstance(ctrl, str):
            ctrl = self.get(ctrl)
        await self.trigger(ctrl, "click")

    async def _changed(self, ctrl: BaseControl, event: str, value: Any) -> None:
        """The client sends an event only to a handler; without one the value just changes."""
        self.set_value(ctrl, value)
        if getattr(ctrl, f"on_{event}", None) is not None:
            await self.trigger(ctrl, event, value)

    async def type_into(self, field: BaseControl | str, text: str, submit: bool = False) -> None:
        if isinstance(field, str):
            field = self.get(field)
        await self._changed(field, "change", text)
        if submit:
            await self.trigger(field, "submit", text)

    async def select(self, ctrl: BaseControl | str, value: str) -> None:
        """Choose a Dropdown option the way the client reports it."""
        if isinstance(ctrl, str):
            ctrl = self.get(ctrl)
        await self._changed(ctrl, "select", value)

    async def toggle(self, ctrl: BaseControl | str, value: bool) -> None:
        """Set a Checkbox/Switch the way the client does."""
        if isinstance(ctrl, str):
            ctrl = self.get(ctrl)
        await self._changed(ctrl, "change", value)

    async def go(self, route: str) -> None:
        """Simulate the user / browser URL changing to ``route``."""
        assert self.session is not None
        self.session.apply_page_patch({"route": route})
        tasks = asyncio.all_tasks()
        await self.session.dispatch_event(self.page._i, "route_change", {"route": route})
        await self.settle(tasks)
        self.assert_no_crash()
