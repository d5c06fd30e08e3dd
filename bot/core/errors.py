"""Errors that carry a message meant for the person who ran a command."""

from __future__ import annotations

from typing import Any

from bot.core.messages import Inline, Plain

_MARK = "\x00"


class UserError(Exception):
    """A failure the invoker should read: a catalog key plus its parameters, shown ephemerally.

    ``outside`` params (names, references people typed) are shown verbatim as Plain text, never as
    markup or mentions."""

    def __init__(self, key: str, *, outside: dict[str, str] | None = None, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
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


class UsageError(UserError):
    """Bad command arguments: the reason plus the usage line of the command."""

    def __init__(self, key: str, usage: str, **params: Any) -> None:
        super().__init__(key, **params)
        self.usage = usage


class PermissionDenied(UserError):
    """The invoker may not run this command."""

    def __init__(self, key: str = "core.error.maintainers_only", **params: Any) -> None:
        super().__init__(key, **params)


class FormInvalid(Exception):
    """A submitted form failed validation; maps question ids to catalog keys (shown inline), with each
    key's parameters in ``params`` where it has any."""

    def __init__(self, errors: dict[str, str], params: dict[str, dict[str, Any]] | None = None) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors
        self.params = params or {}
