"""A refusal whose message mixes catalog text with outside text (names, titles) kept as Plain."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from bot.core.errors import UserError, localized_parts
from bot.core.github_port import GitHubBusy

__all__ = ["GfiError", "busy", "localized_parts"]


class GfiError(UserError):
    """A UserError whose ``outside`` params are shown verbatim (never as markup or mentions)."""

    def __init__(self, key: str, outside: dict[str, str] | None = None, **params: Any) -> None:
        super().__init__(key, outside=outside, **params)


def busy(exc: GitHubBusy, now: datetime) -> GfiError:
    """What a person is told when GitHub's budget is spent: when to try again (at least a minute)."""
    seconds = (exc.retry_at - now).total_seconds() if exc.retry_at is not None else 3600
    return GfiError("gfi.link.busy", minutes=max(1, math.ceil(seconds / 60)))
