"""Errors that carry a message meant for the person who ran a command."""

from __future__ import annotations

from typing import Any


class UserError(Exception):
    """A failure the invoker should read: a catalog key plus its parameters, shown ephemerally."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


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
    """A submitted form failed validation; maps question ids to catalog keys (shown inline)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors
