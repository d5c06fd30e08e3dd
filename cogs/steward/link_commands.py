"""Wiring of `/steward link`: a one-time code in the bio or a gist, or GitHub's device-flow sign-in.

Linking belongs to the member features, not to any one feature: onboarding steps complete on it and
the good-first-issue board assigns linked people on GitHub. Both learn of a link from the
``GitHubLinked`` / ``GitHubUnlinked`` events published here.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from bot.core.cog import Services
from bot.core.commands import Option, action, command
from bot.core.community_events import GitHubLinked, GitHubUnlinked
from bot.core.errors import UserError, localized_parts
from bot.core.github_port import GitHubBusy, GitHubPort
from bot.core.invocation import Invocation
from bot.core.messages import Button, Buttons, ButtonStyle, Code, Message, Section
from cogs.steward.device_link import DeviceLinks, Outcome
from cogs.steward.linking import (
    busy,
    check_login,
    complete_link,
    pending_code,
    proof_found,
    start_link,
    taken_by_other,
    unlink,
    verified_login,
)

log = logging.getLogger(__name__)
# The button names keep their old prefix: buttons already posted in chat still carry them.
ACTION_LINK_CHECK = "gfi_link_check"
ACTION_LINK_DEVICE_DONE = "gfi_link_device_done"
ACTION_LINK_BY_BIO = "gfi_link_by_bio"
# The code lifetime without a github section (linking then answers that GitHub is not connected).
DEFAULT_CODE_LIFETIME = timedelta(hours=1)


def _member(inv: Invocation) -> int:
    assert inv.actor.member_id is not None  # dispatch resolves the member before any command runs
    return inv.actor.member_id


class AccountLinks:
    """`/steward link github|check` and `/steward unlink`, and the device-flow sign-ins they start."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.device_links = DeviceLinks(services, self.notify_device_link)

    def _github(self) -> GitHubPort:
        github = self.services.github
        if github is None:
            raise UserError("steward.link.no_github")
        return github

    def _code_lifetime(self) -> timedelta:
        github = self.services.config.github
        return github.link_code_lifetime if github is not None else DEFAULT_CODE_LIFETIME

    @command(
        "steward link github",
        "steward.link.description",
        Option("login", "steward.link.option_login", required=False),
    )
    async def link_github(self, inv: Invocation, login: str | None) -> None:
        github = self._github()
        wanted = check_login(login) if login else None
        member_id = _member(inv)
        current = await self.services.db.run(lambda s: verified_login(s, member_id))
        if wanted is not None and current is not None and current.lower() == wanted.lower():
            raise UserError("steward.link.already", outside={"login": current})
        if github.device_flow_enabled():
            await self._start_device_flow(inv, wanted)
        elif wanted is None:
            raise UserError("steward.link.need_login")
        else:
            await self._start_bio_proof(inv, wanted)

    async def _start_device_flow(self, inv: Invocation, wanted: str | None) -> None:
        member_id = _member(inv)
        if wanted is not None and await self.services.db.run(lambda s: taken_by_other(s, member_id, wanted)):
            raise UserError("steward.link.taken", outside={"login": wanted})
        flow = await self.device_links.start(member_id, wanted)
        minutes = max(1, flow.code.expires_in // 60)
        uri = flow.code.verification_uri
        if wanted is None:
            intro = localized_parts(
                inv.t, "steward.link.device_any", {"minutes": minutes, "count": minutes}, {"uri": uri}
            )
        else:
            intro = localized_parts(
                inv.t,
                "steward.link.device",
                {"minutes": minutes, "count": minutes},
                {"uri": uri, "login": wanted},
            )
        buttons = [
            Button(inv.t("steward.link.device_button"), ACTION_LINK_DEVICE_DONE, "", ButtonStyle.PRIMARY)
        ]
        if wanted is not None:
            buttons.append(Button(inv.t("steward.link.bio_button"), ACTION_LINK_BY_BIO, wanted))
        msg = Message([Section(*intro), Section(Code(flow.code.user_code)), Buttons(tuple(buttons))])
        await inv.reply(msg, ephemeral=True)

    @action(ACTION_LINK_BY_BIO)
    async def link_by_bio(self, inv: Invocation) -> None:
        """The alternative to signing in: a one-time code in the bio or a public gist."""
        await self.device_links.cancel(_member(inv))
        await self._start_bio_proof(inv, check_login(inv.value))

    async def _start_bio_proof(self, inv: Invocation, login: str) -> None:
        github = self._github()
        member_id, now = _member(inv), self.services.clock.now()
        try:
            bio = await github.user_bio(login)
        except GitHubBusy as exc:
            raise busy(exc, now) from None
        except Exception:
            log.exception("GitHub user lookup for %s failed", login)
            raise UserError("steward.link.unreachable") from None
        if bio is None:
            raise UserError("steward.link.no_such_user", outside={"login": login})
        lifetime = self._code_lifetime()
        row = await self.services.db.run(lambda s: start_link(s, member_id, login, now, lifetime))
        minutes = int(lifetime.total_seconds() // 60)
        instructions = localized_parts(
            inv.t, "steward.link.instructions", {"minutes": minutes, "count": minutes}, {"login": login}
        )
        check = Button(inv.t("steward.link.check_button"), ACTION_LINK_CHECK, "", ButtonStyle.PRIMARY)
        msg = Message([Section(*instructions), Section(Code(row.code)), Buttons((check,))])
        await inv.reply(msg, ephemeral=True)

    @action(ACTION_LINK_DEVICE_DONE)
    async def link_device_done(self, inv: Invocation) -> None:
        member_id = _member(inv)
        try:
            flow, outcome = await self.device_links.check(member_id)
        except UserError:
            await self._linked_already(member_id)
            raise
        if outcome is None:
            text = localized_parts(
                inv.t, "steward.link.device_waiting", {}, {"uri": flow.code.verification_uri}
            )
            await inv.reply(Message([Section(*text)]), ephemeral=True)
            return
        await inv.reply(_outcome_message(inv.t, outcome), ephemeral=True)

    async def notify_device_link(self, member_id: int, outcome: Outcome) -> None:
        """The poll loop ended the sign-in: tell the person by DM, in their language."""
        translate = self.services.catalog.for_reader(await self.services.reader_of(member_id))
        await self.services.poster.dm_member(member_id, _outcome_message(translate, outcome))

    @command("steward link check", "steward.link.check_description")
    async def link_check(self, inv: Invocation) -> None:
        await self._check_link(inv)

    @action(ACTION_LINK_CHECK)
    async def link_check_button(self, inv: Invocation) -> None:
        await self._check_link(inv)

    async def _check_link(self, inv: Invocation) -> None:
        github = self._github()
        member_id, now = _member(inv), self.services.clock.now()
        row = await self.services.db.run(lambda s: pending_code(s, member_id, now))
        if row is None:
            await self._linked_already(member_id)
            raise UserError("steward.link.no_pending")
        login, code = row.login, row.code
        try:
            found = await proof_found(github, login, code)
        except GitHubBusy as exc:
            raise busy(exc, now) from None
        except Exception:
            log.exception("checking the link proof of %s failed", login)
            raise UserError("steward.link.unreachable") from None
        if found is None:
            raise UserError("steward.link.no_such_user", outside={"login": login})
        if not found:
            raise UserError("steward.link.not_found", outside={"login": login, "code": code})
        await self.services.db.run(lambda s: complete_link(s, member_id, login, now))
        await self.services.bus.publish(GitHubLinked(member_id, login))
        done = localized_parts(inv.t, "steward.link.done", {}, {"login": login})
        await inv.reply(Message([Section(*done)]))

    async def _linked_already(self, member_id: int) -> None:
        """Nothing is pending: a button pressed again after the link was made says so, rather than
        asking the person to start over."""
        current = await self.services.db.run(lambda s: verified_login(s, member_id))
        if current is not None:
            raise UserError("steward.link.already", outside={"login": current})

    @command("steward unlink", "steward.unlink.description")
    async def unlink(self, inv: Invocation) -> None:
        member_id = _member(inv)
        await self.device_links.cancel(member_id)
        login = await self.services.db.run(lambda s: unlink(s, member_id))
        if login is None:
            raise UserError("steward.unlink.nothing")
        await self.services.bus.publish(GitHubUnlinked(member_id, login))
        await inv.reply(
            Message([Section(*localized_parts(inv.t, "steward.unlink.done", {}, {"login": login}))])
        )


def _outcome_message(translate: Any, outcome: Outcome) -> Message:
    return Message([Section(*localized_parts(translate, outcome.key, {}, outcome.outside))])
