"""Discord's side of posting once: nonces on sends, and finding an earlier send in channel history.

Discord de-duplicates a repeated ``nonce`` (with ``enforce_nonce``, which discord.py sends along)
only for a few minutes and does not keep nonces on messages, so after that window the bot's earlier
message is recognised by what it shows: content, embed titles and descriptions, file names.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

import discord
from bot.adapters.discord.render import Outgoing, render
from bot.core.messages import Message
from bot.core.post_keys import KeyedSend, LookupImpossible, fingerprint

# How many of the channel's messages since the attempt are read at most, looking for the bot's one.
HISTORY_LOOKUP = 500


def outgoing_fingerprint(out: Outgoing) -> str:
    """What a person would see of ``out``, digested."""
    embeds = [f"{e.get('title') or ''}\x1e{e.get('description') or ''}" for e in out.embeds]
    return fingerprint(out.content, *embeds, *(name for name, _ in out.files))


def message_fingerprint(message: discord.Message) -> str:
    """The same digest for a message read back from Discord."""
    embeds = [f"{e.title or ''}\x1e{e.description or ''}" for e in message.embeds]
    return fingerprint(message.content, *embeds, *(a.filename for a in message.attachments))


async def find_sent(
    channel: discord.abc.Messageable, bot_id: int, out: Outgoing, since: datetime, taken: set[str]
) -> discord.Message | None:
    """The bot's message showing ``out`` posted in ``channel`` since ``since``, if there is one.

    Messages another post already owns (``taken`` refs, ``channel/message``) are passed over: two
    posts may look alike (the same digest twice), and each must keep its own message.
    """
    wanted = outgoing_fingerprint(out)
    try:
        async for message in channel.history(after=since, limit=HISTORY_LOOKUP, oldest_first=True):
            mine = message.author.id == bot_id and f"{message.channel.id}/{message.id}" not in taken
            if mine and message_fingerprint(message) == wanted:
                return message
    except discord.HTTPException as exc:
        raise LookupImpossible(f"reading the channel history failed: {exc.status} {exc.text}") from exc
    return None


SendOne = Callable[[Outgoing, str], Awaitable[discord.Message]]  # (message, nonce) -> what was sent


async def post_keyed(
    target: discord.abc.Messageable,
    channel_id: str,
    bot_id: int,
    message: Message,
    send: KeyedSend,
    send_one: SendOne,
    pace: Callable[[], Awaitable[None]],
) -> list[str]:
    """Post the parts ``send`` still needs to ``target``, each through ``send_one`` with its key as the
    nonce; look in the channel's history first when in doubt (``pace`` before each read)."""

    async def post(out: Outgoing, key: str) -> str:
        sent = await send_one(out, key)
        return f"{channel_id}/{sent.id}"

    async def find(out: Outgoing, key: str, since: datetime) -> str | None:
        taken = await send.taken()
        await pace()
        found = await find_sent(target, bot_id, out, since, taken)
        return None if found is None else f"{channel_id}/{found.id}"

    return await send.run(render(message), post, find)
