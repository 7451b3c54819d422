"""Migration 0002 (sync tables) upgrades a store holding entries in place, on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import Session, SQLModel, select

from app.core.demo import load_demo
from app.core.model import EntryIn, EntryRevision, OutboxItem
from app.core.model.clock import utcnow
from app.core.model.ids import stable_id
from app.core.store.db import migrate
from app.core.store.entries import current_entries, delete_entry, log_entry, revise_entry
from app.core.store.versions import init_server_store

NEW_TABLES = {"api_token", "sync_device", "login_attempt", "sync_version"}


def entries_as_values(engine) -> list[tuple]:
    with Session(engine) as session:
        rows = session.exec(select(EntryRevision).order_by(EntryRevision.id)).all()
        return [tuple(sorted(r.model_dump().items(), key=lambda kv: kv[0])) for r in rows]


LATER_PLAN_COLUMNS = {
    "criterion_baseline_by": "VARCHAR(300) NOT NULL DEFAULT ''",
    "criterion_baseline_at": "TIMESTAMP",
    "returned_content": "JSON",
}
"""Columns the plan table got after 0001 (0006, 0007): the demo is written by today's model."""


@contextmanager
def later_plan_columns(engine) -> Iterator[None]:
    """While today's model writes into a 0001 store: the columns it expects, then gone again
    (the upgrade adds them itself)."""
    with engine.begin() as connection:
        for name, kind in LATER_PLAN_COLUMNS.items():
            connection.execute(text(f"ALTER TABLE plan ADD COLUMN {name} {kind}"))
    yield
    with engine.begin() as connection:
        for name in LATER_PLAN_COLUMNS:
            connection.execute(text(f"ALTER TABLE plan DROP COLUMN {name}"))


def test_upgrade_from_0001_keeps_entries(empty_engine):
    migrate(empty_engine, "0001")
    assert not NEW_TABLES & set(inspect(empty_engine).get_table_names())
    officer = stable_id("officer", "100301")
    with later_plan_columns(empty_engine), Session(empty_engine, expire_on_commit=False) as session:
        load_demo(session, history=False)  # the entries here are its own
        when = utcnow() - timedelta(hours=2)
        first = log_entry(
            session,
            EntryIn(kind="talk", occurred_at=when, residents_spoken=7, note="przed migracją"),
            officer_id=officer,
            device_id="phone",
            queue=False,
        )
        revise_entry(
            session,
            first.entry_id,
            EntryIn(kind="talk", occurred_at=when, residents_spoken=9),
            officer_id=officer,
            device_id="phone",
            queue=False,
        )
        second = log_entry(
            session,
            EntryIn(kind="leaflets", occurred_at=when, leaflets=30),
            officer_id=officer,
            device_id="phone",
            queue=False,
        )
        delete_entry(session, second.entry_id, officer_id=officer, device_id="phone", queue=False)
        queue_as_in_0001(session)
        session.commit()
    before = entries_as_values(empty_engine)
    assert len(before) == 4

    migrate(empty_engine)

    assert set(inspect(empty_engine).get_table_names()) >= NEW_TABLES
    assert entries_as_values(empty_engine) == before
    with Session(empty_engine) as session:
        current = current_entries(session)
        assert [(r.entry_id, r.residents_spoken) for r in current] == [(first.entry_id, 9)]
        assert len(session.exec(select(OutboxItem)).all()) == 4  # still waiting to be sent
    with empty_engine.connect() as connection:  # the schema is exactly what the models say
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []

    # the same store can then serve: every row gets a version, entries included
    assert init_server_store(empty_engine) > 4
    with Session(empty_engine) as session:
        versions = session.exec(select(EntryRevision.server_version)).all()
        assert None not in versions and len(set(versions)) == 4

    migrate_down_and_up(empty_engine)
    assert entries_as_values(empty_engine) != []


def queue_as_in_0001(session: Session) -> None:
    """Outbox rows with the columns the table had then (the model has more since 0004)."""
    rows = session.exec(select(EntryRevision.entry_id, EntryRevision.id)).all()
    for entry_id, revision_id in rows:
        session.connection().execute(
            text(
                "INSERT INTO outbox (object_type, object_id, revision_id, created_at, attempts,"
                " last_error) VALUES ('entry', :entry, :revision, :now, 0, '')"
            ),
            {"entry": entry_id, "revision": revision_id, "now": utcnow()},
        )


def migrate_down_and_up(engine) -> None:
    """The downgrade drops only the new tables; upgrading again restores them."""
    from alembic import command

    from app.core.store.db import alembic_config

    command.downgrade(alembic_config(engine), "0001")
    assert not NEW_TABLES & set(inspect(engine).get_table_names())
    migrate(engine)
    assert set(inspect(engine).get_table_names()) >= NEW_TABLES
