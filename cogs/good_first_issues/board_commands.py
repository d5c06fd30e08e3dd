"""/gfi list, show and stats, and the list's page buttons: the read side of the board."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from bot.core.clock import Clock
from bot.core.commands import Access, Option, OptionType, action, command
from bot.core.invocation import Invocation
from bot.db.database import Database
from bot.db.models import Repo
from cogs.good_first_issues import completions, views
from cogs.good_first_issues.errors import GfiError
from cogs.good_first_issues.filters import decode_nav, encode_nav, parse_filters
from cogs.good_first_issues.refusals import refusals
from cogs.good_first_issues.service import GfiService, parse_target


def issue_option(provider: str) -> Option:
    """The ``issue`` option (#123, owner/repo#123 or a URL), suggesting issues from ``provider``."""
    return Option("issue", "gfi.option_issue", autocomplete=provider)


def _repo_ids_by_name(session: Session) -> dict[str, int]:
    return {
        name.lower(): rid
        for rid, name in session.exec(select(Repo.id, Repo.full_name)).all()
        if rid is not None
    }


class BoardCommands:
    """Pages of the board, one issue's details, and the maintainers' numbers."""

    def __init__(self, service: GfiService, db: Database, clock: Clock) -> None:
        self.service = service
        self.db = db
        self.clock = clock

    @command(
        "gfi list",
        "gfi.list.description",
        Option("repo", "gfi.list.option_repo", required=False, autocomplete=completions.REPOS),
        Option("area", "gfi.list.option_area", required=False, autocomplete=completions.AREAS),
        Option(
            "difficulty", "gfi.list.option_difficulty", required=False, autocomplete=completions.DIFFICULTIES
        ),
        Option("page", "gfi.list.option_page", OptionType.INTEGER, required=False, min_value=1),
    )
    @refusals
    async def list(
        self, inv: Invocation, repo: str | None, area: str | None, difficulty: str | None, page: int | None
    ) -> None:
        rules = self.service.rules
        if not rules.repo_labels:
            raise GfiError("gfi.error.no_repos")
        # Typed lines fill options by position ("/gfi list docs" puts docs in repo); parse_filters moves
        # each value to the slot it fits, so the page travels as text like the others.
        flt, number = parse_filters(
            rules, repo=repo, area=area, difficulty=difficulty, page=None if page is None else str(page)
        )
        await self._show_page(inv, flt, number)

    async def _show_page(self, inv: Invocation, flt: Any, number: int) -> None:
        rules = self.service.rules
        result = await self.service.page(flt, number)
        repo_ids = await self.db.run(_repo_ids_by_name)
        msg = views.board_page(inv.t, result, self.clock.now(), lambda p: encode_nav(rules, repo_ids, flt, p))
        await inv.reply(msg)

    @action(views.ACTION_PAGE)
    @refusals
    async def page_button(self, inv: Invocation) -> None:
        rules = self.service.rules
        names = await self.db.run(lambda s: {v: k for k, v in _repo_ids_by_name(s).items()})
        flt, number = decode_nav(rules, names, inv.value)
        await self._show_page(inv, flt, number)

    @command("gfi show", "gfi.show.description", issue_option(completions.ANY_ISSUE))
    @refusals
    async def show(self, inv: Invocation, issue: str) -> None:
        details = await self.service.details(parse_target(issue))
        await inv.reply(views.details(inv.t, details, self.clock.now(), inv.actor.member_id))

    @command("gfi stats", "gfi.stats.description", access=Access.MAINTAINERS)
    @refusals
    async def stats(self, inv: Invocation) -> None:
        await inv.reply(views.stats(inv.t, await self.service.stats()))
