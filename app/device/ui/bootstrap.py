"""Opening the device's store for the app: migrate it, and give an empty one the demo."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from app.core.demo import load_demo
from app.core.store.db import open_store, session_scope
from app.core.store.plans import list_plans


def open_local_store(url: str, *, today: date | None = None, demo: bool = True) -> Engine:
    """The migrated store at ``url``; the demo is loaded when it holds no plan yet."""
    engine = open_store(url, background_checkpoints=True)  # no fsync stalls on Save
    if demo:
        load_demo_if_empty(engine, today)
    return engine


def load_demo_if_empty(engine: Engine, today: date | None = None) -> None:
    """The demo (plans and their history) into a store that holds no plan yet."""
    with session_scope(engine) as session:
        if not list_plans(session):
            load_demo(session, today=today)
