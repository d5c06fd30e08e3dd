"""The member reads nearly every command makes, answered from memory where that stays exact."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.member_cache import MemberCache
from bot.core.members import KnownMember, MemberDirectory, MemberInfo

if TYPE_CHECKING:
    from bot.db.database import Database


class MemberReads:
    """Who a platform user is, and a member's profile: a snapshot read, kept for next time where
    :class:`MemberCache` keeps copies (SQLite), so a known person's command reads nothing."""

    def __init__(self, db: Database, members: MemberDirectory, cache: MemberCache | None = None) -> None:
        self._db = db
        self._members = members
        self.cache = cache if cache is not None else MemberCache.for_engine(db.engine)

    async def known(self, platform: str, user_id: str, display_name: str) -> KnownMember | None:
        """``MemberDirectory.known``: None for a newcomer or a renamed person (the caller writes)."""
        found = self.cache.get(platform, user_id, display_name)
        if found is not None:
            return found
        generation = self.cache.generation  # before the read: a write committed meanwhile wins
        found = await self._db.peek(lambda s: self._members.known(s, platform, user_id, display_name))
        if found is not None:
            self.cache.put(platform, user_id, display_name, found, generation)
        return found

    async def info(self, member_id: int) -> MemberInfo | None:
        """``MemberDirectory.info`` (name, GitHub account, zone, language, linked accounts)."""
        found = self.cache.get_info(member_id)
        if found is not None:
            return found
        generation = self.cache.generation
        found = await self._db.peek(lambda s: self._members.info(s, member_id))
        if found is not None:
            self.cache.put_info(found, generation)
        return found
