"""A real ``rejon serve`` in a subprocess on loopback, over a fresh database, for benchmarks."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.engine import Engine

from app.core.store.db import make_engine, open_store


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def fresh_database(kind: str, pg_url: str) -> Iterator[str]:
    """A migrated, empty database URL: a SQLite file, or a new schema in PostgreSQL."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in pg_url else "?"
    try:
        yield f"{pg_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def migrated(url: str) -> Engine:
    """The database as ``rejon serve`` configures it (SQLite: WAL copied back by a thread),
    so a raw reference and the service write under the same settings."""
    return open_store(url, background_checkpoints=url.startswith("sqlite"))


@dataclass
class RunningServer:
    url: str
    process: subprocess.Popen

    def cpu_seconds(self) -> float | None:
        """CPU time (user + system) used so far by the server and its worker processes; None
        where ``/proc`` does not tell (not Linux). The database's own is not included."""
        return process_tree_cpu(self.process.pid)


def process_tree_cpu(pid: int) -> float | None:
    """User + system CPU seconds of a process and its live descendants (Linux ``/proc``)."""
    total, pending, ticks = 0.0, [pid], os.sysconf("SC_CLK_TCK")
    try:
        while pending:
            current = pending.pop()
            stat = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(stat[11]) + int(stat[12])) / ticks  # utime, stime
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
    except (OSError, ValueError, IndexError):
        return None
    return total


@contextmanager
def serve(db_url: str, workers: int = 1, *, ceiling: bool = False) -> Iterator[RunningServer]:
    """Start ``rejon serve`` (or, with ``ceiling``, the bare reference of
    ``app.bench.ceiling``) on a free loopback port and wait for /healthz."""
    port = free_port()
    command = [
        sys.executable,
        "-c",
        "from app.cli.main import main; main()",
        "serve",
        "--db",
        db_url,
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    if ceiling:
        command = [sys.executable, "-m", "app.bench.ceiling", db_url, str(port), str(workers)]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"rejon serve did not start:\n{log.read().decode()[-2000:]}")
                time.sleep(0.2)
            yield RunningServer(base, process)
        finally:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
