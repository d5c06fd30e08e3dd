"""A newcomer seen by several transactions at once becomes exactly one member, and every click is answered."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlmodel import func, select

from bot.core.members import MemberDirectory
from bot.db.database import Database
from bot.db.models import Member, PlatformIdentity
from tests.fixtures.chat import ConsoleDriver, console_chat
from tests.fixtures.waiting import eventually

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _counts(db: Database) -> tuple[int, int]:
    with db.session() as s:
        members = s.exec(select(func.count()).select_from(Member)).one()
        identities = s.exec(select(func.count()).select_from(PlatformIdentity)).one()
    return members, identities


def _waiting_on_locks(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            ).scalar_one()
        )


async def test_three_transactions_creating_the_same_newcomer(db: Database) -> None:
    directory = MemberDirectory()
    first = db.session()
    session = first.__enter__()
    # The first transaction has inserted the newcomer but not committed: the others read nothing yet.
    winner = directory.ensure(session, "discord", "42", "Nadia", NOW)
    results: list[int | None] = []
    errors: list[BaseException] = []

    def click() -> None:
        try:
            member = db.call(lambda s: directory.ensure(s, "discord", "42", "Nadia", NOW))
            results.append(member.id)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    if db.engine.dialect.name == "postgresql":
        # Both wait on the unique index for the first transaction: the race the savepoint resolves.
        await eventually(lambda: _waiting_on_locks(db) >= 2, "both inserts to wait on the first")
    first.__exit__(None, None, None)
    for t in threads:
        await asyncio.to_thread(t.join)
    assert errors == []
    assert results == [winner.id, winner.id]
    assert _counts(db) == (1, 1)


async def test_ensure_many_meets_a_concurrent_newcomer(db: Database) -> None:
    directory = MemberDirectory()
    first = db.session()
    session = first.__enter__()
    winner = directory.ensure(session, "slack", "U2", "Bo", NOW)
    done: list[dict[str, int | None]] = []

    def greet() -> None:
        found = db.call(
            lambda s: directory.ensure_many(s, "slack", [("U1", "Ann"), ("U2", "Bo"), ("U3", "Cy")], NOW)
        )
        done.append({uid: m.id for uid, m in found.items()})

    thread = threading.Thread(target=greet)
    thread.start()
    if db.engine.dialect.name == "postgresql":
        await eventually(lambda: _waiting_on_locks(db) >= 1, "the batch insert to wait on the first")
    first.__exit__(None, None, None)
    await asyncio.to_thread(thread.join)
    [ids] = done
    assert ids["U2"] == winner.id
    assert len(set(ids.values())) == 3
    assert _counts(db) == (3, 3)


async def test_three_first_commands_at_once_are_all_answered(database_url: str, tmp_path: Path) -> None:
    async with console_chat(database_url, tmp_path) as chat:
        assert isinstance(chat, ConsoleDriver)
        await asyncio.gather(*(chat.command("newcomer", "/steward me") for _ in range(3)))
        replies = [r for r in chat.console.transcript if r.kind == "reply" and r.target == "newcomer"]
        assert len(replies) == 3
        assert all("newcomer" in r.text and "Something went wrong" not in r.text for r in replies)
        count = chat.app.services.db.call(
            lambda s: s.exec(
                select(func.count())
                .select_from(PlatformIdentity)
                .where(PlatformIdentity.platform_user_id == "newcomer")
            ).one()
        )
        assert count == 1
