"""Slack's side of posting once: message metadata carrying the key, and finding it in history.

``chat.postMessage`` has no idempotency key, so every keyed part carries its key in message
``metadata`` (event type ``steward_post``); before sending a part an earlier attempt may have
posted, the adapter reads ``conversations.history`` since that attempt with
``include_all_metadata`` and adopts the message carrying the key (PLATFORM-NOTES F).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks import SlackMessage, render_chunks, uploads_of
from bot.core.messages import Message
from bot.core.post_keys import EVENT_TYPE, KeyedSend, LookupImpossible

if TYPE_CHECKING:
    from bot.adapters.slack.adapter import SlackAdapter

# Messages per history page (Slack allows at most 15 for apps outside the Marketplace: PLATFORM-NOTES F),
# and pages read at most: a post in doubt is minutes old, not thousands of messages back.
HISTORY_PAGE = 15
HISTORY_PAGES = 40


def key_metadata(key: str) -> dict[str, Any]:
    """The ``metadata`` argument of a keyed ``chat.postMessage``."""
    return {"event_type": EVENT_TYPE, "event_payload": {"key": key}}


def carries(message: dict[str, Any], key: str) -> bool:
    metadata = message.get("metadata") or {}
    return (
        metadata.get("event_type") == EVENT_TYPE and (metadata.get("event_payload") or {}).get("key") == key
    )


async def find_keyed(client: AsyncWebClient, channel: str, key: str, since: datetime) -> str | None:
    """``channel:ts`` of the message carrying ``key`` posted in ``channel`` since ``since``, if any."""
    cursor: str | None = None
    for _ in range(HISTORY_PAGES):
        try:
            page = await client.conversations_history(
                channel=channel,
                oldest=f"{since.timestamp():.6f}",
                include_all_metadata=True,
                limit=HISTORY_PAGE,
                cursor=cursor,
            )
        except SlackApiError as exc:
            raise LookupImpossible(f"conversations.history failed: {exc.response.get('error')}") from exc
        for message in page.get("messages") or []:
            if carries(message, key):
                return f"{channel}:{message['ts']}"
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
        if not page.get("has_more") or not cursor:
            return None
    raise LookupImpossible(f"more than {HISTORY_PAGE * HISTORY_PAGES} messages since the attempt")


async def post_keyed(adapter: SlackAdapter, channel_id: str, message: Message, send: KeyedSend) -> list[str]:
    """Post the chunks ``send`` still needs, each carrying its key in metadata; then the files.

    One key per chunk: a message split in several that failed part-way resumes at the first chunk
    not known to be in the channel, instead of posting the earlier ones again.
    """
    chunks = render_chunks(message)
    uploads = uploads_of(message)
    parts: list[SlackMessage | None] = [*chunks, *([None] if uploads else [])]  # None: the files

    async def post(part: SlackMessage | None, key: str) -> str:
        if part is None:
            return await adapter.upload(channel_id, uploads, None if chunks else message.summary)
        return await adapter.post_chunk(channel_id, part, key_metadata(key))

    async def find(part: SlackMessage | None, key: str, since: datetime) -> str | None:
        if part is None:  # a file share carries no metadata to recognise it by
            raise LookupImpossible("shared files carry no key")
        return await find_keyed(adapter.client, channel_id, key, since)

    return await send.run(parts, post, find)
