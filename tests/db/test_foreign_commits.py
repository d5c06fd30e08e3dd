"""ForeignCommits: any other connection's commit to the SQLite file moves the number; nothing else does."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import create_engine

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
