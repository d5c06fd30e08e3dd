"""SQLAlchemy engine construction for SQLite (embedded default) and PostgreSQL (at scale)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool

# Seconds a blocked SQLite writer waits before failing with "database is locked". Generous: a shared,
# loaded host can stall the lock holder for seconds, and a command failing is worse than a slow one.
SQLITE_BUSY_TIMEOUT = 30.0

# Applied to every new SQLite connection: WAL lets readers run beside the writer, foreign keys are off
# by default in SQLite, busy_timeout makes a blocked writer wait instead of failing at once, and
# synchronous=NORMAL is the documented safe pairing with WAL.
SQLITE_PRAGMAS: tuple[str, ...] = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT * 1000)}",
    "PRAGMA synchronous=NORMAL",
)


def normalize_url(url: str | URL) -> URL:
    """Parse `url`, pointing bare `postgresql://`/`postgres://` URLs at the psycopg 3 driver."""
    text = url.render_as_string(hide_password=False) if isinstance(url, URL) else url
    # SQLAlchemy no longer accepts Heroku-style `postgres://`; both spellings mean psycopg 3 here.
    for prefix in ("postgres://", "postgresql://"):
        if text.startswith(prefix):
            text = "postgresql+psycopg://" + text[len(prefix) :]
            break
    return make_url(text)


def sqlite_file_missing(url: str) -> Path | None:
    """The SQLite file ``url`` names when it does not exist yet (connecting would create it); None
    for PostgreSQL, in-memory SQLite or a file that exists. Commands that only read check it first."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    path = Path(parsed.database)
    return None if path.exists() else path


def _is_memory_sqlite(url: URL) -> bool:
    return url.database in (None, "", ":memory:") or (url.query.get("mode") == "memory")


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
    # Take transaction control away from the sqlite3 module (SQLAlchemy's documented recipe): its
    # legacy mode only emits BEGIN before DML, which breaks SAVEPOINTs and non-transactional DDL.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


# Execution option for a connection that only reads: on SQLite its transaction is a plain BEGIN (a
# WAL snapshot that never blocks writers) instead of BEGIN IMMEDIATE. Used by long reads (export).
READ_SNAPSHOT = "steward_read_snapshot"


def _on_sqlite_begin(conn: Any) -> None:
    # IMMEDIATE takes the write lock up front, so two sessions that read then write wait on
    # busy_timeout instead of one failing with SQLITE_BUSY_SNAPSHOT when upgrading its lock.
    # A read-only snapshot must not hold that lock: a long export would make the bot's writes time out.
    snapshot = conn.get_execution_options().get(READ_SNAPSHOT, False)
    conn.exec_driver_sql("BEGIN" if snapshot else "BEGIN IMMEDIATE")


def json_text(value: Any) -> str:
    """JSON columns' serializer: ``json.dumps``, with the empty list and dict (most JSON values stored:
    an issue's assignees, its linked numbers) written without building an encoder each time."""
    if isinstance(value, list | dict) and not value:
        return "[]" if isinstance(value, list) else "{}"
    return json.dumps(value)


def make_engine(url: str, echo: bool = False) -> Engine:
    """Create an engine for `url`: SQLite with WAL/foreign-key pragmas, or PostgreSQL via psycopg 3."""
    parsed = normalize_url(url)
    kwargs: dict[str, Any] = {"echo": echo, "json_serializer": json_text}
    if parsed.get_backend_name() == "sqlite":
        # Database.run uses worker threads, so connections must be shareable across threads.
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT}
        if _is_memory_sqlite(parsed):
            # Each connection to :memory: is a separate empty database; keep exactly one.
            kwargs["poolclass"] = StaticPool
        else:
            kwargs["pool_use_lifo"] = True
        engine = create_engine(parsed, **kwargs)
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    if parsed.get_backend_name() == "postgresql":
        # Long-lived bots outlive server restarts and idle-connection reapers.
        kwargs["pool_pre_ping"] = True
        # No server-side prepared statements (psycopg prepares a query run five times). A prepared
        # query runs PostgreSQL's generic plan, which can be far worse than one planned for the
        # values: a sync page's `number IN (...)` lookup went from 1 ms to 9 ms. It also keeps the bot
        # working behind PgBouncer in transaction mode, where prepared statements break.
        kwargs["connect_args"] = {"prepare_threshold": None}
    return create_engine(parsed, **kwargs)
