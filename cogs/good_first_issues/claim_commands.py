"""/gfi claim, unclaim, waitlist, mine, release and assign, and the buttons that do the same."""

from __future__ import annotations

import functools
from collections.abc import Callable

from bot.core.clock import Clock
from bot.core.commands import Access, Option, OptionType, action, command
from bot.core.invocation import Invocation
from bot.core.messages import Message, Section
from bot.core.people import PersonResolver
from bot.core.refs import UserRef
from bot.db.database import Database
from cogs.good_first_issues import completions, views
from cogs.good_first_issues.board_commands import issue_option
from cogs.good_first_issues.claim_actions import ClaimActions
from cogs.good_first_issues.errors import GfiError, localized_parts
from cogs.good_first_issues.notices import ACTION_CLAIM, ACTION_RELEASE_OWN, ACTION_STILL, Notices
from cogs.good_first_issues.refusals import member_of as _member
from cogs.good_first_issues.refusals import refusals
from cogs.good_first_issues.service import GfiService, Target, parse_target


def _button_issue(inv: Invocation) -> int:
    """The issue (or claim) id a board button carries; an old or forged value is a stale button."""
    if not inv.value.isdigit():
        raise GfiError("gfi.error.claim_gone")
    return int(inv.value)


class ClaimCommands:
    """What people and maintainers do to claims and waitlist places."""

    def __init__(
        self,
        service: GfiService,
        claims: ClaimActions,
        notices: Notices,
        db: Database,
        clock: Clock,
        people: Callable[[], PersonResolver],
    ) -> None:
        self.service = service
        self.claims = claims
        self.notices = notices
        self.db = db
        self.clock = clock
        self.people = people

    @command("gfi claim", "gfi.claim.description", issue_option(completions.OPEN_ISSUES))
    @refusals
    async def claim(self, inv: Invocation, issue: str) -> None:
        await self._claim(inv, parse_target(issue))

    @action(ACTION_CLAIM)
    @refusals
    async def claim_button(self, inv: Invocation) -> None:
        await self._claim(inv, _button_issue(inv))

    async def _claim(self, inv: Invocation, target: Target) -> None:
        result = await self.claims.claim(_member(inv), target)
        parts = functools.partial(localized_parts, inv.t)
        await inv.reply(
            views.claimed(inv.t, result, lambda key, outside, **p: parts(key, p, outside)), ephemeral=True
        )

    @command("gfi unclaim", "gfi.unclaim.description", issue_option(completions.MY_ISSUES))
    @refusals
    async def unclaim(self, inv: Invocation, issue: str) -> None:
        ref, outcome = await self.claims.unclaim(_member(inv), parse_target(issue))
        await inv.reply(
            Message([Section(*localized_parts(inv.t, f"gfi.unclaim.{outcome}", {}, {"ref": ref}))])
        )

    @command("gfi waitlist", "gfi.waitlist.description", issue_option(completions.CLAIMED_ISSUES))
    @refusals
    async def waitlist(self, inv: Invocation, issue: str) -> None:
        await self._wait(inv, parse_target(issue))

    @action(views.ACTION_WAIT)
    @refusals
    async def wait_button(self, inv: Invocation) -> None:
        await self._wait(inv, _button_issue(inv))

    async def _wait(self, inv: Invocation, target: Target) -> None:
        ref, position = await self.claims.join_waitlist(_member(inv), target)
        text = localized_parts(inv.t, "gfi.waitlist.joined", {"position": position}, {"ref": ref})
        await inv.reply(Message([Section(*text)]), ephemeral=True)

    @command("gfi mine", "gfi.mine.description")
    @refusals
    async def mine(self, inv: Invocation) -> None:
        claims = await self.service.mine(_member(inv))
        await inv.reply(views.mine(inv.t, claims, self.clock.now()))

    @action(ACTION_STILL)
    @refusals
    async def still_working(self, inv: Invocation) -> None:
        claim = await self.claims.still_working(_member(inv), _button_issue(inv))
        text = localized_parts(inv.t, "gfi.remind.extended", {"until": claim.expires_at}, {"ref": claim.ref})
        await inv.reply(Message([Section(*text)]), ephemeral=True)

    @action(ACTION_RELEASE_OWN)
    @refusals
    async def release_mine(self, inv: Invocation) -> None:
        ref = await self.claims.release_own(_member(inv), _button_issue(inv))
        await inv.reply(
            Message([Section(*localized_parts(inv.t, "gfi.unclaim.unclaimed", {}, {"ref": ref}))])
        )

    # -- maintainers -------------------------------------------------------
    @command(
        "gfi release",
        "gfi.release.description",
        issue_option(completions.CLAIMED_ISSUES),
        access=Access.MAINTAINERS,
    )
    @refusals
    async def release(self, inv: Invocation, issue: str) -> None:
        ref, _ = await self.claims.release(parse_target(issue))
        await inv.reply(Message([Section(*localized_parts(inv.t, "gfi.release.done", {}, {"ref": ref}))]))

    @command(
        "gfi assign",
        "gfi.assign.description",
        issue_option(completions.OPEN_ISSUES),
        Option("user", "gfi.assign.option_user", type=OptionType.USER),
        access=Access.MAINTAINERS,
    )
    @refusals
    async def assign(self, inv: Invocation, issue: str, user: UserRef) -> None:
        target = parse_target(issue)
        now = self.clock.now()
        member_id, name = await self.db.run(lambda s: self.people().member(s, inv.platform, user, now))
        result = await self.claims.claim(member_id, target, assigned_by=_member(inv))
        text = localized_parts(inv.t, "gfi.assign.done", {}, {"ref": result.ref, "name": name})
        await inv.reply(Message([Section(*text)]))
        await self.notices.dm_assigned(member_id, result.ref, result.title, result.url)
