"""Message nonces and channel history, as Discord documents them (PLATFORM-NOTES F).

Create Message takes ``nonce`` (an integer or a string of at most 25 characters) and
``enforce_nonce``: a repeat with the same nonce from the same author "in the past few minutes"
returns the original message instead of creating a second one. The docs give no exact window;
:data:`NONCE_WINDOW` plans for five minutes and tests shrink or expire it to act out a longer
outage. Nonces are not kept on the message: history reads (``GET /channels/{id}/messages``) do
not return them, so whoever looks there must recognise a message by its content.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

NONCE_WINDOW = 300.0
MAX_NONCE_LENGTH = 25
HISTORY_LIMIT = 100


@dataclass
class NonceBook:
    """The nonces each author used recently, and the message each one created."""

    window: float = NONCE_WINDOW
    seen: dict[tuple[str, str], tuple[str, float]] = field(default_factory=dict)

    def original(self, author: str, nonce: str) -> str | None:
        """The id of the message ``author`` created with ``nonce`` within the window, if any."""
        entry = self.seen.get((author, nonce))
        if entry is None or time.monotonic() - entry[1] > self.window:
            return None
        return entry[0]

    def remember(self, author: str, nonce: str, message_id: str) -> None:
        self.seen[(author, nonce)] = (message_id, time.monotonic())

    def expire(self) -> None:
        """Let every window pass (a test acting out an outage longer than Discord remembers)."""
        self.seen.clear()


def nonce_problems(body: Mapping[str, Any]) -> list[str]:
    """What Discord refuses about a message's nonce."""
    nonce = body.get("nonce")
    if nonce is None:
        return []
    if isinstance(nonce, str) and len(nonce) > MAX_NONCE_LENGTH:
        return [f"nonce: Must be {MAX_NONCE_LENGTH} or fewer in length."]
    return []


def history_page(payloads: Iterable[dict[str, Any]], query: Mapping[str, str]) -> list[dict[str, Any]]:
    """``GET /channels/{id}/messages``: one of before/after/around, ``limit`` 1–100, newest first.

    The stored payloads go out without ``nonce`` (Discord does not keep it on the message).
    """
    limit = int(query.get("limit", "50"))
    if not 1 <= limit <= HISTORY_LIMIT:
        raise ValueError(f"limit: must be between 1 and {HISTORY_LIMIT}")
    anchors = [k for k in ("before", "after", "around") if k in query]
    if len(anchors) > 1:
        raise ValueError("only one of before, after, around")
    ordered = sorted(payloads, key=lambda p: int(p["id"]))
    if "after" in query:
        after = int(query["after"])
        # Discord answers the oldest `limit` messages after the anchor, still newest first.
        chosen = [p for p in ordered if int(p["id"]) > after][:limit]
    elif "before" in query:
        before = int(query["before"])
        chosen = [p for p in ordered if int(p["id"]) < before][-limit:]
    elif "around" in query:
        around = int(query["around"])
        older = [p for p in ordered if int(p["id"]) <= around][-(limit // 2 + limit % 2) :]
        newer = [p for p in ordered if int(p["id"]) > around][: limit // 2]
        chosen = older + newer
    else:
        chosen = ordered[-limit:]
    return [{k: v for k, v in p.items() if k != "nonce"} for p in reversed(chosen)]
