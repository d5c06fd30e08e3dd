"""A spotlight as each platform shows it: the adapters' own rendering, checked against the limits
the fakes enforce (written independently of the adapters, from PLATFORM-NOTES)."""

from __future__ import annotations

from typing import Any

from bot.adapters.discord.render import render as render_discord
from bot.adapters.slack.blocks import render_chunks
from bot.core.messages import Message
from tests.fakes.discord import rules
from tests.fakes.slack import texts_of, validate_blocks


def discord_payloads(message: Message) -> list[dict[str, Any]]:
    """The create-message payloads the Discord adapter sends for ``message``."""
    return [{"content": o.content, "embeds": o.embeds} for o in render_discord(message)]


def discord_texts(message: Message) -> list[str]:
    """What each Discord message shows (content, embed titles, descriptions, fields, footers)."""
    texts = []
    for payload in discord_payloads(message):
        parts = [payload["content"]]
        for e in payload["embeds"]:
            parts += [e.get("title", ""), e.get("description", "")]
            parts += [f"{f['name']}: {f['value']}" for f in e.get("fields", [])]
            parts.append((e.get("footer") or {}).get("text", ""))
        texts.append("\n".join(p for p in parts if p))
    return texts


def slack_texts(message: Message) -> list[str]:
    """What each Slack message shows (every text of its blocks)."""
    return ["\n".join(texts_of(chunk.blocks)) for chunk in render_chunks(message)]


def problems(message: Message) -> list[str]:
    """Every limit the message breaks as Discord and Slack would be sent it."""
    payloads = discord_payloads(message)
    found = [f"discord: {p}" for payload in payloads for p in rules.message_problems(payload)]
    for chunk in render_chunks(message):
        found += [f"slack: {p}" for p in validate_blocks(chunk.blocks, 50)]
    return found
