"""Slack's side of posting once: message metadata carrying the key, and finding it in history.

``chat.postMessage`` has no idempotency key, so every keyed part carries its key in message
``metadata`` (event type ``steward_post``); before sending a part an earlier attempt may have
posted, the adapter reads ``conversations.history`` since that attempt with
``include_all_metadata`` and adopts the message carrying the key (PLATFORM-NOTES F). Files are
shared with ``files.completeUploadExternal``, which takes no metadata (its arguments are the files
with their titles, the channel, ``initial_comment`` or ``blocks``, and ``thread_ts``): a share in
doubt is recognised in the same history by its files' names and sizes instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks import SlackMessage, Upload, render_chunks, uploads_of
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

    def match(message: dict[str, Any]) -> str | None:
        return f"{channel}:{message['ts']}" if carries(message, key) else None

    return await _find(client, channel, since, match)


def shared_files(uploads: Sequence[Upload]) -> list[tuple[str, int]]:
    """What a file share shows of ``uploads`` in history: each file's name and size, in order."""
    return [(u.filename, len(u.data)) for u in uploads]


async def find_upload(
    client: AsyncWebClient, channel: str, uploads: Sequence[Upload], since: datetime, taken: set[str]
) -> str | None:
    """``channel:file_id`` of the bot's share of ``uploads`` in ``channel`` since ``since``, if any.

    ``files.completeUploadExternal`` takes no metadata, so a share is recognised by what history
    shows of its files (names and sizes, in order), passing over shares another post owns (``taken``).
    """
    wanted = shared_files(uploads)

    def match(message: dict[str, Any]) -> str | None:
        files = message.get("files") or []
        if not files:  # not bot_id: the docs do not promise it on a share made with a bot token
            return None
        ref = f"{channel}:{files[0].get('id', '')}"
        shown = [(f.get("name"), f.get("size")) for f in files]
        return ref if shown == wanted and ref not in taken else None

    return await _find(client, channel, since, match)


async def _find(
    client: AsyncWebClient, channel: str, since: datetime, match: Callable[[dict[str, Any]], str | None]
) -> str | None:
    """The first ref ``match`` finds in the channel's messages since ``since`` (newest first)."""
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
            if (ref := match(message)) is not None:
                return ref
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
        if part is None:  # a file share carries no metadata: recognised by its files instead
            return await find_upload(adapter.client, channel_id, uploads, since, await send.taken())
        return await find_keyed(adapter.client, channel_id, key, since)

    return await send.run(parts, post, find)
