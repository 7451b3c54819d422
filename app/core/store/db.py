"""Engines and sessions over SQLite (the device, default) or PostgreSQL (deployments)."""

import logging
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, create_engine

import app.core.model  # noqa: F401  (registers every table on SQLModel.metadata)
from app.core.store.versions import init_server_store, register_stamping

MIGRATIONS = Path(__file__).with_name("migrations")


def sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL survives the app being killed mid-write; foreign keys are off by default in SQLite."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def no_autocheckpoint(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.close()


CHECKPOINT_INTERVAL_S = 20.0
log = logging.getLogger(__name__)


def checkpoint(engine: Engine) -> tuple[int, int, int]:
    """Copy the WAL into the database file without blocking writers: (busy, frames, copied)."""
    with engine.connect() as connection:
        row = connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
    return int(row[0]), int(row[1]), int(row[2])


def _checkpoint_loop(engine_ref: "weakref.ref[Engine]", stop: threading.Event) -> None:
    """Until the engine is disposed or gone; a database that cannot be opened ends it."""
    while not stop.wait(CHECKPOINT_INTERVAL_S):
        engine = engine_ref()
        if engine is None:
            return
        try:
            checkpoint(engine)
        except DBAPIError as exc:
            log.warning("background checkpoints stopped: %s", exc.orig)
            return
        finally:
            del engine


def make_engine(url: str, *, background_checkpoints: bool = False, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite files get their folder created and safe pragmas.

    ``background_checkpoints`` (SQLite): by default SQLite copies the WAL back into the database
    inside whichever commit crosses 1000 pages, an fsync that shows as a 20 ms stall on a
    random save. The field app's store instead checkpoints from a daemon thread.
    """
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[-1]
        if path and path != ":memory:" and not url.endswith("://"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"check_same_thread": False})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", sqlite_pragmas)
        if background_checkpoints:
            event.listen(engine, "connect", no_autocheckpoint)
            stop = threading.Event()
            thread = threading.Thread(
                target=_checkpoint_loop,
                args=(weakref.ref(engine), stop),
                name="sqlite-checkpoint",
                daemon=True,
            )
            thread.start()
            weakref.finalize(engine, stop.set)
            event.listen(engine, "engine_disposed", lambda *_: stop.set())
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` in place; entries already stored are kept.

    Also registers the service's version stamping (``versions.register_stamping``): every store
    is migrated before it is written, so a service store's rows never miss their version."""
    command.upgrade(alembic_config(engine), revision)
    register_stamping()


def open_store(url: str, *, background_checkpoints: bool = False, **kwargs: Any) -> Engine:
    """An engine whose schema is migrated to the latest revision."""
    engine = make_engine(url, background_checkpoints=background_checkpoints, **kwargs)
    migrate(engine)
    return engine


def open_service_store(url: str, **engine_options: Any) -> Engine:
    """The sync service's store, ready for writes from any path: migrated, stamping
    registered, its version counter created (older rows stamped)."""
    engine = open_store(url, **engine_options)
    init_server_store(engine)
    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
