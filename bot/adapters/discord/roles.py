"""Giving and taking guild roles (onboarding paths) over discord.py's REST client.

``PUT``/``DELETE /guilds/{guild}/members/{user}/roles/{role}`` need Manage Roles, and the role must sit
below the bot's highest role; Discord answers 403 (50013 Missing Permissions) otherwise.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import aiohttp

import discord
from bot.adapters.discord.pacing import RequestPacer
from bot.core.adapter import GroupChange

log = logging.getLogger(__name__)
ATTEMPTS = 3
_TRANSIENT = (discord.DiscordServerError, aiohttp.ClientError, asyncio.TimeoutError, OSError)
MISSING_PERMISSIONS_HELP = (
    "give Steward's bot role the Manage Roles permission and drag it above role {role} "
    "(Server Settings -> Roles)"
)


class RoleKeeper:
    """Adds and removes one member's guild role; finds the guild that holds the role in the cache."""

    def __init__(
        self, client: Callable[[], discord.Client | None], pacer: RequestPacer, retry_delay: float
    ) -> None:
        self.client = client
        self.pacer = pacer
        self.retry_delay = retry_delay

    def guild_of(self, role_id: int) -> discord.Guild | None:
        client = self.client()
        if client is None:
            return None
        return next((g for g in client.guilds if g.get_role(role_id) is not None), None)

    async def change(self, user_id: str, role: str, add: bool, reason: str) -> GroupChange:
        """Add (``add``) or remove a role; every outcome is logged with what a maintainer can do."""
        client = self.client()
        if client is None or not role.isdigit() or not user_id.isdigit():
            return GroupChange.NOT_FOUND
        role_id = int(role)
        guild = self.guild_of(role_id)
        if guild is None:
            log.error("discord: role %s is not a role of any server Steward is in", role)
            return GroupChange.NOT_FOUND
        member = guild.get_member(int(user_id))
        if member is not None and (member.get_role(role_id) is not None) == add:
            return GroupChange.UNCHANGED
        call: Callable[[], Awaitable[None]] = (
            (lambda: client.http.add_role(guild.id, int(user_id), role_id, reason=reason))
            if add
            else (lambda: client.http.remove_role(guild.id, int(user_id), role_id, reason=reason))
        )
        return await self._attempt(call, role, user_id)

    async def _attempt(self, call: Callable[[], Awaitable[None]], role: str, user_id: str) -> GroupChange:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                await self.pacer.wait()
                await call()
                return GroupChange.DONE
            except discord.Forbidden as exc:
                log.error(
                    "discord: no permission to change role %s of user %s (%s %s): %s",
                    role, user_id, exc.status, exc.text, MISSING_PERMISSIONS_HELP.format(role=role),
                )  # fmt: skip
                return GroupChange.FORBIDDEN
            except discord.NotFound as exc:
                log.warning("discord: role %s or user %s not found: %s", role, user_id, exc.text)
                return GroupChange.NOT_FOUND
            except discord.HTTPException as exc:
                if not isinstance(exc, discord.DiscordServerError):
                    log.error(
                        "discord: changing role %s of %s failed: %s %s", role, user_id, exc.status, exc.text
                    )
                    return GroupChange.FAILED
                reason = f"{exc.status} {exc.text}"
            except _TRANSIENT as exc:
                reason = repr(exc)
            log.warning(
                "discord: changing role %s of %s failed (%s), attempt %d", role, user_id, reason, attempt
            )
            if attempt < ATTEMPTS:
                await asyncio.sleep(self.retry_delay * attempt)
        return GroupChange.FAILED
