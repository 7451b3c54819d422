"""Alembic environment: runs on the engine handed over by ``app.store.db.migrate``."""

from alembic import context
from sqlmodel import SQLModel

import app.model  # noqa: F401

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        from app.config import get_settings
        from app.store.db import make_engine

        engine = make_engine(
            config.get_main_option("sqlalchemy.url") or get_settings().local_db_url
        )
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        context.run_migrations()


run_migrations_online()
