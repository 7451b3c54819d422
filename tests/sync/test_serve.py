"""`rejon serve` as a real process on loopback: two app stores sync through it, survive a kill."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from app.cli.main import cli
from app.core.demo import DEMO_PASSWORD
from app.core.store.db import make_engine
from app.device.sync.client import SyncClient
from tests.conftest import database_url
from tests.sync.conftest import OFFICER, SUPERVISOR, log_local, sign_in_directly, snapshot

run = asyncio.run


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(url: str, port: int, workers: int) -> subprocess.Popen:
    rejon = str(Path(sys.executable).with_name("rejon"))  # the installed console script
    command = [rejon, "serve", "--db", url, "--port", str(port)]
    command += ["--workers", str(workers)]
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its workers die with it
    )
    for _ in range(300):
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode())
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("rejon serve did not come up")


def kill(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@pytest.fixture
def stores(tmp_path: Path, device_template: Path):
    engines: list[Engine] = []

    def make(name: str) -> Engine:
        shutil.copy(device_template, tmp_path / name)
        engine = make_engine(f"sqlite:///{tmp_path / name}")
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.dispose()


def test_two_apps_sync_through_rejon_serve(demo_engine, stores, monkeypatch):
    url, port = database_url(demo_engine), free_port()
    base = f"http://127.0.0.1:{port}"
    # several workers share one PostgreSQL database; SQLite deployments run one
    server = start(url, port, workers=2 if demo_engine.dialect.name == "postgresql" else 1)
    try:
        phone = SyncClient(stores("phone.db"), base, "phone")
        tablet = SyncClient(stores("tablet.db"), base, "tablet")
        run(phone.login(OFFICER, DEMO_PASSWORD))
        sign_in_directly(tablet, demo_engine, SUPERVISOR)  # the phone signs in for real
        assert run(phone.sync_once()).ok
        first = log_local(phone, persons_legitimised=3)
        assert run(phone.sync_once()).pushed == 1

        kill(server)  # the service dies; the phone keeps working offline
        second = log_local(phone, leaflets=15)
        offline = run(phone.sync_once())
        assert offline.errors and not phone.state().online
        assert phone.pending_count() == 1

        server = start(url, port, workers=1)
        assert run(phone.sync_once()).pushed == 1
        assert run(tablet.sync_once()).ok
        ids = {first, second}
        assert snapshot(demo_engine, ids) == snapshot(phone.engine, ids)
        assert snapshot(tablet.engine, ids) == snapshot(demo_engine, ids)
        assert len(snapshot(demo_engine, ids)) == 2

        # the command line does the same for a third store
        third = stores("cli.db")
        monkeypatch.setenv("REJON_PASSWORD", DEMO_PASSWORD)
        command = ["sync", "--server", base, "--badge", OFFICER, "--db", str(third.url)]
        done = CliRunner().invoke(cli, command)
        assert done.exit_code == 0, done.output
        assert "Sent 0" in done.output and "0 waiting" in done.output
        assert snapshot(third, ids) == snapshot(demo_engine, ids)
    finally:
        kill(server)
