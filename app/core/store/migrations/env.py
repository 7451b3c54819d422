"""Alembic environment: runs on the engine handed over by ``app.core.store.db.migrate``."""

from alembic import context
from sqlmodel import SQLModel

import app.core.model  # noqa: F401

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        from app.core.config import get_settings
        from app.core.store.db import make_engine

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
