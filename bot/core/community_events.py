"""Community milestones features publish for one another (e.g. spotlight candidates).

The good-first-issue and onboarding features publish :class:`ContributionCredited` when someone
finishes a good first issue or an onboarding path; the spotlight feature records it as a reason to
propose that person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.core.events import Event

CreditKind = Literal["gfi_done", "path_finished"]


@dataclass(frozen=True)
class ContributionCredited(Event):
    """Someone reached a milestone; at least one of ``member_id`` / ``github_login`` is set."""

    member_id: int | None
    github_login: str | None
    kind: CreditKind
    detail: str  # what was done, e.g. "acme/widgets#12" or the path's title
    at: datetime


@dataclass(frozen=True)
class GitHubLinked(Event):
    """A member's GitHub login was verified (``/steward link github``); onboarding steps may complete."""

    member_id: int
    login: str


@dataclass(frozen=True)
class GitHubUnlinked(Event):
    """A member forgot their GitHub login (``/steward unlink``); features that copied it drop it."""

    member_id: int
    login: str
