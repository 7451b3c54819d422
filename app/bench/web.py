"""Browser sessions on one ``rejon run``: Today's load time with 1 and with 20 open, memory.

A real ``rejon run`` runs in a subprocess over a fresh storage folder. Each "browser" is a
lightweight client of Flet's own wire protocol (a WebSocket speaking msgpack, as the Flutter
client does): it registers a page, answers the app's browser-storage call with its device
key and receives the screens. Only the server is measured — no Flutter rendering — so the
figures are what one process gives many browsers. Every device is signed in beforehand the
way a first sign-in does it (service sign-in, password hash kept, one pull), and runs its own
sync loop against the embedded service while measured.

- *open*: from the page's registration to Today's tasks arriving (device store opened,
  settings read, places indexed, Today queried and drawn);
- *Today*: a tap from Ustawienia back to Dziś until Today's tasks arrive, with one session
  open, with 20 open (one tapping), and with all 20 tapping at once;
- memory: the server's resident memory with 1 and with 20 sessions open, per session.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import msgpack
import websockets

from app.bench.server import free_port
from app.bench.timing import Figure, Stats
from app.core.demo import DEMO_PASSWORD
from app.core.store.db import open_store
from app.device.sync import local
from app.device.sync.client import SyncClient
from app.device.ui import services
from app.device.ui.devices import DEVICE_KEY, DEVICES_FOLDER, new_key

REGISTER_CLIENT, PATCH_CONTROL, CONTROL_EVENT, INVOKE_METHOD, SESSION_CRASHED = 1, 2, 3, 5, 6
TODAY = b"Zadania na dzi"
"""Today's heading ("Zadania na dziś"): the screen has arrived."""
SETTINGS = b"Synchronizacja"
BADGES = ("100301", "200301")
PAGE = {"route": "/", "width": 412, "height": 915, "web": True, "platform": "android"}


@contextmanager
def rejon_run(storage: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """``rejon run`` on a free loopback port over ``storage``; (its address, its process)."""
    port = free_port()
    command = [
        sys.executable,
        "-c",
        "from app.cli.main import main; main()",
        "run",
        "--port",
        str(port),
    ]
    env = dict(os.environ, REJON_STORAGE_DIR=str(storage), PYTHONUNBUFFERED="1")
    for name in ("REJON_DATABASE_URL", "REJON_SERVER_DATABASE_URL"):
        env.pop(name, None)
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            deadline = time.monotonic() + 60
            while True:
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{base}/sync/healthz", timeout=1).status_code == 200:
                        break
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"rejon run did not start:\n{log.read().decode()[-2000:]}")
                time.sleep(0.2)
            yield base, process
        finally:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()


def rss_bytes(pid: int) -> int:
    """Resident memory of a process (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


async def prepare_device(folder: Path, sync_url: str, badge: str) -> str:
    """A device store signed in as ``badge`` with the officer's data pulled; its key."""
    key = new_key()
    engine = await asyncio.to_thread(open_store, f"sqlite:///{folder / f'{key}.db'}")
    try:
        client = SyncClient(engine, sync_url, await asyncio.to_thread(local.device_id, engine))
        login = await client.login(badge, DEMO_PASSWORD)
        await asyncio.to_thread(services.remember_sign_in, engine, login.officer.id, DEMO_PASSWORD)
        result = await client.sync_once()
        if not result.ok:
            raise RuntimeError(f"the bench device could not pull: {result.errors}")
    finally:
        await asyncio.to_thread(engine.dispose)
    return key


