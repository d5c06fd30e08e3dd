"""Known members are kept in memory between commands, and never outlive a write to them."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, update
from sqlmodel import select

from bot.core.member_cache import MemberCache
from bot.core.members import KnownMember, MemberDirectory
from bot.db.database import Database
from bot.db.models import Member, PlatformIdentity
from tests.fixtures.database import statements

NOW = datetime(2026, 12, 6, tzinfo=UTC)
members = MemberDirectory()


def _cached_read(db: Database, cache: MemberCache, user_id: str, name: str) -> KnownMember | None:
    """What Dispatcher.actor_for does: the copy, else a snapshot read kept for next time."""
    found = cache.get("discord", user_id, name)
    if found is not None:
        return found
    generation = cache.generation
    found = db.read_call(lambda s: members.known(s, "discord", user_id, name))
    if found is not None:
        cache.put("discord", user_id, name, found, generation)
    return found


def test_a_known_member_costs_no_statement_the_second_time(db: Database) -> None:
    cache = MemberCache(db.engine)
    created = db.call(lambda s: members.ensure(s, "discord", "42", "Ada", NOW))
    first = _cached_read(db, cache, "42", "Ada")
    seen = statements(db.engine)
    again = _cached_read(db, cache, "42", "Ada")
    assert first is not None and again == first and again.id == created.id
    assert seen == []


def test_orm_writes_core_writes_and_deletes_drop_the_copy(db: Database) -> None:
    cache = MemberCache(db.engine)
    member_id = db.call(lambda s: members.ensure(s, "discord", "42", "Ada", NOW)).id
    assert member_id is not None
    assert _cached_read(db, cache, "42", "Ada") is not None

    db.call(lambda s: members.set_timezone(s, member_id, "Asia/Kolkata"))
    found = _cached_read(db, cache, "42", "Ada")
    assert found is not None and found.timezone == "Asia/Kolkata"

    with db.engine.begin() as conn:  # a Core statement on a bare connection, outside any Session
        conn.execute(update(Member).where(Member.id == member_id).values(locale="de"))  # type: ignore[arg-type]
    found = _cached_read(db, cache, "42", "Ada")
    assert found is not None and found.locale == "de"

    def unlink(session: Any) -> None:
        identity = session.exec(
            select(PlatformIdentity).where(PlatformIdentity.platform_user_id == "42")
        ).one()
        session.delete(identity)

    db.call(unlink)
    assert _cached_read(db, cache, "42", "Ada") is None


def test_a_rename_misses_and_so_takes_the_write_path(db: Database) -> None:
    cache = MemberCache(db.engine)
    db.call(lambda s: members.ensure(s, "discord", "42", "Ada", NOW))
    assert _cached_read(db, cache, "42", "Ada") is not None
    assert cache.get("discord", "42", "Ada L.") is None


def test_copies_age_out_for_writes_made_by_other_processes(db: Database) -> None:
    now = [100.0]
    cache = MemberCache(db.engine, ttl=15.0, clock=lambda: now[0])
    db.call(lambda s: members.ensure(s, "discord", "42", "Ada", NOW))
    assert _cached_read(db, cache, "42", "Ada") is not None
    now[0] += 14.0
    assert cache.get("discord", "42", "Ada") is not None
    now[0] += 2.0
    assert cache.get("discord", "42", "Ada") is None


def test_a_read_that_raced_a_commit_is_not_kept(db: Database) -> None:
    """The read saw the old row while another thread's write committed: that copy must not stick."""
    cache = MemberCache(db.engine)
    member_id = db.call(lambda s: members.ensure(s, "discord", "42", "Ada", NOW)).id
    assert member_id is not None
    generation = cache.generation
    stale = db.read_call(lambda s: members.known(s, "discord", "42", "Ada"))
    assert stale is not None
    writer = threading.Thread(target=lambda: db.call(lambda s: members.set_locale(s, member_id, "fr")))
    writer.start()
    writer.join()
    cache.put("discord", "42", "Ada", stale, generation)
    found = _cached_read(db, cache, "42", "Ada")
    assert found is not None and found.locale == "fr"


def test_the_cache_is_bounded(db: Database) -> None:
    cache = MemberCache(db.engine, size=3)
    for i in range(5):
        db.call(lambda s, i=i: members.ensure(s, "discord", str(i), f"user{i}", NOW))
    for i in range(5):
        assert _cached_read(db, cache, str(i), f"user{i}") is not None
    assert cache.get("discord", "0", "user0") is None and cache.get("discord", "1", "user1") is None
    assert all(cache.get("discord", str(i), f"user{i}") is not None for i in (2, 3, 4))


def test_members_are_kept_only_where_one_process_serves_the_database(db: Database) -> None:
    """SQLite has one serving process; PostgreSQL may have instances behind a load balancer, where a
    copy kept by one would miss a language or time zone changed through another."""
    cache = MemberCache.for_engine(db.engine)
    db.call(lambda s: members.ensure(s, "discord", "42", "Ada", NOW))
    assert _cached_read(db, cache, "42", "Ada") is not None
    kept = cache.get("discord", "42", "Ada") is not None
    assert kept == (db.engine.dialect.name == "sqlite")
    # Where nothing is kept, nothing listens to the engine's statements either.
    watch = cache._watch
    assert (watch is not None and event.contains(db.engine, "after_cursor_execute", watch._executed)) == kept
