"""Who a Slack user is: display name, locale and maintainer user groups, cached for a while."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.dispatch import PlatformUser

log = logging.getLogger(__name__)
PLATFORM = "slack"
CACHE_FOR = timedelta(minutes=10)


@dataclass(frozen=True)
class _Profile:
    name: str
    locale: str | None
    is_bot: bool
    fetched: datetime


class SlackDirectory:
    """Builds PlatformUsers with the user's groups (for maintainer checks) and locale (for language)."""

    def __init__(
        self,
        client: AsyncWebClient,
        usergroup_ids: Callable[[], Sequence[str]],
        now: Callable[[], datetime],
    ) -> None:
        self.client = client
        self.usergroup_ids = usergroup_ids
        self.now = now
        self._profiles: dict[str, _Profile] = {}
        self._groups: dict[str, tuple[frozenset[str], datetime]] = {}
        self._dm_channels: dict[str, str] = {}
        self._lock = asyncio.Lock()

    async def user(self, user_id: str, fallback_name: str = "") -> PlatformUser:
        """The PlatformUser for ``user_id``; Web API failures degrade to what the payload said."""
        profile = await self.profile(user_id, fallback_name)
        roles = await self.groups_of(user_id)
        return PlatformUser(PLATFORM, user_id, profile.name, roles=roles, locale=profile.locale)

    async def profile(self, user_id: str, fallback_name: str = "") -> _Profile:
        now = self.now()
        cached = self._profiles.get(user_id)
        if cached is not None and now - cached.fetched < CACHE_FOR:
            return cached
        try:
            resp = await self.client.users_info(user=user_id, include_locale=True)
            user = resp.get("user") or {}
            profile = user.get("profile") or {}
            name = (
                profile.get("display_name")
                or profile.get("real_name")
                or user.get("real_name")
                or user.get("name")
                or fallback_name
                or user_id
            )
            found = _Profile(str(name), user.get("locale"), bool(user.get("is_bot")), now)
        except SlackApiError as exc:
            log.warning("users.info for %s failed: %s", user_id, exc.response.get("error"))
            found = _Profile(fallback_name or user_id, None, False, now)
        self._profiles[user_id] = found
        return found

    async def groups_of(self, user_id: str) -> tuple[str, ...]:
        """The configured maintainer user groups ``user_id`` belongs to."""
        found = []
        for group in self.usergroup_ids():
            if user_id in await self._members(group):
                found.append(group)
        return tuple(found)

    async def _members(self, group: str) -> frozenset[str]:
        now = self.now()
        cached = self._groups.get(group)
        if cached is not None and now - cached[1] < CACHE_FOR:
            return cached[0]
        async with self._lock:
            cached = self._groups.get(group)
            if cached is not None and now - cached[1] < CACHE_FOR:
                return cached[0]
            try:
                resp = await self.client.usergroups_users_list(usergroup=group)
                members = frozenset(resp.get("users") or ())
            except SlackApiError as exc:
                # Keep the last known membership rather than locking maintainers out on a hiccup.
                log.warning("usergroups.users.list for %s failed: %s", group, exc.response.get("error"))
                members = cached[0] if cached is not None else frozenset()
            self._groups[group] = (members, now)
            return members

    async def dm_channel(self, user_id: str) -> str:
        """The id of the bot's DM with ``user_id`` (conversations.open); raises SlackApiError."""
        channel = self._dm_channels.get(user_id)
        if channel is None:
            resp = await self.client.conversations_open(users=user_id)
            channel = str((resp.get("channel") or {})["id"])
            self._dm_channels[user_id] = channel
        return channel

    def forget(self, user_id: str) -> None:
        """Drop what is cached about a user (their profile changed)."""
        self._profiles.pop(user_id, None)
