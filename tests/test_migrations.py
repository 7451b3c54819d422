"""Alembic: the migrations build exactly the models' schema, and upgrade a phone's data in place."""

from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from app.core.store.db import alembic_config, migrate
from app.core.store.entries import current_entries, entry_history


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def test_upgrade_from_the_first_revision_keeps_entries(empty_engine: Engine) -> None:
    script = ScriptDirectory.from_config(alembic_config(empty_engine))
    first = script.get_base()
    migrate(empty_engine, first)
    when = datetime(2024, 3, 1, 17, 0, tzinfo=UTC)
    with empty_engine.begin() as conn:  # data written by an app still on the first schema
        conn.execute(
            text("INSERT INTO unit (id, name, city) VALUES ('u1', 'KPP w Lubartowie', '')")
        )
        conn.execute(
            text(
                "INSERT INTO officer (id, badge, name, role, unit_id, active) "
                "VALUES ('o1', '100301', 'Jan Nowak', 'officer', 'u1', true)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO entry (id, officer_id, device_id, current_revision_id, current_seq, "
                "deleted, needs_review, created_at) VALUES ('e1', 'o1', 'd1', 'r1', 1, false, false, :t)"
            ),
            {"t": when},
        )
        conn.execute(
            text(
                "INSERT INTO entry_revision (id, entry_id, seq, officer_id, device_id, recorded_at, "
                "deleted, kind, occurred_at, gps_poor, persons_legitimised, leaflets, "
                "residents_spoken, interventions, offences, fines, cautions, note) VALUES "
                "('r1', 'e1', 1, 'o1', 'd1', :t, false, 'place_check', :t, false, 4, 0, 0, 1, 2, 0, "
                "1, 'Plac zabaw Nivea')"
            ),
            {"t": when},
        )
    migrate(empty_engine)  # to head
    with Session(empty_engine) as s:
        [entry] = current_entries(s)
        assert (entry.persons_legitimised, entry.offences, entry.note) == (4, 2, "Plac zabaw Nivea")
        assert entry.occurred_at == when
        assert len(entry_history(s, "e1")) == 1
    with empty_engine.connect() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    assert version == script.get_current_head()
