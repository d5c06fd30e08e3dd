"""The adapter protocol: what every chat platform (console, Discord, Slack) offers the core."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from bot.core.messages import Message

if TYPE_CHECKING:
    from bot.core.dispatch import Dispatcher


class Adapter(Protocol):
    """A thin translator between one chat platform and the core."""

    platform: str

    async def start(self, dispatcher: Dispatcher) -> None:
        """Connect and begin delivering invocations and events to ``dispatcher``."""

    async def stop(self) -> None:
        """Disconnect cleanly; pending sends are flushed or kept for retry."""

    def channel_for(self, purpose: str) -> str | None:
        """The channel id configured for a purpose ("announcements", "welcome", ...), if any."""

    async def post(self, channel_id: str, message: Message) -> str:
        """Post to a channel; returns a platform message reference."""

    async def send_dm(self, user_id: str, message: Message) -> bool:
        """Direct-message a user; False when that is impossible (DMs closed)."""

    async def set_topic(self, channel_id: str, text: str) -> bool:
        """Set a channel's topic (on-call banner); False when the platform refuses."""
