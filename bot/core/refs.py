"""References to people and channels as typed option values."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UserRef:
    """A person named in a command: a platform user id, or just a name (console, GitHub login)."""

    platform: str
    user_id: str | None = None
    name: str | None = None

    def __str__(self) -> str:
        return self.name or self.user_id or "?"


@dataclass(frozen=True)
class ChannelRef:
    """A channel named in a command."""

    platform: str
    channel_id: str | None = None
    name: str | None = None

    def __str__(self) -> str:
        return self.name or self.channel_id or "?"
