"""Web mode: every browser is a device of its own, kept on this host.

A phone holds one device: its store, its outbox, its signed-in officer. On the web, the same
server process answers many browsers, so each browser gets what a phone has — a local store
on this host (``<storage>/devices/<key>.db``), a sync client and background sync loop, its
settings (language, server address, GPS limit, idle lock) and its sign-in — and nothing is
shared between browsers except the sync service, which applies its access rules to each.

The browser keeps only a random key (a UUID4) in its own storage (Flet's SharedPreferences:
the browser's localStorage). The key is a secret of that browser: it names the device's file
and is never sent to the sync service, which knows the device by another id made inside its
store. A key from the browser is accepted only as a canonical UUID4, so it can never name any
other file.

A device is open while at least one Flet session (browser tab) uses it; its sync loop runs
that long (Flet keeps a disconnected session for an hour, for reconnects). When the last
session ends, what is waiting is sent once more (when the service answers) and the store
is closed; it opens again, with its outbox, when the browser comes back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import flet as ft
import httpx
from sqlalchemy.engine import Engine

from app.core.model import Officer
from app.core.model.clock import utcnow
from app.core.store.db import open_store
from app.device.sync.client import SyncClient
from app.device.ui import services
from app.device.ui.state import DEFAULT_LOCK_MINUTES

log = logging.getLogger(__name__)

DEVICES_FOLDER = "devices"
"""Under the storage folder: one SQLite store per browser (``<key>.db``)."""
DEVICE_KEY = "rejon.device"
"""The browser-storage key that holds this browser's device key."""
LOCK_MINUTES_RANGE = (1, 60)
"""What Ustawienia accepts for the idle lock, in whole minutes."""
MAX_UNLOCK_FAILURES = 5
"""Wrong passwords on the lock screen before the device signs out."""
ACTIVITY_SAVE_S = 30.0
"""How often the last input time is written to the store (it survives a restart)."""
PREFERENCES_TIMEOUT_S = 10.0

Listener = Callable[[], Awaitable[None]]


