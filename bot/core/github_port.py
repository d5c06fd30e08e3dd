"""What cogs may ask of GitHub. ``bot/github`` implements it; cogs never import PyGithub.

Writes are queued in a durable outbox and retried until they succeed or are clearly impossible;
the outcome arrives later as GitHubActionDone / GitHubActionFailed on the bus. ``dedupe_key``
makes a write idempotent (the same key is queued once).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


class GitHubBusy(Exception):
    """GitHub's request budget is spent: a person's request was not sent and can be retried at
    ``retry_at`` (None when GitHub did not say)."""

    retry_at: datetime | None


@dataclass(frozen=True)
class Contribution:
    """A contributor's history from synced data."""

    login: str
    first_contribution_at: str | None  # ISO timestamp of the first merged PR, if any
    merged_prs: int
    repos: tuple[str, ...]


@dataclass(frozen=True)
class DeviceCode:
    """A started OAuth device flow: the person enters ``user_code`` at ``verification_uri``."""

    device_code: str  # secret to the bot: only ever sent back to GitHub when polling
    user_code: str
    verification_uri: str
    expires_in: int  # seconds
    interval: int  # minimum seconds between polls


@dataclass(frozen=True)
class DevicePoll:
    """One poll of a device flow: ``status`` is pending, slow_down, approved, denied or expired.

    ``login`` is set when approved (the token was used for ``GET /user`` and thrown away);
    ``interval`` is GitHub's new minimum poll interval after a slow_down.
    """

    status: str
    login: str | None = None
    interval: int | None = None


class GitHubPort(Protocol):
    """The GitHub operations features use."""

    async def comment(
        self,
        repo: str,
        number: int,
        body: str,
        *,
        requested_by: int | None = None,
        dedupe_key: str | None = None,
        context: Mapping[str, str] | None = None,
    ) -> int: ...

    async def assign(
        self,
        repo: str,
        number: int,
        login: str,
        *,
        requested_by: int | None = None,
        dedupe_key: str | None = None,
        context: Mapping[str, str] | None = None,
    ) -> int: ...

    async def unassign(
        self,
        repo: str,
        number: int,
        login: str,
        *,
        requested_by: int | None = None,
        dedupe_key: str | None = None,
        context: Mapping[str, str] | None = None,
    ) -> int: ...

    async def add_labels(
        self,
        repo: str,
        number: int,
        labels: list[str],
        *,
        requested_by: int | None = None,
        dedupe_key: str | None = None,
        context: Mapping[str, str] | None = None,
    ) -> int: ...

    def is_bot(self, login: str) -> bool: ...

    async def is_maintainer(self, login: str, repo: str | None = None) -> bool: ...

    async def contribution(self, login: str) -> Contribution: ...

    async def user_bio(self, login: str) -> str | None:
        """The public profile bio (for account-link proofs); None when the user does not exist."""
        ...

    async def public_gist_texts(self, login: str, limit: int = 10) -> list[str]: ...

    def device_flow_enabled(self) -> bool:
        """True when an OAuth app client id is configured (people may link by signing in on GitHub)."""
        ...

    async def start_device_flow(self) -> DeviceCode: ...

    async def poll_device_flow(self, device_code: str) -> DevicePoll: ...
