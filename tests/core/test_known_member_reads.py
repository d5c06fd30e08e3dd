"""A command from someone the bot already knows costs a read, never a write transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlmodel import select

from bot.core.members import MemberDirectory
from bot.db.database import Database


def _statements(db: Database) -> list[str]:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(" ".join(statement.split()[:2]).upper())

    event.listen(db.engine, "before_cursor_execute", record)
    return seen


def test_known_member_is_found_on_a_snapshot_without_writing(db: Database) -> None:
    from datetime import UTC, datetime

    members = MemberDirectory()
    now = datetime(2026, 12, 5, tzinfo=UTC)
    created = db.call(lambda s: members.ensure(s, "discord", "42", "Ada", now))
    seen = _statements(db)
    found = db.read_call(lambda s: members.known(s, "discord", "42", "Ada"))
    assert found is not None and found.id == created.id
    # SQLite: a plain BEGIN (a WAL snapshot), never BEGIN IMMEDIATE, which takes the write lock.
    assert seen and all(kind == "BEGIN" or kind.startswith("SELECT") for kind in seen), seen
    # A new display name must be written, so the read path steps aside.
    assert db.read_call(lambda s: members.known(s, "discord", "42", "Ada L.")) is None
    assert db.read_call(lambda s: members.known(s, "slack", "42", "Ada")) is None


def test_a_snapshot_read_commits_nothing(db: Database) -> None:
    from datetime import UTC, datetime

    from bot.db.models import Member

    def sneaky(session: Any) -> None:
        session.add(Member(display_name="ghost", created_at=datetime(2026, 1, 1, tzinfo=UTC)))
        session.flush()

    db.read_call(sneaky)
    assert db.call(lambda s: s.exec(select(Member).where(Member.display_name == "ghost")).all()) == []
