"""What can go wrong talking to GitHub, as the rest of the bot sees it."""

from __future__ import annotations

from datetime import datetime

from bot.core.github_port import GitHubBusy

PERMANENT_STATUSES = frozenset({400, 401, 403, 404, 410, 422})


class GitHubError(Exception):
    """GitHub refused or failed a request; `permanent` says whether retrying can help."""

    def __init__(self, status: int, message: str, *, retry_at: datetime | None = None) -> None:
        super().__init__(f"GitHub {status or 'unreachable'}: {message}")
        self.status = status
        self.message = message
        self.retry_at = retry_at

    @property
    def permanent(self) -> bool:
        return self.status in PERMANENT_STATUSES


class RateLimited(GitHubError, GitHubBusy):
    """The primary budget is spent (or a secondary limit asks for a long wait); retry at `retry_at`."""

    @property
    def permanent(self) -> bool:
        return False


class GitHubUnavailable(GitHubError):
    """5xx or network failure after the retries; `ambiguous` when a write may have happened anyway."""

    def __init__(self, status: int, message: str, *, ambiguous: bool = False) -> None:
        super().__init__(status, message)
        self.ambiguous = ambiguous

    @property
    def permanent(self) -> bool:
        return False


class GitHubAuthError(GitHubError):
    """GitHub refused our credentials (token, App JWT or installation); the message says what to fix.

    Not permanent: queued writes wait (with backoff) until the operator fixes the configuration.
    """

    @property
    def permanent(self) -> bool:
        return False


__all__ = ["GitHubAuthError", "GitHubError", "GitHubUnavailable", "RateLimited"]
