"""Autocomplete providers of the /gfi options (Discord asks them as people type)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlmodel import Session

from bot.core.commands import Choice, autocomplete
from bot.core.invocation import Invocation
from cogs.good_first_issues.board import BoardRules
from cogs.good_first_issues.suggestions import (
    IssueSuggestion,
    any_issues,
    board_issues,
    claimed_issues,
    issue_label,
    member_issues,
    named,
)

if TYPE_CHECKING:
    from bot.db.database import Database
    from cogs.good_first_issues.service import GfiService

REPOS = "gfi_repos"
AREAS = "gfi_areas"
DIFFICULTIES = "gfi_difficulties"
OPEN_ISSUES = "gfi_open_issues"  # on the board: what /gfi claim and /gfi assign take
CLAIMED_ISSUES = "gfi_claimed_issues"  # claimed now: what /gfi waitlist and /gfi release take
ANY_ISSUE = "gfi_any_issue"  # on the board or claimed: /gfi show
MY_ISSUES = "gfi_my_issues"  # the invoker's claims and waitlist places: /gfi unclaim


def _choices(found: list[IssueSuggestion]) -> list[Choice]:
    # The label is outside text (the title); adapters show it as a literal, never a catalog key.
    return [Choice(s.ref, issue_label(s), short_label=s.ref) for s in found]


class IssueCompletions:
    """Suggestions for the repository, area, difficulty and issue options."""

    def __init__(self, service: GfiService, db: Database) -> None:
        self.service = service
        self.db = db

    async def _issues(self, find: Callable[[Session, BoardRules], list[IssueSuggestion]]) -> list[Choice]:
        await self.service.ensure_board()  # suggestions read the board table, like /gfi list
        rules = self.service.rules
        return _choices(await self.db.run(lambda s: find(s, rules)))

    @autocomplete(REPOS)
    async def complete_repo(self, inv: Invocation, partial: str) -> list[Choice]:
        return [Choice(name) for name in named(self.service.rules.repo_names.values(), partial)]

    @autocomplete(AREAS)
    async def complete_area(self, inv: Invocation, partial: str) -> list[Choice]:
        return [Choice(name) for name in named(self.service.rules.area_names(), partial)]

    @autocomplete(DIFFICULTIES)
    async def complete_difficulty(self, inv: Invocation, partial: str) -> list[Choice]:
        return [Choice(name) for name in named(self.service.rules.difficulty_names(), partial)]

    @autocomplete(OPEN_ISSUES)
    async def complete_open_issue(self, inv: Invocation, partial: str) -> list[Choice]:
        return await self._issues(lambda s, rules: board_issues(s, rules, partial))

    @autocomplete(CLAIMED_ISSUES)
    async def complete_claimed_issue(self, inv: Invocation, partial: str) -> list[Choice]:
        return await self._issues(lambda s, rules: claimed_issues(s, rules, partial))

    @autocomplete(ANY_ISSUE)
    async def complete_any_issue(self, inv: Invocation, partial: str) -> list[Choice]:
        return await self._issues(lambda s, rules: any_issues(s, rules, partial))

    @autocomplete(MY_ISSUES)
    async def complete_my_issue(self, inv: Invocation, partial: str) -> list[Choice]:
        member_id = inv.actor.member_id
        if member_id is None:
            return []
        return await self._issues(lambda s, rules: member_issues(s, rules, member_id, partial))
