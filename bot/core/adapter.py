"""The adapter protocol: what every chat platform (console, Discord, Slack) offers the core."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from bot.core.messages import Message

if TYPE_CHECKING:
    from bot.core.dispatch import Dispatcher


class GroupChange(StrEnum):
    """What came of adding someone to a group (a Discord role, a Slack channel) or taking them out."""

    DONE = "done"
    UNCHANGED = "unchanged"  # already in it (or, when removing, not in it)
    FORBIDDEN = "forbidden"  # the bot lacks the permission, scope or channel membership it needs
    NOT_FOUND = "not_found"  # no such group or user on the platform
    UNSUPPORTED = "unsupported"  # the platform does not do this (it is not an error)
    FAILED = "failed"  # anything else, after retries

    @property
    def ok(self) -> bool:
        return self in (GroupChange.DONE, GroupChange.UNCHANGED, GroupChange.UNSUPPORTED)


class PlatformStartFailed(RuntimeError):
    """A chat platform refused or could not be reached at start (a bad token, no network): the
    message says which and what to check; the command line prints it as one line."""


class Adapter(Protocol):
    """A thin translator between one chat platform and the core."""

    platform: str

    async def start(self, dispatcher: Dispatcher) -> None:
        """Connect and begin delivering invocations and events to ``dispatcher``."""

    async def stop(self) -> None:
        """Disconnect cleanly; pending sends are flushed or kept for retry."""

    async def health(self) -> dict[str, Any]:
        """For /healthz: ``ok`` False while the platform connection is down."""

    def channel_for(self, purpose: str) -> str | None:
        """The channel id configured for a purpose ("announcements", "welcome", ...), if any."""

    async def post(self, channel_id: str, message: Message) -> str:
        """Post to a channel; returns a platform message reference."""

    async def send_dm(self, user_id: str, message: Message) -> bool:
        """Direct-message a user; False when that is impossible (DMs closed)."""

    async def set_topic(self, channel_id: str, text: str) -> bool:
        """Set a channel's topic (on-call banner); False when the platform refuses."""

    async def add_to_group(self, user_id: str, group_id: str, reason: str) -> GroupChange:
        """Give a user a role (Discord) or invite them to a channel (Slack); never raises."""

    async def remove_from_group(self, user_id: str, group_id: str, reason: str) -> GroupChange:
        """Undo :meth:`add_to_group` where the platform treats the group as a badge; never raises."""
