"""A refusal whose message mixes catalog text with outside text (names, titles) kept as Plain."""

from __future__ import annotations

from typing import Any

from bot.core.errors import UserError
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
