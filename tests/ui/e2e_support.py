"""Starting `rejon run` / `rejon serve` for browser journeys, and the reconciliation of every
device store in a storage folder against the unit's store."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from app.model import Entry, EntryIn, EntryRevision, OutboxItem
from app.store.db import make_engine

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, proc: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not start:\n{log.read_text()}")
        time.sleep(0.2)


def _env(storage: Path) -> dict[str, str]:
    env = dict(os.environ, REJON_STORAGE_DIR=str(storage))
    for name in ("DISPLAY", "REJON_DATABASE_URL", "REJON_SERVER_DATABASE_URL"):
        env.pop(name, None)
    return env


def _rejon(*args: str) -> list[str]:
    return [sys.executable, "-c", "from app.cli import main; main()", *args]


@contextmanager
def rejon_run(storage: Path, *args: str) -> Iterator[str]:
    """`rejon run` on a free port over ``storage``; yields the app's address."""
    port = free_port()
    log_path = storage / f"run-{port}.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            _rejon("run", "--port", str(port), *args),
            cwd=ROOT,
            env=_env(storage),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_for(url, proc, log_path)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@dataclass
class Service:
    """`rejon serve` over the same store as the app's embedded service: stop and start it."""

    storage: Path
    port: int
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log_path = self.storage / f"serve-{self.port}.log"
        with log_path.open("a") as log:
            db = f"sqlite:///{self.storage / 'server.db'}"
            self.proc = subprocess.Popen(
                _rejon("serve", "--db", db, "--port", str(self.port)),
                cwd=ROOT,
                env=_env(self.storage),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        _wait_for(f"{self.url}/healthz", self.proc, log_path)

    def kill(self) -> None:
        """kill -9: no goodbye to anyone."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(10)
            self.proc = None


def _in_force(session: Session, entry_id: str) -> tuple | None:
    head = session.get(Entry, entry_id)
    if head is None:
        return None
    revision = session.get(EntryRevision, head.current_revision_id)
    assert revision is not None
    content = revision.model_dump(include=set(EntryIn.model_fields))
    content["occurred_at"] = revision.occurred_at.replace(tzinfo=None)
    return (head.deleted, tuple(sorted(content.items())))


def reconcile(storage: Path) -> dict[str, str]:
    """Every entry on every device store in ``storage`` is in the unit's store as the device
    has it ("stored"), or waiting to be sent ("waiting"), or refused and shown with its
    reason ("unsent") — there is no fourth state (an AssertionError names the entry)."""
    states: dict[str, str] = {}
    server = make_engine(f"sqlite:///{storage / 'server.db'}")
    try:
        for path in sorted(storage.rglob("*.db")):
            if path.name == "server.db":
                continue
            device = make_engine(f"sqlite:///{path}")
            try:
                with Session(device) as here, Session(server) as there:
                    outbox = here.exec(select(OutboxItem).where(OutboxItem.object_type == "entry"))
                    waiting = {i.object_id for i in outbox if i.acked_at is None}
                    unsent = {
                        i.object_id
                        for i in here.exec(
                            select(OutboxItem).where(
                                col(OutboxItem.acked_at).is_not(None),
                                OutboxItem.last_error != "",
                                col(OutboxItem.resolved_at).is_(None),
                            )
                        )
                    }
                    for head in here.exec(select(Entry)):
                        if head.id in waiting:
                            states[head.id] = "waiting"
                        elif head.id in unsent:
                            states[head.id] = "unsent"
                        elif _in_force(here, head.id) == _in_force(there, head.id):
                            states[head.id] = "stored"
                        else:
                            raise AssertionError(
                                f"{path.name}: entry {head.id} is neither in the unit's store, "
                                "nor waiting, nor shown as not sent"
                            )
            finally:
                device.dispose()
    finally:
        server.dispose()
    return states
