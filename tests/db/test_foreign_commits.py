"""ForeignCommits: any other connection's commit to the SQLite file moves the number; nothing else does."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from bot.core.member_cache import MEMBER_CHANGES
from bot.db.change_count import ChangeCount
from bot.db.database import Database
from bot.db.watch import ForeignCommits


def test_a_commit_by_another_connection_moves_the_number(tmp_path: Path) -> None:
    path = tmp_path / "steward.db"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("CREATE TABLE t (x)")
    commits = ForeignCommits(create_engine(f"sqlite:///{path}"))
    first = commits.version()
    assert commits.version() == first  # looking changes nothing
    other.execute("INSERT INTO t VALUES (1)")
    second = commits.version()
    assert second != first
    other.execute("BEGIN")
    other.execute("INSERT INTO t VALUES (2)")
    assert commits.version() == second  # not committed yet
    other.execute("COMMIT")
    assert commits.version() != second
    other.close()


def test_a_file_that_cannot_be_opened_counts_as_changed_every_time(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-dir" / "steward.db"
    commits = ForeignCommits(create_engine(f"sqlite:///{missing}"))
    assert commits.version() != commits.version()
    assert not missing.parent.exists()


def test_nothing_is_opened_for_an_in_memory_database_or_postgresql() -> None:
    for url in ("sqlite://", "sqlite:///:memory:", "postgresql+psycopg://postgres@127.0.0.1:1/none"):
        commits = ForeignCommits(create_engine(url))
        assert commits.version() == commits.version() == 0


COUNTED = ChangeCount("t_changes", frozenset({"t"}))


def _counted_file(path: Path) -> sqlite3.Connection:
    """A file where triggers count the writes to ``t`` (as migration 0019 does for members)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(
        "CREATE TABLE t (x); CREATE TABLE other (x);"
        " CREATE TABLE t_changes (id INTEGER PRIMARY KEY, writes INTEGER NOT NULL);"
        " INSERT INTO t_changes VALUES (1, 0);"
    )
    for op in ("insert", "update", "delete"):
        conn.execute(
            f"CREATE TRIGGER t_changes_t_{op} AFTER {op.upper()} ON t"
            " BEGIN UPDATE t_changes SET writes = writes + 1 WHERE id = 1; END"
        )
    return conn


def test_with_a_counter_only_writes_to_the_watched_tables_move_the_number(tmp_path: Path) -> None:
    path = tmp_path / "steward.db"
    other = _counted_file(path)
    commits = ForeignCommits(create_engine(f"sqlite:///{path}"), COUNTED)
    first = commits.version()
    other.execute("INSERT INTO other VALUES (1)")
    assert commits.version() == first  # a commit, but not to t
    numbers = [first]
    for sql in ("INSERT INTO t VALUES (1)", "UPDATE t SET x = 2", "DELETE FROM t"):
        other.execute(sql)
        numbers.append(commits.version())
    assert len(set(numbers)) == 4  # each write to t is seen
    other.close()


def test_without_the_triggers_every_commit_moves_the_number(tmp_path: Path) -> None:
    path = tmp_path / "steward.db"
    other = sqlite3.connect(path, isolation_level=None)
    other.executescript("CREATE TABLE t (x); CREATE TABLE other (x);")
    commits = ForeignCommits(create_engine(f"sqlite:///{path}"), COUNTED)
    first = commits.version()
    other.execute("INSERT INTO other VALUES (1)")
    assert commits.version() != first  # not migrated yet: no way to tell, so it counts as a change
    other.close()


def test_the_member_counter_is_installed_by_the_migrations(db: Database) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL keeps no member copies, so it has no triggers")
    raw = sqlite3.connect(str(db.engine.url.database))
    try:
        assert MEMBER_CHANGES.installed(raw)
    finally:
        raw.close()