class Browser:
    """One page over Flet's WebSocket protocol, answering the app's storage calls."""

    def __init__(self, url: str, key: str) -> None:
        self.url = url
        self.key = key
        self.ws: Any = None
        self.page_id = 1
        self._inbox: asyncio.Queue[bytes] = asyncio.Queue()
        self._reader: asyncio.Task | None = None

    async def open(self) -> float:
        """Register the page; seconds until Today has arrived."""
        self.ws = await websockets.connect(self.url, max_size=None)
        start = time.perf_counter()
        await self._send(REGISTER_CLIENT, {"session_id": None, "page_name": "", "page": PAGE})
        self._reader = asyncio.create_task(self._read())
        await self._wait_for(TODAY)
        return time.perf_counter() - start

    async def go(self, route: str, marker: bytes) -> float:
        """A tap on a tab: seconds until its screen has arrived."""
        self._drain()
        start = time.perf_counter()
        await self._send(
            CONTROL_EVENT,
            {"target": self.page_id, "name": "route_change", "data": {"route": route}},
        )
        await self._wait_for(marker)
        return time.perf_counter() - start

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
        if self.ws is not None:
            await self.ws.close()

    async def _send(self, action: int, body: dict) -> None:
        await self.ws.send(b"\x00" + msgpack.packb([action, body]))

    def _drain(self) -> None:
        while not self._inbox.empty():
            self._inbox.get_nowait()

    async def _wait_for(self, marker: bytes, timeout: float = 60) -> None:
        async with asyncio.timeout(timeout):
            while True:
                frame = await self._inbox.get()
                if marker in frame:
                    return

    async def _read(self) -> None:
        async for frame in self.ws:
            if not isinstance(frame, bytes) or frame[:1] != b"\x00":
                continue
            action, body = msgpack.unpackb(frame[1:], strict_map_key=False)
            if action == INVOKE_METHOD:
                await self._answer(body)
            elif action == SESSION_CRASHED:
                raise RuntimeError(f"the session crashed: {body}")
            elif action == PATCH_CONTROL:
                self._inbox.put_nowait(frame)

    async def _answer(self, body: dict) -> None:
        name, args = body.get("name"), body.get("args") or {}
        result: Any = None
        if name == "get" and args.get("key") == DEVICE_KEY:
            result = self.key
        elif name == "set":
            result = True
        await self._send(
            INVOKE_METHOD,
            {
                "control_id": body["control_id"],
                "call_id": body["call_id"],
                "result": result,
                "error": None,
            },
        )


async def _today_taps(browser: Browser, taps: int) -> list[float]:
    durations = []
    for _ in range(taps):
        await browser.go("/settings", SETTINGS)
        durations.append(await browser.go("/", TODAY))
    return durations


async def _measure(base: str, pid: int, storage: Path, sessions: int, taps: int) -> list[Figure]:
    folder = storage / DEVICES_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    keys = [
        await prepare_device(folder, f"{base}/sync", BADGES[i % len(BADGES)])
        for i in range(sessions)
    ]
    ws_url = base.replace("http://", "ws://") + "/ws"
    browsers = [Browser(ws_url, key) for key in keys]
    try:
        first_open = await browsers[0].open()
        await _today_taps(browsers[0], 10)  # warm-up: first drawings, the device's first sync
        await asyncio.sleep(2.0)
        rss_one = rss_bytes(pid)
        alone = await _today_taps(browsers[0], taps)
        opens = [first_open]
        for browser in browsers[1:]:
            opens.append(await browser.open())
            await _today_taps(browser, 1)
        await asyncio.sleep(1.0)
        rss_all = rss_bytes(pid)
        among = await _today_taps(browsers[0], taps)
        together = await asyncio.gather(
            *(_today_taps(b, max(3, taps // len(browsers))) for b in browsers)
        )
    finally:
        for browser in browsers:
            await browser.close()
    per_session = (rss_all - rss_one) / max(1, sessions - 1)
    n = len(browsers)
    return [
        Figure("web: open the first browser after start → Today", value=f"{opens[0] * 1e3:.0f} ms"),
        Figure(f"web: open a signed-in browser → Today (the other {n - 1})", Stats.of(opens[1:])),
        Figure("web: Today after a tap, 1 session open", Stats.of(alone)),
        Figure(f"web: Today after a tap, {n} sessions open", Stats.of(among)),
        Figure(
            f"web: Today after a tap, {n} sessions tapping at once",
            Stats.of([d for group in together for d in group]),
        ),
        Figure(
            f"web: server memory, 1 / {n} sessions open",
            value=f"{rss_one / 2**20:.0f} / {rss_all / 2**20:.0f} MiB, "
            f"{per_session / 2**20:.1f} MiB per session",
        ),
    ]


def web_sessions(sessions: int = 20, taps: int = 30) -> list[Figure]:
    """Start ``rejon run`` over a fresh folder and measure ``sessions`` browsers on it."""
    with tempfile.TemporaryDirectory() as folder, rejon_run(Path(folder)) as (base, process):
        return asyncio.run(_measure(base, process.pid, Path(folder), sessions, taps))
