"""What the fake Slack knows and records: users, visible messages, API calls."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class FakeUser:
    """A workspace member the fake knows (users.info)."""

    id: str
    name: str
    locale: str = "en-US"
    is_bot: bool = False


@dataclass
class Recorded:
    """Something Steward sent to Slack that a person would see (or a modal/home view)."""

    kind: str  # message | ephemeral | response | modal | home
    channel: str | None
    user: str | None  # ephemeral target / modal opener / home owner / response_url owner
    blocks: list[dict[str, Any]]
    text: str = ""
    ephemeral: bool = False
    ts: str = ""
    view: dict[str, Any] | None = None
    files: list[tuple[str, bytes]] = field(default_factory=list)  # (name, bytes) shared with the message
    thread_ts: str | None = None
    metadata: dict[str, Any] | None = None  # chat.postMessage metadata Slack kept (event_type, payload)
    # The shared files as history shows them (id, name, title, size): a file share's only marks.
    shared: list[dict[str, Any]] = field(default_factory=list)
    in_ack: bool = False  # a slash command's answer carried by its ack, not posted to the response_url
    at: float = field(default_factory=time.perf_counter)  # when it reached the fake (perf_counter)


@dataclass
class ApiCall:
    """One Web API call (or upload) as the fake answered it."""

    method: str
    args: dict[str, Any]
    status: int
    error: str | None = None
