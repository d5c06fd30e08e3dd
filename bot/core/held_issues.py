"""A read port: issues some feature holds for a person, so other features do not offer them.

The good-first-issue board implements it (an active claim, or a waitlist offer still running);
onboarding asks it before suggesting issues to a newcomer. A feature that is not loaded holds
nothing, so onboarding works the same with the board disabled, only without that filter.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol, runtime_checkable

from sqlmodel import Session


@runtime_checkable
class HeldIssues(Protocol):
    """Implemented by a cog that holds issues for people."""

    def held_issue_ids(self, session: Session, now: datetime) -> set[int]:
        """Ids of tracked issues held for someone at ``now``, read in the caller's transaction."""
        ...


def held_issue_ids(providers: Iterable[object], session: Session, now: datetime) -> set[int]:
    """The issues any of ``providers`` (the loaded cogs) holds; empty when none implements the port."""
    held: set[int] = set()
    for provider in providers:
        if isinstance(provider, HeldIssues):
            held |= provider.held_issue_ids(session, now)
    return held
