"""Message metadata and ``conversations.history``, as Slack documents them (PLATFORM-NOTES F).

``chat.postMessage`` takes ``metadata={"event_type": ..., "event_payload": {...}}``; an
``event_type`` of anything but letters, digits, ``_`` and ``-`` is dropped with a warning and the
message still posts. ``conversations.history`` pages newest first (``oldest``/``latest`` are
exclusive unless ``inclusive``, ``limit`` at most 999, cursor paging) and returns a message's
``metadata`` only when asked with ``include_all_metadata``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from tests.fakes.slack.records import Recorded

EVENT_TYPE = re.compile(r"^[A-Za-z0-9_-]+$")
MAX_LIMIT = 999
DEFAULT_LIMIT = 100
BOT_USER, BOT_ID = "U0BOT", "B0BOT"


def accepted_metadata(raw: Any) -> tuple[dict[str, Any] | None, list[str]]:
    """The metadata Slack keeps for a message, and the warnings it answers with."""
    if raw is None or raw == "":
        return None, []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return None, ["invalid_metadata_format"]
    if not isinstance(raw, dict) or not EVENT_TYPE.match(str(raw.get("event_type", ""))):
        return None, ["invalid_metadata_format"]
    payload = raw.get("event_payload") or {}
    if not isinstance(payload, dict):
        return None, ["invalid_metadata_format"]
    return {"event_type": raw["event_type"], "event_payload": payload}, []


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in ("true", "1")


def history(recorded: Sequence[Recorded], args: Mapping[str, Any]) -> dict[str, Any]:
    """The answer to ``conversations.history`` for the channel messages recorded so far."""
    channel = str(args.get("channel", ""))
    limit = int(args.get("limit") or DEFAULT_LIMIT)
    if limit > MAX_LIMIT:
        limit = MAX_LIMIT
    inclusive = _truthy(args.get("inclusive"))
    oldest = float(args["oldest"]) if args.get("oldest") else None
    latest = float(args["latest"]) if args.get("latest") else None

    def inside(ts: float) -> bool:
        if oldest is not None and (ts < oldest or (ts == oldest and not inclusive)):
            return False
        return latest is None or ts < latest or (ts == latest and inclusive)

    messages = [r for r in recorded if r.kind == "message" and r.channel == channel and r.thread_ts is None]
    newest_first = sorted(
        (r for r in messages if inside(float(r.ts))), key=lambda r: float(r.ts), reverse=True
    )
    start = int(str(args.get("cursor") or "0").removeprefix("offset:") or 0)
    page = newest_first[start : start + limit]
    more = start + limit < len(newest_first)
    with_metadata = _truthy(args.get("include_all_metadata"))
    return {
        "ok": True,
        "messages": [_message(r, with_metadata) for r in page],
        "has_more": more,
        "response_metadata": {"next_cursor": f"offset:{start + limit}" if more else ""},
    }


def _message(r: Recorded, with_metadata: bool) -> dict[str, Any]:
    message: dict[str, Any] = {
        "type": "message",
        "ts": r.ts,
        "user": BOT_USER,
        "bot_id": BOT_ID,
        "text": r.text,
        "blocks": r.blocks,
    }
    if with_metadata and r.metadata is not None:
        message["metadata"] = r.metadata
    if r.shared:
        message["files"] = [dict(f) for f in r.shared]
        message["upload"] = True
    return message
