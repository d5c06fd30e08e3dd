"""Alembic environment for Steward: one code path for the CLI, `bot.db.migrate` and tests."""

from __future__ import annotations

import os
from logging.config import fileConfig
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection
from sqlalchemy.engine import make_url

from bot.db.engine import make_engine, normalize_url
from bot.db.models import TZDateTime, load_all_models

config = context.config

# Only the CLI (which has an ini file) configures logging; programmatic callers keep their own.
if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = load_all_models()


def _database_url() -> str:
    """The URL to migrate: attributes["url"], then `-x url=...`, then STEWARD_DATABASE_URL, then the ini."""
    url = config.attributes.get("url") or context.get_x_argument(as_dictionary=True).get("url")
    url = url or os.environ.get("STEWARD_DATABASE_URL") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL: pass -x url=..., set STEWARD_DATABASE_URL or sqlalchemy.url")
    return str(url)


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    # Render our aware-datetime decorator as the plain column type so revisions don't import bot code.
    if type_ == "type" and isinstance(obj, TZDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(**kwargs: Any) -> None:
    context.configure(
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite can't ALTER most things; batch mode is a no-op elsewhere.
        compare_type=True,
        render_item=_render_item,
        **kwargs,
    )


def _set_sqlite_foreign_keys(connection: Connection, on: bool) -> None:
    # Batch mode copies a table and drops the original; with foreign keys enforced that DROP would
    # cascade-delete child rows. The pragma only takes effect outside a transaction, so it goes
    # straight to the driver (SQLAlchemy would open a BEGIN first).
    if connection.dialect.name != "sqlite" or connection.in_transaction():
        return
    connection.connection.driver_connection.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")  # type: ignore[union-attr]


def _run_on(connection: Connection) -> None:
    _set_sqlite_foreign_keys(connection, on=False)
    _configure(connection=connection)
    try:
        with context.begin_transaction():
            context.run_migrations()
            if connection.dialect.name == "sqlite":
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left dangling foreign keys: {broken[:5]}")
    finally:
        _set_sqlite_foreign_keys(connection, on=True)


def run_migrations_offline() -> None:
    """Emit SQL to stdout (`alembic upgrade head --sql`) without connecting."""
    url = normalize_url(_database_url())
    _configure(url=make_url(url), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate through a passed-in connection, or one opened from the configured URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    engine = make_engine(_database_url())
    try:
        with engine.connect() as conn:
            _run_on(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
