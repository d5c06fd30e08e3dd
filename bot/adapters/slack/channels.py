"""Inviting people to Slack channels (onboarding paths) with ``conversations.invite``.

The bot must be a member of the channel and hold ``channels:manage`` (public) or ``groups:write``
(private); Slack answers ``not_in_channel`` / ``missing_scope`` otherwise.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.adapter import GroupChange

log = logging.getLogger(__name__)
UNCHANGED_ERRORS = frozenset({"already_in_channel"})
FORBIDDEN_ERRORS = frozenset(
    {"not_in_channel", "missing_scope", "cant_invite", "restricted_action", "not_allowed_token_type",
     "no_permission", "ekm_access_denied"}
)  # fmt: skip
NOT_FOUND_ERRORS = frozenset({"channel_not_found", "user_not_found", "is_archived", "user_disabled"})
HELP = {
    "not_in_channel": "invite the Steward app to {channel} first (/invite @Steward in that channel)",
    "missing_scope": "reinstall the app with the channels:manage and groups:write scopes "
    "(`steward slack-manifest` prints them)",
}


class ChannelInviter:
    """Invites one user to a channel given by id or ``#name``."""

    def __init__(self, client: AsyncWebClient, channel_id: Callable[[str], Awaitable[str | None]]) -> None:
        self.client = client
        self.channel_id = channel_id

    async def invite(self, user_id: str, channel: str) -> GroupChange:
        """Invite ``user_id``; already being there counts as success. Never raises."""
        channel_id = await self.channel_id(channel)
        if channel_id is None:
            log.error("slack: channel %s not found (is the app in it?)", channel)
            return GroupChange.NOT_FOUND
        try:
            await self.client.conversations_invite(channel=channel_id, users=user_id)
        except SlackApiError as exc:
            error = str(exc.response.get("error") or "")
            if error in UNCHANGED_ERRORS:
                return GroupChange.UNCHANGED
            hint = HELP.get(error, "").format(channel=channel)
            if error in FORBIDDEN_ERRORS:
                log.error("slack: cannot invite %s to %s: %s %s", user_id, channel, error, hint)
                return GroupChange.FORBIDDEN
            if error in NOT_FOUND_ERRORS:
                log.warning("slack: cannot invite %s to %s: %s", user_id, channel, error)
                return GroupChange.NOT_FOUND
            log.error("slack: inviting %s to %s failed: %s", user_id, channel, error)
            return GroupChange.FAILED
        except Exception:
            log.exception("slack: inviting %s to %s failed", user_id, channel)
            return GroupChange.FAILED
        return GroupChange.DONE
