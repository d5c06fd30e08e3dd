"""Who a platform user is, kept between their commands so that a known person costs no read."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, NamedTuple, TypeVar

from sqlalchemy import Engine

from bot.core.members import KnownMember, MemberInfo
from bot.db.change_count import ChangeCount
from bot.db.watch import ForeignCommits, TableWatch

# Every table a KnownMember or a MemberInfo is read from: a committed write to either drops every copy.
MEMBER_TABLES = frozenset({"member", "platform_identity"})
# Counted by triggers (migration 0019), so that other connections' commits to other tables keep copies.
MEMBER_CHANGES = ChangeCount("member_changes", MEMBER_TABLES)
# Changes to members by other processes are seen (ForeignCommits); a database file replaced under the
# running bot (a restore) is not: copies age out this fast all the same.
MEMBER_TTL = 15.0
MEMBER_CACHE_SIZE = 10_000

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


# (this process's writes to member tables, writes to them counted in the file: any connection's)
Generation = tuple[int, int]


class _Entry(NamedTuple, Generic[V]):
    generation: Generation
    expires: float
    name: str
    value: V


class _Copies(Generic[K, V]):
    """Values by key, each tagged with the generation it was read under; least recently kept go first."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[K, _Entry[V]] = OrderedDict()

    def get(self, key: K, generation: Generation, now: float, name: str = "") -> V | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.generation != generation or entry.expires < now or (name and entry.name != name):
            self._entries.pop(key, None)
            return None
        return entry.value

    def put(self, key: K, value: V, generation: Generation, expires: float, name: str = "") -> None:
        self._entries[key] = _Entry(generation, expires, name, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)


class MemberCache:
    """``MemberDirectory.known`` results by (platform, user id) and ``MemberDirectory.info`` results by
    member id, exact for every committed write: this process's (``TableWatch``, at the write) and
    other processes' (``ForeignCommits``: a commit to the file that wrote members drops every copy).

    Kept on SQLite only (see :meth:`for_engine`); with ``ttl`` 0 nothing is kept.
    """

    @classmethod
    def for_engine(cls, engine: Engine) -> MemberCache:
        """The cache a dispatcher on ``engine`` uses. On SQLite, any process's change to members is seen
        at the next look. PostgreSQL may be shared by instances behind a load balancer: one's cached language
        or time zone would stay stale after a change made through another, so nothing is kept there."""
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
        self._foreign = ForeignCommits(engine, MEMBER_CHANGES) if ttl > 0 else None
        self._ttl = ttl
        self._clock = clock
        self._known: _Copies[tuple[str, str], KnownMember] = _Copies(size)
        self._info: _Copies[int, MemberInfo] = _Copies(size)

    @property
    def generation(self) -> Generation:
        """Read before fetching what :meth:`put` or :meth:`put_info` will store."""
        if self._watch is None or self._foreign is None:
            return (0, 0)
        return (self._watch.generation, self._foreign.version())

    def get(self, platform: str, user_id: str, display_name: str) -> KnownMember | None:
        """The copy for this user, or None when there is none, it is stale, or they were renamed."""
        return self._known.get((platform, user_id), self.generation, self._clock(), display_name)

    def put(
        self, platform: str, user_id: str, display_name: str, member: KnownMember, generation: Generation
    ) -> None:
        """Keep ``member`` as read under ``generation``; ignored when a write has happened since."""
        if self._keeps(generation):
            self._known.put((platform, user_id), member, generation, self._clock() + self._ttl, display_name)

    def get_info(self, member_id: int) -> MemberInfo | None:
        """The copy of this member's profile, or None when there is none or it is stale."""
        return self._info.get(member_id, self.generation, self._clock())

    def put_info(self, info: MemberInfo, generation: Generation) -> None:
        """Keep ``info`` as read under ``generation``; ignored when a write has happened since."""
        if self._keeps(generation):
            self._info.put(info.id, info, generation, self._clock() + self._ttl)

    def _keeps(self, generation: Generation) -> bool:
        return self._ttl > 0 and generation == self.generation