def parse_key(value: object) -> str | None:
    """``value`` when it is a canonical UUID4 string (as this app makes them), else None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        return None
    if parsed.version != 4 or str(parsed) != value:
        return None
    return value


def new_key() -> str:
    return str(uuid.uuid4())


async def browser_key() -> str:
    """This browser's device key, made and stored in the browser on its first visit.

    A browser that cannot keep it (storage blocked) is a new device on every visit.
    """
    prefs = ft.SharedPreferences()
    try:
        stored = await asyncio.wait_for(prefs.get(DEVICE_KEY), PREFERENCES_TIMEOUT_S)
    except Exception as exc:  # the client did not answer: a device for this visit only
        log.warning("browser storage unreadable: %s", exc.__class__.__name__)
        stored = None
    key = parse_key(stored)
    if key is None:
        if stored is not None:
            log.warning("browser sent a malformed device key; a new device is made")
        key = new_key()
        try:
            await asyncio.wait_for(prefs.set(DEVICE_KEY, key), PREFERENCES_TIMEOUT_S)
        except Exception as exc:
            log.warning("browser storage not writable: %s", exc.__class__.__name__)
    return key


class IdleLock:
    """A signed-in device locks after ``after_s`` seconds without input."""

    def __init__(self, after_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.after_s = after_s
        self.clock = clock
        self.locked = False
        self.last_input = clock()
        self.failures = 0

    def touch(self) -> None:
        """Input from the user (any tab of this browser)."""
        if not self.locked:
            self.last_input = self.clock()

    def idle_s(self) -> float:
        return self.clock() - self.last_input

    def due(self) -> bool:
        return not self.locked and self.idle_s() >= self.after_s

    def lock(self) -> None:
        self.locked = True

    def unlock(self) -> None:
        self.locked = False
        self.failures = 0
        self.last_input = self.clock()


class Attempts:
    """Failed sign-ins on one device: after ``limit`` in a row, wait ``pause_s``."""

    def __init__(
        self, limit: int = 5, pause_s: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.pause_s = pause_s
        self.clock = clock
        self.failures = 0
        self.blocked_until = 0.0

    def wait_s(self) -> int:
        """Whole seconds to wait before the next try (0: go ahead)."""
        return max(0, round(self.blocked_until - self.clock()))

    def failed(self) -> None:
        self.failures += 1
        if self.failures >= self.limit:
            self.failures = 0
            self.blocked_until = self.clock() + self.pause_s

    def succeeded(self) -> None:
        self.failures = 0
        self.blocked_until = 0.0


class WebDevice:
    """One browser's device: store, sync client and loop, signed-in officer, idle lock."""

    def __init__(
        self,
        key: str,
        engine: Engine,
        *,
        lock_after_s: float,
        sync_interval: float,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.key = key
        self.engine = engine
        self.lock = IdleLock(lock_after_s)
        self.attempts = Attempts()
        self.officer: Officer | None = None
        self.sync_id = ""
        """The id the sync service knows this device by (made in its store, not the key)."""
        self.client: SyncClient | None = None
        self.sessions = 0
        self.sync_interval = sync_interval
        self.transport = transport
        self._listeners: dict[int, Listener] = {}
        self._connected: set[int] = set()
        """The pages (sessions) of this browser connected now: none, and no pull is made."""
        self._sync_stop: asyncio.Event | None = None
        self._tasks: list[asyncio.Task] = []
        self._saved_input = self.lock.last_input

    # ---- opening and closing ------------------------------------------------------------
    def load(self, default_server_url: str | None, default_lock_minutes: float) -> None:
        """Read the officer, the lock time and the lock state (blocking: call in a thread).

        A device whose officer was last active longer ago than the lock time (or that was
        locked) opens locked: a browser closed and reopened later asks for the password.
        """
        settings = services.load_device(self.engine, default_server_url)
        self.officer = settings.officer
        self.sync_id = settings.device_id
        minutes = settings.idle_lock_minutes or default_lock_minutes
        self.lock.after_s = minutes * 60
        locked, last_active = services.lock_state(self.engine)
        stale = last_active is None or utcnow() - last_active > timedelta(minutes=minutes)
        if self.officer is not None and (locked or stale):
            self.lock.lock()
        if settings.server_url:
            self.client = self._client(settings.server_url)

    def _client(self, server_url: str) -> SyncClient:
        return SyncClient(
            self.engine,
            server_url,
            self.sync_id,
            transport=self.transport,
            interval=self.sync_interval,
            wants_news=self.watched,
        )

    def start(self) -> None:
        """The sync loop and the idle watcher (on the event loop of the sessions)."""
        self._start_sync()
        self._tasks.append(asyncio.create_task(self._watch_idle()))

    def _start_sync(self) -> None:
        if self.client is None:
            return
        self._sync_stop = asyncio.Event()
        self._tasks.append(asyncio.create_task(self.client.run_forever(self._sync_stop)))

    async def stop(self) -> None:
        """Send what waits once more (briefly), stop the loops, close the store."""
        if self._sync_stop is not None:
            self._sync_stop.set()
        for task in self._tasks:
            task.cancel()
        self._tasks.clear()
        if self.client is not None and self.officer is not None:
            pending = await asyncio.to_thread(services.pending_count, self.engine)
            if pending:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(self.client.sync_once(), 10)
        await asyncio.to_thread(self._save_activity)
        await asyncio.to_thread(self.engine.dispose)

    # ---- sessions (tabs) ------------------------------------------------------------------
    def watched(self) -> bool:
        """Whether a page of this browser is connected now (its sync rounds then pull)."""
        return bool(self._connected)

    def connected(self, page_id: int) -> None:
        """A page (re)connected: it pulls what it missed at once."""
        self._connected.add(page_id)
        if self.client is not None:
            self.client.request_sync()

    def heard_from(self, page_id: int) -> None:
        """An event came from a page: it is connected, whatever order its connect and
        disconnect events came in (a reload's new connection may be told before the old one's
        end)."""
        if page_id not in self._connected:
            self.connected(page_id)

    def disconnected(self, page_id: int) -> None:
        """A page went away (its tab closed, its network lost): with none left, this device
        sends what waits and pulls nothing until a page is back."""
        self._connected.discard(page_id)

    def listen(self, session_id: int, listener: Listener) -> None:
        self._listeners[session_id] = listener

    def unlisten(self, session_id: int) -> None:
        self._listeners.pop(session_id, None)

    async def changed(self, *, source: int | None = None) -> None:
        """Tell the other tabs of this browser that sign-in or lock changed."""
        for session_id, listener in list(self._listeners.items()):
            if session_id == source:
                continue
            try:
                await listener()
            except Exception as exc:  # a closing tab must not stop the others
                log.info("a tab did not follow the device: %s", exc.__class__.__name__)

    # ---- idle lock ------------------------------------------------------------------------
    async def lock_now(self) -> None:
        self.lock.lock()
        await asyncio.to_thread(self._save_activity)
        await self.changed()

    async def unlocked(self, source: int | None = None) -> None:
        self.lock.unlock()
        await asyncio.to_thread(self._save_activity)
        await self.changed(source=source)

    def _save_activity(self) -> None:
        since = timedelta(seconds=self.lock.idle_s())
        services.save_lock_state(self.engine, self.lock.locked, utcnow() - since)
        self._saved_input = self.lock.last_input

    async def _watch_idle(self) -> None:
        while True:
            await asyncio.sleep(min(5.0, max(0.2, self.lock.after_s / 5)))
            if self.officer is None:
                continue
            if self.lock.due():
                await self.lock_now()
            elif self.lock.last_input - self._saved_input > ACTIVITY_SAVE_S:
                await asyncio.to_thread(self._save_activity)


class WebDevices:
    """The devices of the browsers this process serves, opened on demand, one per key."""

    def __init__(
        self,
        folder: Path,
        *,
        server_url: str | None,
        lock_minutes: float = DEFAULT_LOCK_MINUTES,
        sync_interval: float = 60.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.folder = folder
        self.server_url = server_url
        self.lock_minutes = lock_minutes
        self.sync_interval = sync_interval
        self.transport = transport
        self._open: dict[str, WebDevice] = {}
        self._guard = asyncio.Lock()

    def path(self, key: str) -> Path:
        if parse_key(key) is None:
            raise ValueError("a device key is a UUID4")
        return self.folder / f"{key}.db"

    @property
    def open_count(self) -> int:
        return len(self._open)

    def device(self, key: str) -> WebDevice | None:
        """The open device of ``key``, if a session uses it now."""
        return self._open.get(key)

    async def attach(self, key: str) -> WebDevice:
        """The device of ``key`` for one more session (opened, or made, when needed)."""
        path = self.path(key)
        async with self._guard:
            device = self._open.get(key)
            if device is None:
                engine = await asyncio.to_thread(
                    open_store, f"sqlite:///{path}", background_checkpoints=True
                )
                device = WebDevice(
                    key,
                    engine,
                    lock_after_s=self.lock_minutes * 60,
                    sync_interval=self.sync_interval,
                    transport=self.transport,
                )
                await asyncio.to_thread(device.load, self.server_url, self.lock_minutes)
                self._open[key] = device
                device.start()
            device.sessions += 1
            return device

    async def detach(self, device: WebDevice) -> None:
        """One session fewer; the last one closes the device."""
        async with self._guard:
            device.sessions -= 1
            if device.sessions > 0 or self._open.get(device.key) is not device:
                return
            del self._open[device.key]
        await device.stop()

    async def close_all(self) -> None:
        async with self._guard:
            devices = list(self._open.values())
            self._open.clear()
        for device in devices:
            await device.stop()
