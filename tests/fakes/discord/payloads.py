"""Discord object payloads in the shape discord.py 2.7 parses (users, members, guilds, messages)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1420070400000
_counter = itertools.count(1)


def snowflake() -> str:
    """A fresh snowflake id (timestamp bits from now, so discord.py's created_at is sane)."""
    ms = int(datetime.now(UTC).timestamp() * 1000) - DISCORD_EPOCH_MS
    return str((ms << 22) | (next(_counter) & 0x3FFFFF))


def iso_now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class FakeUser:
    """A person (or the bot) known to the fake."""

    id: str
    name: str
    bot: bool = False
    dms_open: bool = True
    roles: list[str] = field(default_factory=list)
    locale: str = "en-US"

    def payload(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.name,
            "global_name": self.name,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }

    def member(self, guild_id: str) -> dict[str, Any]:
        return {
            "user": self.payload(),
            "nick": None,
            "avatar": None,
            "roles": list(self.roles),
            "joined_at": iso_now(),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "permissions": "2248473465835073",
            "guild_id": guild_id,
        }


@dataclass
class FakeChannel:
    """A text channel or a DM channel."""

    id: str
    name: str
    guild_id: str | None = None
    topic: str | None = None
    recipient: str | None = None  # DM channels: the user id

    def payload(self, users: dict[str, FakeUser] | None = None) -> dict[str, Any]:
        if self.guild_id is None:
            recipients = [users[self.recipient].payload()] if users and self.recipient else []
            return {"id": self.id, "type": 1, "last_message_id": None, "recipients": recipients}
        return {
            "id": self.id,
            "type": 0,
            "guild_id": self.guild_id,
            "name": self.name,
            "position": 0,
            "permission_overwrites": [],
            "topic": self.topic,
            "nsfw": False,
            "parent_id": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
        }


def role_payload(role_id: str, name: str, permissions: str = "0", position: int = 0) -> dict[str, Any]:
    return {
        "id": role_id,
        "name": name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": position,
        "permissions": permissions,
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def guild_payload(
    guild_id: str, name: str, channels: list[FakeChannel], members: list[dict[str, Any]], roles: list[str]
) -> dict[str, Any]:
    return {
        "id": guild_id,
        "name": name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "owner_id": members[0]["user"]["id"] if members else guild_id,
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [role_payload(guild_id, "@everyone", "2248473465835073")]
        + [role_payload(r, f"role-{r[-4:]}", "0", i + 1) for i, r in enumerate(roles)],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "vanity_url_code": None,
        "description": None,
        "banner": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": None,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "joined_at": iso_now(),
        "large": False,
        "unavailable": False,
        "member_count": len(members),
        "voice_states": [],
        "members": members,
        "channels": [c.payload() for c in channels],
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


def message_payload(
    message_id: str,
    channel: FakeChannel,
    author: FakeUser,
    body: dict[str, Any],
    mentions: list[dict[str, Any]],
    mention_everyone: bool,
    attachments: list[dict[str, Any]],
    interaction_id: str | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": message_id,
        "channel_id": channel.id,
        "author": author.payload(),
        "content": body.get("content") or "",
        "timestamp": iso_now(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": mention_everyone,
        "mentions": mentions,
        "mention_roles": [],
        "attachments": attachments,
        "embeds": body.get("embeds") or [],
        "components": body.get("components") or [],
        "pinned": False,
        "type": 20 if interaction_id else 0,
        "flags": int(body.get("flags") or 0),
    }
    if channel.guild_id:
        data["guild_id"] = channel.guild_id
    if interaction_id:
        data["application_id"] = author.id
        data["webhook_id"] = author.id
    return data
