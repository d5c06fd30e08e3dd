"""A refusal whose message mixes catalog text with outside text (names, titles) kept as Plain."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from bot.core.errors import UserError
from bot.core.github_port import GitHubBusy
from bot.core.messages import Inline, Plain

_MARK = "\x00"


class GfiError(UserError):
    """A UserError whose ``outside`` params are shown verbatim (never as markup or mentions)."""

    def __init__(self, key: str, outside: dict[str, str] | None = None, **params: Any) -> None:
        super().__init__(key, **params)
        self.outside = outside or {}


def localized_parts(
    translate: Any, key: str, params: dict[str, Any], outside: dict[str, str]
) -> tuple[Inline, ...]:
    """``translate(key, **params)`` with each ``outside`` value spliced in as a Plain span."""
    names = list(outside)
    markers = {name: f"{_MARK}{i}{_MARK}" for i, name in enumerate(names)}
    text: str = translate(key, **params, **markers)
    parts: list[Inline] = []
    for i, chunk in enumerate(text.split(_MARK)):
        if i % 2 == 0:
            if chunk:
                parts.append(chunk)
        elif chunk.isdigit() and int(chunk) < len(names):
            parts.append(Plain(outside[names[int(chunk)]]))
    return tuple(parts)


def busy(exc: GitHubBusy, now: datetime) -> GfiError:
    """What a person is told when GitHub's budget is spent: when to try again (at least a minute)."""
    seconds = (exc.retry_at - now).total_seconds() if exc.retry_at is not None else 3600
    return GfiError("gfi.link.busy", minutes=max(1, math.ceil(seconds / 60)))
