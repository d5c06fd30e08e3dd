"""`Database.peek`: short keyed reads, on the calling thread where the database is in-process."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime

from sqlmodel import Session, select

from bot.db.database import Database
from bot.db.models import Member


def _add(db: Database, name: str) -> None:
    db.call(lambda s: s.add(Member(display_name=name, created_at=datetime(2026, 12, 6, tzinfo=UTC))))


def _names(session: Session) -> tuple[list[str], int]:
    names = [m.display_name for m in session.exec(select(Member).order_by(Member.display_name))]
    return names, threading.get_ident()


def test_peek_reads_in_process_on_sqlite_and_on_a_worker_elsewhere(db: Database) -> None:
    _add(db, "Ada")
    names, thread = asyncio.run(db.peek(_names))
    assert names == ["Ada"]
    on_caller = thread == threading.get_ident()
    assert on_caller == (db.engine.dialect.name == "sqlite")


def test_peek_does_not_wait_for_a_writer(db: Database) -> None:
    """A writer holding its transaction open (the write lock, on SQLite) does not hold up a peek."""
    _add(db, "Ada")
    writing, release = threading.Event(), threading.Event()

    def writer() -> None:
        def slow(session: Session) -> None:
            session.add(Member(display_name="Bea", created_at=datetime(2026, 12, 6, tzinfo=UTC)))
            session.flush()
            writing.set()
            release.wait(10)

        db.call(slow)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert writing.wait(10)
        started = time.monotonic()
        names, _ = asyncio.run(db.peek(_names))
        assert time.monotonic() - started < 1.0
        assert names == ["Ada"]  # the snapshot: the writer has not committed
    finally:
        release.set()
        thread.join()
    assert asyncio.run(db.peek(_names))[0] == ["Ada", "Bea"]
