"""Wiring of /gfi: commands, buttons, listeners and jobs -> service calls."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.triggers.interval import IntervalTrigger
from sqlmodel import Session

from bot.core.cog import Cog, Services
from bot.core.commands import Access, Option, OptionType, action, command
from bot.core.community_events import GitHubLinked, GitHubUnlinked
from bot.core.events import listener
from bot.core.github_events import (
    GitHubActionDone,
    GitHubActionFailed,
    IssueAssigned,
    IssueClosed,
    IssueCommented,
    IssueLabeled,
    IssueOpened,
    IssueRemoved,
    PullRequestMerged,
    PullRequestOpened,
)
from bot.core.invocation import Invocation
from bot.core.messages import Block, Message, Section
from bot.core.moments import Day
from bot.core.refs import UserRef
from cogs.good_first_issues import completions, render
from cogs.good_first_issues.announcements import JOB as ANNOUNCE_JOB
from cogs.good_first_issues.announcements import Announcer
from cogs.good_first_issues.claim_actions import ClaimActions
from cogs.good_first_issues.claims import follow_link
from cogs.good_first_issues.completions import IssueCompletions
from cogs.good_first_issues.digest import board_week, digest_blocks
from cogs.good_first_issues.errors import GfiError, localized_parts
from cogs.good_first_issues.filters import decode_nav, encode_nav, parse_filters
from cogs.good_first_issues.lifecycle import ClaimLifecycle
from cogs.good_first_issues.notices import ACTION_CLAIM, ACTION_RELEASE_OWN, ACTION_STILL, Notices
from cogs.good_first_issues.refusals import member_of as _member
from cogs.good_first_issues.refusals import refusals
from cogs.good_first_issues.reservations import held_issue_ids
from cogs.good_first_issues.service import GfiService, parse_target

log = logging.getLogger(__name__)
REMINDERS_JOB = "claim_reminders"


def _issue_option(provider: str) -> Option:
    """The ``issue`` option (#123, owner/repo#123 or a URL), suggesting issues from ``provider``."""
    return Option("issue", "gfi.option_issue", autocomplete=provider)


class GoodFirstIssuesCog(IssueCompletions, Cog):
    """The good-first-issue board; loaded when ``good_first_issues:`` is in the config."""

    name = "good_first_issues"

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.notices = Notices(services)
        self.service = GfiService(services, self.notices)
        self.claims = ClaimActions(self.service)
        self.lifecycle = ClaimLifecycle(self.service, self.claims)
        self.announcer = Announcer(self.service)

    async def start(self) -> None:
        # Build the board table now rather than on the first /gfi list.
        await self.service.ensure_board()

    # -- jobs --------------------------------------------------------------
    def jobs(self) -> dict[str, Callable[..., Any]]:
        return {ANNOUNCE_JOB: self.announce_job, REMINDERS_JOB: self.reminders_job}

    def default_schedules(self) -> dict[str, tuple[Any, timedelta]]:
        # Fixed start dates keep fire times identical on every instance (the post log keys on them).
        start = datetime(2020, 1, 1, tzinfo=UTC)
        return {
            ANNOUNCE_JOB: (IntervalTrigger(minutes=1, start_date=start, timezone=UTC), timedelta(minutes=30)),
            REMINDERS_JOB: (IntervalTrigger(minutes=15, start_date=start, timezone=UTC), timedelta(hours=2)),
        }

    async def announce_job(self, ctx: Any = None) -> None:
        """Scheduled: post newly labelled issues, batched, once each."""
        await self.announcer.run(getattr(ctx, "channels", None) or None)

    async def reminders_job(self, ctx: Any = None) -> None:
        """Scheduled: reminders, expiries, waitlist offers and GitHub retries."""
        await self.lifecycle.run_reminders()

    def held_issue_ids(self, session: Session, now: datetime) -> set[int]:
        """The ``HeldIssues`` port: claimed issues and those reserved for the next person waiting."""
        return held_issue_ids(session, now)

    async def digest_section(self, start: datetime, end: datetime, locale: str) -> list[Block]:
        week = await self.services.db.run(lambda s: board_week(s, start, end))
        return digest_blocks(lambda key, **p: self.services.catalog.translate(locale, key, **p), week)

    async def home_section(self, member_id: int, locale: str) -> list[Block]:
        board = await self.service.home(member_id)
        info = await self.services.db.run(lambda s: self.services.members.info(s, member_id))
        zone = (info.timezone if info else None) or self.services.config.project.timezone
        return render.home_blocks(
            lambda key, **p: self.services.catalog.translate(locale, key, reader_zone=zone, **p), board
        )

    # -- the board ---------------------------------------------------------
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
        repo_ids = await self.services.db.run(lambda s: _repo_ids_by_name(s))
        msg = render.board_page(
            inv.t, result, self.services.clock.now(), lambda p: encode_nav(rules, repo_ids, flt, p)
        )
        await inv.reply(msg)

    @action(render.ACTION_PAGE)
    @refusals
    async def page_button(self, inv: Invocation) -> None:
        rules = self.service.rules
        names = await self.services.db.run(lambda s: {v: k for k, v in _repo_ids_by_name(s).items()})
        flt, number = decode_nav(rules, names, inv.value)
        await self._show_page(inv, flt, number)

    @command("gfi show", "gfi.show.description", _issue_option(completions.ANY_ISSUE))
    @refusals
    async def show(self, inv: Invocation, issue: str) -> None:
        details = await self.service.details(parse_target(issue))
        await inv.reply(render.details(inv.t, details, self.services.clock.now()))

    # -- claims ------------------------------------------------------------
    @command("gfi claim", "gfi.claim.description", _issue_option(completions.OPEN_ISSUES))
    @refusals
    async def claim(self, inv: Invocation, issue: str) -> None:
        await self._claim(inv, parse_target(issue))

    @action(ACTION_CLAIM)
    @refusals
    async def claim_button(self, inv: Invocation) -> None:
        if not inv.value.isdigit():
            raise GfiError("gfi.error.claim_gone")
        await self._claim(inv, int(inv.value))

    async def _claim(self, inv: Invocation, target: Any) -> None:
        result = await self.claims.claim(_member(inv), target)
        parts = functools.partial(localized_parts, inv.t)
        await inv.reply(
            render.claimed(inv.t, result, lambda key, outside, **p: parts(key, p, outside)), ephemeral=True
        )

    @command("gfi unclaim", "gfi.unclaim.description", _issue_option(completions.MY_ISSUES))
    @refusals
    async def unclaim(self, inv: Invocation, issue: str) -> None:
        ref, outcome = await self.claims.unclaim(_member(inv), parse_target(issue))
        await inv.reply(
            Message([Section(*localized_parts(inv.t, f"gfi.unclaim.{outcome}", {}, {"ref": ref}))])
        )

    @command("gfi waitlist", "gfi.waitlist.description", _issue_option(completions.CLAIMED_ISSUES))
    @refusals
    async def waitlist(self, inv: Invocation, issue: str) -> None:
        await self._wait(inv, parse_target(issue))

    @action(render.ACTION_WAIT)
    @refusals
    async def wait_button(self, inv: Invocation) -> None:
        if not inv.value.isdigit():
            raise GfiError("gfi.error.claim_gone")
        await self._wait(inv, int(inv.value))

    async def _wait(self, inv: Invocation, target: Any) -> None:
        ref, position = await self.claims.join_waitlist(_member(inv), target)
        text = localized_parts(inv.t, "gfi.waitlist.joined", {"position": position}, {"ref": ref})
        await inv.reply(Message([Section(*text)]), ephemeral=True)

    @command("gfi mine", "gfi.mine.description")
    @refusals
    async def mine(self, inv: Invocation) -> None:
        claims = await self.service.mine(_member(inv))
        await inv.reply(render.mine(inv.t, claims, self.services.clock.now()))

    @action(ACTION_STILL)
    @refusals
    async def still_working(self, inv: Invocation) -> None:
        if not inv.value.isdigit():
            raise GfiError("gfi.error.claim_gone")
        claim = await self.claims.still_working(_member(inv), int(inv.value))
        text = localized_parts(
            inv.t, "gfi.remind.extended", {"until": Day(claim.expires_at)}, {"ref": claim.ref}
        )
        await inv.reply(Message([Section(*text)]), ephemeral=True)

    @action(ACTION_RELEASE_OWN)
    @refusals
    async def release_mine(self, inv: Invocation) -> None:
        if not inv.value.isdigit():
            raise GfiError("gfi.error.claim_gone")
        ref = await self.claims.release_own(_member(inv), int(inv.value))
        await inv.reply(
            Message([Section(*localized_parts(inv.t, "gfi.unclaim.unclaimed", {}, {"ref": ref}))])
        )

    # -- maintainers -------------------------------------------------------
    @command(
        "gfi release",
        "gfi.release.description",
        _issue_option(completions.CLAIMED_ISSUES),
        access=Access.MAINTAINERS,
    )
    @refusals
    async def release(self, inv: Invocation, issue: str) -> None:
        ref, _ = await self.claims.release(parse_target(issue))
        await inv.reply(Message([Section(*localized_parts(inv.t, "gfi.release.done", {}, {"ref": ref}))]))

    @command(
        "gfi assign",
        "gfi.assign.description",
        _issue_option(completions.OPEN_ISSUES),
        Option("user", "gfi.assign.option_user", type=OptionType.USER),
        access=Access.MAINTAINERS,
    )
    @refusals
    async def assign(self, inv: Invocation, issue: str, user: UserRef) -> None:
        target = parse_target(issue)
        now = self.services.clock.now()
        member_id, name = await self.services.db.run(
            lambda s: self.services.people.member(s, inv.platform, user, now)
        )
        result = await self.claims.claim(member_id, target, assigned_by=_member(inv))
        text = localized_parts(inv.t, "gfi.assign.done", {}, {"ref": result.ref, "name": name})
        await inv.reply(Message([Section(*text)]))
        await self.notices.dm_assigned(member_id, result.ref, result.title, result.url)

    @command("gfi stats", "gfi.stats.description", access=Access.MAINTAINERS)
    @refusals
    async def stats(self, inv: Invocation) -> None:
        await inv.reply(render.stats(inv.t, await self.service.stats()))

    # -- account links (made by /steward link) -----------------------------
    @listener(GitHubLinked)
    async def on_linked(self, ev: GitHubLinked) -> None:
        await self.services.db.run(lambda s: follow_link(s, ev.member_id, ev.login))

    @listener(GitHubUnlinked)
    async def on_unlinked(self, ev: GitHubUnlinked) -> None:
        await self.services.db.run(lambda s: follow_link(s, ev.member_id, None))

    # -- GitHub events -----------------------------------------------------
    @listener(IssueLabeled)
    async def on_labeled(self, ev: IssueLabeled) -> None:
        labels = self.service.rules.repo_labels.get(ev.repo.lower(), frozenset())
        if not ev.is_pull_request and ev.label.casefold() in labels:
            await self.announcer.queue(ev.repo, ev.number, ev.at)

    @listener(IssueOpened)
    async def on_opened(self, ev: IssueOpened) -> None:
        labels = self.service.rules.repo_labels.get(ev.repo.lower(), frozenset())
        if not ev.is_pull_request and any(label.casefold() in labels for label in ev.labels):
            await self.announcer.queue(ev.repo, ev.number, ev.at)

    @listener(IssueClosed)
    async def on_closed(self, ev: IssueClosed) -> None:
        await self.lifecycle.on_closed(ev)

    @listener(IssueRemoved)
    async def on_removed(self, ev: IssueRemoved) -> None:
        await self.lifecycle.on_removed(ev)

    @listener(IssueAssigned)
    async def on_assigned(self, ev: IssueAssigned) -> None:
        await self.lifecycle.on_assigned(ev)

    @listener(IssueCommented)
    async def on_commented(self, ev: IssueCommented) -> None:
        await self.lifecycle.on_commented(ev)

    @listener(PullRequestOpened)
    async def on_pr_opened(self, ev: PullRequestOpened) -> None:
        await self.lifecycle.on_pr_opened(ev)

    @listener(PullRequestMerged)
    async def on_merged(self, ev: PullRequestMerged) -> None:
        await self.lifecycle.on_merged(ev)

    @listener(GitHubActionDone)
    async def on_action_done(self, ev: GitHubActionDone) -> None:
        await self.lifecycle.on_action_done(ev)

    @listener(GitHubActionFailed)
    async def on_action_failed(self, ev: GitHubActionFailed) -> None:
        await self.lifecycle.on_action_failed(ev)


def _repo_ids_by_name(session: Any) -> dict[str, int]:
    from sqlmodel import select

    from bot.db.models import Repo

    return {
        name.lower(): rid
        for rid, name in session.exec(select(Repo.id, Repo.full_name)).all()
        if rid is not None
    }
