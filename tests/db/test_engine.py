"""Engine set-up (pragmas, URL rewriting) and the Database session/run contract."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from bot.db.database import Database
from bot.db.engine import json_text, make_engine, normalize_url
from bot.db.models import Member, Repo, TrackedIssue


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("postgresql://u:p@h:5432/d", "postgresql+psycopg"),
        ("postgres://u:p@h/d", "postgresql+psycopg"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg"),
        ("sqlite:///x.db", "sqlite"),
    ],
)
def test_normalize_url_picks_psycopg(given: str, driver: str) -> None:
    assert normalize_url(given).drivername == driver


def test_sqlite_pragmas_on_every_connection(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    try:
        for _ in range(2):  # a fresh pool connection each time
            with engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
                assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
            engine.dispose()
    finally:
        engine.dispose()


def test_memory_sqlite_is_one_shared_database() -> None:
    engine = make_engine("sqlite://")
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 0
    finally:
        engine.dispose()


def test_session_commits_on_success_and_rolls_back_on_error(db: Database) -> None:
    with db.session() as s:
        s.add(Member(display_name="kept"))
    with pytest.raises(RuntimeError), db.session() as s:
        s.add(Member(display_name="dropped"))
        s.flush()
        raise RuntimeError("boom")
    with db.session() as s:
        assert [m.display_name for m in s.exec(select(Member))] == ["kept"]


def test_savepoints_work(db: Database) -> None:
    """Nested transactions roll back alone (SQLite needs the engine's BEGIN handling for this)."""
    with db.session() as s:
        s.add(Member(display_name="outer"))
        with pytest.raises(RuntimeError), s.begin_nested():
            s.add(Member(display_name="inner"))
            s.flush()
            raise RuntimeError("undo inner")
    with db.session() as s:
        assert [m.display_name for m in s.exec(select(Member))] == ["outer"]


async def test_run_uses_a_worker_thread_and_returns_usable_objects(db: Database) -> None:
    loop_thread = threading.get_ident()

    def create(session: Session, name: str) -> tuple[Member, int]:
        member = Member(display_name=name)
        session.add(member)
        session.flush()
        return member, threading.get_ident()

    member, worker_thread = await db.run(create, "ada")
    assert worker_thread != loop_thread
    # Still readable after its session closed (expire_on_commit=False).
    assert member.display_name == "ada" and member.id is not None


async def test_concurrent_runs_do_not_fail(db: Database) -> None:
    """Parallel read-then-write transactions wait for each other instead of erroring."""

    def bump(session: Session, i: int) -> None:
        session.exec(select(Member)).all()
        session.add(Member(display_name=f"m{i}"))

    await asyncio.gather(*(db.run(bump, i) for i in range(8)))
    count = await db.run(lambda s: len(s.exec(select(Member)).all()))
    assert count == 8


def test_a_read_snapshot_never_blocks_writers_on_sqlite(tmp_path: Path) -> None:
    from bot.db.engine import READ_SNAPSHOT
    from bot.db.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'snap.db'}"
    upgrade(url)
    reader = make_engine(url)
    db = Database(url)
    try:
        with reader.connect() as conn:
            conn = conn.execution_options(**{READ_SNAPSHOT: True})
            with conn.begin():
                assert conn.execute(text("SELECT count(*) FROM member")).scalar() == 0
                # A writer commits while the snapshot is open (under BEGIN IMMEDIATE it would time out).
                with db.session() as s:
                    s.add(Member(display_name="written meanwhile"))
                # The snapshot still sees the database as it was when it began.
                assert conn.execute(text("SELECT count(*) FROM member")).scalar() == 0
    finally:
        reader.dispose()
        db.dispose()


@pytest.mark.parametrize("value", [[], {}, [1, "b"], {"a": [1, None]}, "text", 3, None])
def test_json_columns_store_what_json_dumps_writes(value: object) -> None:
    assert json_text(value) == json.dumps(value)


def test_empty_json_values_round_trip(db: Database) -> None:
    """The empty list and dict take the serializer's short path; they read back as written."""
    with db.session() as session:
        session.add(
            TrackedIssue(repo_id=_repo(session), number=1, title="t", state="open", is_pull_request=False)
        )
    with db.session() as session:
        issue = session.exec(select(TrackedIssue)).one()
        assert issue.assignees == [] and issue.linked_numbers == []


def _repo(session: Session) -> int:
    repo = Repo(full_name="acme/widgets", full_name_lower="acme/widgets")
    session.add(repo)
    session.flush()
    assert repo.id is not None
    return repo.id


def test_postgresql_queries_are_never_prepared_on_the_server(db: Database) -> None:
    """A query run again and again keeps being planned for its values (a generic plan made a sync's
    page lookup 9x slower), and nothing is left prepared for a pooler like PgBouncer to trip on."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("server-side prepared statements are PostgreSQL's")

    def run_often(session: Session) -> int:
        for number in range(12):
            session.exec(select(TrackedIssue).where(TrackedIssue.number.in_([number, number + 1])))  # type: ignore[attr-defined]
        return int(
            session.connection().exec_driver_sql("SELECT count(*) FROM pg_prepared_statements").scalar_one()
        )

    assert db.call(run_often) == 0
