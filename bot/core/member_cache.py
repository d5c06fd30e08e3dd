"""Who a platform user is, kept between their commands so that a known person costs no read."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import NamedTuple

from sqlalchemy import Engine

from bot.core.members import KnownMember
from bot.db.watch import TableWatch

# Every table a KnownMember is read from: a committed write to either drops every copy.
MEMBER_TABLES = frozenset({"member", "platform_identity"})
# Another process (the CLI) changes members unseen: copies age out this fast.
MEMBER_TTL = 15.0
MEMBER_CACHE_SIZE = 10_000


class _Entry(NamedTuple):
    generation: int
    expires: float
    name: str
    member: KnownMember


class MemberCache:
    """``MemberDirectory.known`` results by (platform, user id), exact for this process's writes.

    Kept on SQLite only (see :meth:`for_engine`); with ``ttl`` 0 nothing is kept.
    """

    @classmethod
    def for_engine(cls, engine: Engine) -> MemberCache:
        """The cache a dispatcher on ``engine`` uses. SQLite is served by one process, so this
        process sees every change to members but the CLI's (aged out by the TTL). PostgreSQL may be
        shared by instances behind a load balancer: one's cached language or time zone would stay
        stale after a change made through another, so nothing is kept there."""
        return cls(engine, ttl=MEMBER_TTL if engine.dialect.name == "sqlite" else 0.0)

    def __init__(
        self,
        engine: Engine,
        ttl: float = MEMBER_TTL,
        size: int = MEMBER_CACHE_SIZE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        # Nothing is kept with no TTL (PostgreSQL): then no watch either, which would match every
        # statement against its pattern for nothing.
        self._watch = TableWatch(engine, MEMBER_TABLES) if ttl > 0 else None
        self._ttl = ttl
        self._size = size
        self._clock = clock
        self._entries: OrderedDict[tuple[str, str], _Entry] = OrderedDict()

    @property
    def generation(self) -> int:
        """Read before fetching what :meth:`put` will store."""
        return self._watch.generation if self._watch is not None else 0

    def get(self, platform: str, user_id: str, display_name: str) -> KnownMember | None:
        """The copy for this user, or None when there is none, it is stale, or they were renamed."""
        key = (platform, user_id)
        entry = self._entries.get(key)
        if entry is None:
            return None
        if (
            entry.generation != self.generation
            or entry.expires < self._clock()
            or (display_name and entry.name != display_name)
        ):
            self._entries.pop(key, None)
            return None
        return entry.member

    def put(
        self, platform: str, user_id: str, display_name: str, member: KnownMember, generation: int
    ) -> None:
        """Keep ``member`` as read under ``generation``; ignored when a write has happened since."""
        if self._ttl <= 0 or generation != self.generation:
            return
        key = (platform, user_id)
        self._entries[key] = _Entry(generation, self._clock() + self._ttl, display_name, member)
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)
