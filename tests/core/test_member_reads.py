"""A member's profile is read once and kept between commands where that stays exact (SQLite), and a
known person's command reads nothing; any write to members or their accounts is seen at once."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from sqlalchemy import text, update
from sqlmodel import Session

from bot.core.member_reads import MemberReads
from bot.core.members import MemberDirectory
from bot.db.database import Database
from bot.db.models import Member, PlatformIdentity
from tests.fixtures.chat import ChatFactory
from tests.fixtures.database import statements

NOW = datetime(2026, 12, 6, tzinfo=UTC)
members = MemberDirectory()


def test_a_profile_is_read_once_where_one_process_serves_the_database(db: Database) -> None:
    reads = MemberReads(db, members)
    member_id = db.call(lambda s: members.ensure(s, "discord", "42", "Ada", NOW)).id
    assert member_id is not None
    first = asyncio.run(reads.info(member_id))
    seen = statements(db.engine)
    again = asyncio.run(reads.info(member_id))
    assert first is not None and again == first and first.identities == (("discord", "42"),)
    # PostgreSQL may have instances behind a load balancer: there every read goes to the database.
    assert (seen == []) == (db.engine.dialect.name == "sqlite")


def test_writes_to_the_member_or_their_accounts_are_seen_at_once(db: Database) -> None:
    reads = MemberReads(db, members)
    member_id = db.call(lambda s: members.ensure(s, "discord", "42", "Ada", NOW)).id
    assert member_id is not None
    assert asyncio.run(reads.info(member_id)) is not None

    db.call(lambda s: members.set_timezone(s, member_id, "Asia/Kolkata"))
    info = asyncio.run(reads.info(member_id))
    assert info is not None and info.timezone == "Asia/Kolkata"

    with db.engine.begin() as conn:  # Core, outside any Session (as the CLI's erasure does)
        conn.execute(update(Member).where(Member.id == member_id).values(github_login="ada-l"))  # type: ignore[arg-type]
    info = asyncio.run(reads.info(member_id))
    assert info is not None and info.github_login == "ada-l" and not info.github_verified

    def link_slack(session: Session) -> None:
        session.add(
            PlatformIdentity(
                member_id=member_id,
                platform="slack",
                platform_user_id="U42",
                display_name="ada",
                created_at=NOW,
            )
        )

    db.call(link_slack)
    info = asyncio.run(reads.info(member_id))
    assert info is not None and info.identities == (("discord", "42"), ("slack", "U42"))


def _in_another_process(db: Database, sql: str) -> None:
    """Run ``sql`` on the SQLite file from another process, as ``steward forget`` would."""
    script = "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.close()"
    subprocess.run([sys.executable, "-c", script, str(db.engine.url.database), sql], check=True)


def test_changes_committed_by_another_process_are_seen_at_once(db: Database) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("nothing is kept on PostgreSQL")
    reads = MemberReads(db, members)
    member_id = db.call(lambda s: members.ensure(s, "discord", "42", "Ada", NOW)).id
    assert asyncio.run(reads.known("discord", "42", "Ada")) is not None
    assert asyncio.run(reads.info(member_id)) is not None
    seen = statements(db.engine)
    assert asyncio.run(reads.known("discord", "42", "Ada")) is not None and seen == []  # kept

    _in_another_process(db, f"UPDATE member SET timezone = 'Asia/Shanghai' WHERE id = {member_id}")
    info = asyncio.run(reads.info(member_id))
    assert info is not None and info.timezone == "Asia/Shanghai"

    # Erased by the command line while the bot runs: from the next command on, a newcomer again.
    _in_another_process(
        db,
        f"DELETE FROM platform_identity WHERE member_id = {member_id};"
        f" DELETE FROM member WHERE id = {member_id};",
    )
    assert asyncio.run(reads.known("discord", "42", "Ada")) is None
    assert asyncio.run(reads.info(member_id)) is None


def test_other_commits_keep_the_copies(db: Database) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("nothing is kept on PostgreSQL")
    reads = MemberReads(db, members)
    member_id = db.call(lambda s: members.ensure(s, "discord", "42", "Ada", NOW)).id
    assert asyncio.run(reads.info(member_id)) is not None
    assert asyncio.run(reads.known("discord", "42", "Ada")) is not None
    # The scheduler's lease renewal (every second) and other processes' writes to other tables.
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO leader_lease (name, epoch, expires_at) VALUES ('t', 0, '2026-12-06')"))
    _in_another_process(db, "UPDATE leader_lease SET epoch = 1 WHERE name = 't'")
    seen = statements(db.engine)
    assert asyncio.run(reads.info(member_id)) is not None
    assert asyncio.run(reads.known("discord", "42", "Ada")) is not None
    assert seen == []
    # An insert by another process into the accounts table is a change to members.
    _in_another_process(
        db,
        "INSERT INTO platform_identity (member_id, platform, platform_user_id, created_at)"
        f" VALUES ({member_id}, 'slack', 'U42', '2026-12-06 00:00:00')",
    )
    info = asyncio.run(reads.info(member_id))
    assert info is not None and ("slack", "U42") in info.identities


def test_known_people_are_found_and_newcomers_are_not(db: Database) -> None:
    reads = MemberReads(db, members)
    assert asyncio.run(reads.known("discord", "42", "Ada")) is None  # the caller creates them
    created = db.call(lambda s: members.ensure(s, "discord", "42", "Ada", NOW))
    found = asyncio.run(reads.known("discord", "42", "Ada"))
    assert found is not None and found.id == created.id
    assert asyncio.run(reads.known("discord", "42", "Ada L.")) is None  # renamed: written by the caller


async def test_setting_the_zone_one_already_has_writes_nothing(chat_factory: ChatFactory) -> None:
    async with chat_factory() as chat:
        [first] = await chat.command("alice", "/steward timezone Asia/Kolkata")
        seen = statements(chat.app.db.engine)
        [again] = await chat.command("alice", "/steward timezone asia/kolkata")
        assert again.text == first.text and "Asia/Kolkata" in again.text
        # Only who alice is was read (a snapshot, after her first command's write); no transaction ran.
        assert [q for q in seen if q != "BEGIN"] == [seen[-1]] and "JOIN member" in seen[-1]
        [other] = await chat.command("alice", "/steward timezone Europe/Berlin")
        assert "Europe/Berlin" in other.text
        [me] = await chat.command("alice", "/steward me")
        assert "Europe/Berlin" in me.text and "Asia/Kolkata" not in me.text
