"""Wiring of `/steward link`: a one-time code in the bio or a gist, or GitHub's device-flow sign-in."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from bot.core.commands import Option, action, command
from bot.core.github_port import GitHubBusy
from bot.core.invocation import Invocation
from bot.core.messages import Button, Buttons, ButtonStyle, Code, Message, Section
from cogs.good_first_issues.device_link import DeviceLinks, Outcome
from cogs.good_first_issues.errors import GfiError, busy, localized_parts
from cogs.good_first_issues.linking import (
    check_login,
    complete_link,
    pending_code,
    proof_found,
    start_link,
    taken_by_other,
    unlink,
    verified_login,
)
from cogs.good_first_issues.refusals import member_of, refusals

if TYPE_CHECKING:
    from bot.core.cog import Services
    from cogs.good_first_issues.notices import Notices
    from cogs.good_first_issues.service import GfiService

log = logging.getLogger(__name__)
ACTION_LINK_CHECK = "gfi_link_check"
ACTION_LINK_DEVICE_DONE = "gfi_link_device_done"
ACTION_LINK_BY_BIO = "gfi_link_by_bio"


class AccountLinkCommands:
    """Mixed into the cog: `/steward link github|check` and `/steward unlink`."""

    services: Services
    service: GfiService
    notices: Notices
    device_links: DeviceLinks

    @command(
        "steward link github",
        "gfi.link.description",
        Option("login", "gfi.link.option_login", required=False),
    )
    @refusals
    async def link_github(self, inv: Invocation, login: str | None) -> None:
        github = self.services.github
        if github is None:
            raise GfiError("gfi.link.no_github")
        wanted = check_login(login) if login else None
        member_id = member_of(inv)
        current = await self.services.db.run(lambda s: verified_login(s, member_id))
        if wanted is not None and current is not None and current.lower() == wanted.lower():
            raise GfiError("gfi.link.already", outside={"login": current})
        if github.device_flow_enabled():
            await self._start_device_flow(inv, wanted)
        elif wanted is None:
            raise GfiError("gfi.link.need_login")
        else:
            await self._start_bio_proof(inv, wanted)

    async def _start_device_flow(self, inv: Invocation, wanted: str | None) -> None:
        member_id = member_of(inv)
        if wanted is not None and await self.services.db.run(lambda s: taken_by_other(s, member_id, wanted)):
            raise GfiError("gfi.link.taken", outside={"login": wanted})
        flow = await self.device_links.start(member_id, wanted)
        minutes = max(1, flow.code.expires_in // 60)
        uri = flow.code.verification_uri
        if wanted is None:
            intro = localized_parts(
                inv.t, "gfi.link.device_any", {"minutes": minutes, "count": minutes}, {"uri": uri}
            )
        else:
            intro = localized_parts(
                inv.t,
                "gfi.link.device",
                {"minutes": minutes, "count": minutes},
                {"uri": uri, "login": wanted},
            )
        buttons = [Button(inv.t("gfi.link.device_button"), ACTION_LINK_DEVICE_DONE, "", ButtonStyle.PRIMARY)]
        if wanted is not None:
            buttons.append(Button(inv.t("gfi.link.bio_button"), ACTION_LINK_BY_BIO, wanted))
        msg = Message([Section(*intro), Section(Code(flow.code.user_code)), Buttons(tuple(buttons))])
        await inv.reply(msg, ephemeral=True)

    @action(ACTION_LINK_BY_BIO)
    @refusals
    async def link_by_bio(self, inv: Invocation) -> None:
        """The alternative to signing in: a one-time code in the bio or a public gist."""
        await self.device_links.cancel(member_of(inv))
        await self._start_bio_proof(inv, check_login(inv.value))

    async def _start_bio_proof(self, inv: Invocation, login: str) -> None:
        github = self.services.github
        assert github is not None
        member_id, now = member_of(inv), self.services.clock.now()
        try:
            bio = await github.user_bio(login)
        except GitHubBusy as exc:
            raise busy(exc, now) from None
        except Exception:
            log.exception("GitHub user lookup for %s failed", login)
            raise GfiError("gfi.link.unreachable") from None
        if bio is None:
            raise GfiError("gfi.link.no_such_user", outside={"login": login})
        lifetime = self.service.config.link_code_lifetime
        row = await self.services.db.run(lambda s: start_link(s, member_id, login, now, lifetime))
        minutes = int(lifetime.total_seconds() // 60)
        msg = Message(
            [
                Section(
                    *localized_parts(
                        inv.t,
                        "gfi.link.instructions",
                        {"minutes": minutes, "count": minutes},
                        {"login": login},
                    )
                ),
                Section(Code(row.code)),
                Buttons(
                    (Button(inv.t("gfi.link.check_button"), ACTION_LINK_CHECK, "", ButtonStyle.PRIMARY),)
                ),
            ]
        )
        await inv.reply(msg, ephemeral=True)

    @action(ACTION_LINK_DEVICE_DONE)
    @refusals
    async def link_device_done(self, inv: Invocation) -> None:
        flow, outcome = await self.device_links.check(member_of(inv))
        if outcome is None:
            text = localized_parts(inv.t, "gfi.link.device_waiting", {}, {"uri": flow.code.verification_uri})
            await inv.reply(Message([Section(*text)]), ephemeral=True)
            return
        await inv.reply(self._outcome_message(inv.t, outcome), ephemeral=True)

    def _outcome_message(self, translate: Any, outcome: Outcome) -> Message:
        return Message([Section(*localized_parts(translate, outcome.key, {}, outcome.outside))])

    async def notify_device_link(self, member_id: int, outcome: Outcome) -> None:
        """The poll loop ended the sign-in: tell the person by DM, in their language."""
        reader = await self.notices.reader_of(member_id)
        msg = self._outcome_message(lambda key, **p: self.notices.t(reader, key, **p), outcome)
        await self.services.poster.dm_member(member_id, msg)

    @command("steward link check", "gfi.link.check_description")
    @refusals
    async def link_check(self, inv: Invocation) -> None:
        await self._check_link(inv)

    @action(ACTION_LINK_CHECK)
    @refusals
    async def link_check_button(self, inv: Invocation) -> None:
        await self._check_link(inv)

    async def _check_link(self, inv: Invocation) -> None:
        github = self.services.github
        if github is None:
            raise GfiError("gfi.link.no_github")
        member_id, now = member_of(inv), self.services.clock.now()
        row = await self.services.db.run(lambda s: pending_code(s, member_id, now))
        if row is None:
            raise GfiError("gfi.link.no_pending")
        login, code = row.login, row.code
        try:
            found = await proof_found(github, login, code)
        except GitHubBusy as exc:
            raise busy(exc, now) from None
        except Exception:
            log.exception("checking the link proof of %s failed", login)
            raise GfiError("gfi.link.unreachable") from None
        if found is None:
            raise GfiError("gfi.link.no_such_user", outside={"login": login})
        if not found:
            raise GfiError("gfi.link.not_found", outside={"login": login, "code": code})
        await self.services.db.run(lambda s: complete_link(s, member_id, login, now))
        await inv.reply(Message([Section(*localized_parts(inv.t, "gfi.link.done", {}, {"login": login}))]))

    @command("steward unlink", "gfi.unlink.description")
    @refusals
    async def unlink(self, inv: Invocation) -> None:
        member_id = member_of(inv)
        await self.device_links.cancel(member_id)
        login = await self.services.db.run(lambda s: unlink(s, member_id))
        if login is None:
            raise GfiError("gfi.unlink.nothing")
        await inv.reply(Message([Section(*localized_parts(inv.t, "gfi.unlink.done", {}, {"login": login}))]))
