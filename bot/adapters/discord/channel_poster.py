"""Posting to Discord channels and DMs: sends retried through transient failures, files fitted to
the upload limit, channel topics that never cut a text."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from typing import Any

import aiohttp

import discord
from bot.adapters.discord.keyed import post_keyed
from bot.adapters.discord.pacing import RequestPacer
from bot.adapters.discord.render import (
    DEFAULT_FILE_LIMIT,
    PLATFORM,
    Outgoing,
    render,
    size_text,
    without_oversized,
)
from bot.core.messages import Mention, Message, Plain, Section
from bot.core.post_keys import KeyedSend
from bot.i18n import Catalog

log = logging.getLogger(__name__)
TOPIC_LIMIT = 1024  # a text channel's topic
SEND_ATTEMPTS = 4
_TRANSIENT = (discord.DiscordServerError, aiohttp.ClientError, asyncio.TimeoutError, OSError)


class ChannelPoster:
    """Sends messages to channels and DMs through discord.py's REST client (the adapter's output side)."""

    def __init__(
        self,
        client: Callable[[], discord.Client | None],
        channels: Callable[[], Mapping[str, Any]],
        catalog: Catalog,
        locale: str,
        pacer: RequestPacer,
        retry_delay: float,
    ) -> None:
        self.client = client
        self.channels = channels
        self.catalog = catalog
        self.locale = locale
        self.pacer = pacer
        self.retry_delay = retry_delay

    def channel_for(self, purpose: str) -> str | None:
        """The channel configured for ``purpose`` (welcome, digest, ...), if any."""
        channel = self.channels().get(purpose)
        return str(channel) if channel is not None else None

    async def channel(self, channel_id: str) -> discord.abc.Messageable:
        """The channel ``channel_id`` from discord.py's cache, else fetched."""
        client = self.client()
        assert client is not None
        channel = client.get_channel(int(channel_id))
        if channel is None:
            await self.pacer.wait()
            channel = await client.fetch_channel(int(channel_id))
        if not isinstance(channel, discord.abc.Messageable):
            raise ValueError(f"discord channel {channel_id} cannot hold messages")
        return channel

    async def _send(
        self, target: discord.abc.Messageable, out: Outgoing, where: str, nonce: str | None = None
    ) -> discord.Message:
        """Send one message; transient failures are retried, every failure is logged with the reason.

        With ``nonce`` every retry carries it, so Discord returns the message a lost answer created.
        """
        kwargs = out.kwargs()
        if nonce is not None:
            kwargs["nonce"] = nonce
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                await self.pacer.wait()
                return await target.send(**kwargs)
            except discord.HTTPException as exc:
                if not isinstance(exc, discord.DiscordServerError):
                    log.error("discord: sending to %s failed: %s %s", where, exc.status, exc.text)
                    raise
                reason: str = f"{exc.status} {exc.text}"
            except _TRANSIENT as exc:
                reason = repr(exc)
            if attempt == SEND_ATTEMPTS:
                log.error("discord: sending to %s failed %d times, last: %s", where, attempt, reason)
                raise ConnectionError(f"sending to {where} failed: {reason}")
            log.warning("discord: sending to %s failed (%s), retry %d", where, reason, attempt)
            await asyncio.sleep(self.retry_delay * attempt)
        raise AssertionError("unreachable")

    def fit_files(self, message: Message, limit: int, locale: str | None = None) -> Message:
        """Files over ``limit`` (or the 25 MiB request size) become a notice, not a failing send."""
        return without_oversized(
            message,
            limit,
            lambda name, size: self.catalog.translate(
                locale or self.locale,
                "discord.file_too_large",
                name=name,
                size=size_text(size),
                limit=size_text(limit),
            ),
        )

    async def post(self, channel_id: str, message: Message) -> str:
        target = await self.channel(channel_id)
        guild = getattr(target, "guild", None)
        message = self.fit_files(message, guild.filesize_limit if guild is not None else DEFAULT_FILE_LIMIT)
        sent = [await self._send(target, out, f"channel {channel_id}") for out in render(message)]
        return f"{channel_id}/{sent[0].id}" if sent else channel_id

    async def post_keyed(self, channel_id: str, message: Message, send: KeyedSend) -> list[str]:
        """Post the parts ``send`` still needs, each with its key as the nonce (see :mod:`.keyed`)."""
        target = await self.channel(channel_id)
        guild = getattr(target, "guild", None)
        message = self.fit_files(message, guild.filesize_limit if guild is not None else DEFAULT_FILE_LIMIT)
        client = self.client()
        assert client is not None and client.user is not None

        async def send_one(out: Outgoing, nonce: str) -> discord.Message:
            return await self._send(target, out, f"channel {channel_id}", nonce=nonce)

        return await post_keyed(target, channel_id, client.user.id, message, send, send_one, self.pacer.wait)

    async def send_dm(self, user_id: str, message: Message) -> bool:
        """DM a user; False when their DMs are closed (then a short notice, without the content,
        mentions them in the welcome channel so they know to open their DMs)."""
        client = self.client()
        assert client is not None
        try:
            await self.pacer.wait()  # create_dm is a request unless discord.py has the channel cached
            dm = await client.create_dm(discord.Object(id=int(user_id)))
            for out in render(self.fit_files(message, DEFAULT_FILE_LIMIT)):
                await self._send(dm, out, f"DM to user {user_id}")
            return True
        except discord.Forbidden:
            log.warning("discord: user %s does not accept DMs; the message was not delivered", user_id)
        welcome = self.channel_for("welcome")
        if welcome is None:
            return False
        # Only the notice: DMs carry private things (invitations, reminders) the channel must not see.
        notice = self.catalog.translate(self.locale, "discord.dm_closed", command="/steward me")
        try:
            await self.post(welcome, Message([Section(Mention(user_id, {PLATFORM: user_id}), " ", notice)]))
        except (discord.HTTPException, ConnectionError):
            log.warning("discord: could not tell user %s in the welcome channel either", user_id)
        return False

    async def set_topic(self, channel_id: str, text: str) -> bool:
        channel = await self.channel(channel_id)
        if not isinstance(channel, discord.TextChannel):
            return False
        if len(text) > TOPIC_LIMIT:  # never a cut topic: the channel reads it whole as a message
            log.info("discord: a topic of %d characters is posted in %s instead", len(text), channel_id)
            await self.post(channel_id, Message.text(Plain(text)))
            return True
        try:
            await self.pacer.wait()
            await channel.edit(topic=text)
        except discord.HTTPException as exc:
            log.error(
                "discord: setting the topic of channel %s failed: %s %s", channel_id, exc.status, exc.text
            )
            return False
        return True
