"""A refusal whose message mixes catalog text with outside text (names, titles) kept as Plain."""

from __future__ import annotations

from typing import Any

from bot.core.errors import UserError, localized_parts

__all__ = ["GfiError", "localized_parts"]


class GfiError(UserError):
    """A UserError whose ``outside`` params are shown verbatim (never as markup or mentions)."""

    def __init__(self, key: str, outside: dict[str, str] | None = None, **params: Any) -> None:
        super().__init__(key, outside=outside, **params)
