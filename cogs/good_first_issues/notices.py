"""What the board tells people outside a command: DMs (reminders, offers, releases, thanks) and the
GitHub comments it posts, each in the right language."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.core.cog import Services
from bot.core.messages import Button, Buttons, ButtonStyle, Link, Message, Plain, Section
from bot.i18n import Reader
from cogs.good_first_issues.board import BoardRules
from cogs.good_first_issues.config import GoodFirstIssuesConfig
from cogs.good_first_issues.errors import localized_parts

if TYPE_CHECKING:
    from cogs.good_first_issues.claim_endings import Ended

ACTION_CLAIM = "gfi_claim"
ACTION_STILL = "gfi_still_working"
ACTION_RELEASE_OWN = "gfi_release_mine"


def issue_link(ref: str, title: str, url: str | None) -> Any:
    label = Plain(f"{ref} {title}")
    return Link(url, label) if url else label


class Notices:
    """Sends the board's DMs and writes its GitHub comments."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def t(self, reader: Reader, key: str, **params: Any) -> str:
        return self.services.catalog.for_reader(reader)(key, **params)

    async def _dm(self, member_id: int, build: Any) -> bool:
        reader = await self.services.reader_of(member_id)
        return await self.services.poster.dm_member(member_id, build(reader))

    async def dm_reminder(
        self, member_id: int, claim_id: int, ref: str, title: str, url: str | None, expires_at: datetime
    ) -> bool:
        def build(loc: Reader) -> Message:
            msg = Message([Section(*self._parts(loc, "gfi.remind.text", {"ref": ref}, until=expires_at))])
            msg.add(Section(issue_link(ref, title, url)))
            msg.add(
                Buttons(
                    (
                        Button(
                            self.t(loc, "gfi.remind.still_working"),
                            ACTION_STILL,
                            str(claim_id),
                            ButtonStyle.PRIMARY,
                        ),
                        Button(
                            self.t(loc, "gfi.remind.release"),
                            ACTION_RELEASE_OWN,
                            str(claim_id),
                            ButtonStyle.DANGER,
                        ),
                    )
                )
            )
            msg.summary = self.t(loc, "gfi.remind.summary")
            return msg

        return await self._dm(member_id, build)

    async def dm_released(self, ended: Ended, by_maintainer: bool = False) -> bool:
        key = "gfi.notice.released_by_maintainer" if by_maintainer else "gfi.notice.expired"
        return await self._dm(
            ended.member_id,
            lambda loc: Message([Section(*self._parts(loc, key, {"ref": ended.ref}))]),
        )

    async def dm_offer(
        self, member_id: int, issue_id: int, ref: str, title: str, url: str | None, until: datetime
    ) -> bool:
        def build(loc: Reader) -> Message:
            msg = Message([Section(*self._parts(loc, "gfi.notice.offer", {"ref": ref}, until=until))])
            msg.add(Section(issue_link(ref, title, url)))
            shown = BoardRules.from_config(self.services.config).short_ref(ref)
            label = self.t(loc, "gfi.button.claim", ref=shown)
            msg.add(Buttons((Button(label, ACTION_CLAIM, str(issue_id), ButtonStyle.PRIMARY),)))
            return msg

        return await self._dm(member_id, build)

    async def dm_assigned(self, member_id: int, ref: str, title: str, url: str | None) -> bool:
        def build(loc: Reader) -> Message:
            msg = Message([Section(*self._parts(loc, "gfi.notice.assigned", {"ref": ref}))])
            return msg.add(Section(issue_link(ref, title, url)))

        return await self._dm(member_id, build)

    async def dm_thanks(self, ended: Ended) -> bool:
        return await self._dm(
            ended.member_id,
            lambda loc: Message([Section(*self._parts(loc, "gfi.notice.thanks", {"ref": ended.ref}))]),
        )

    async def dm_assign_refused(self, member_id: int, ref: str) -> bool:
        return await self._dm(
            member_id,
            lambda loc: Message([Section(*self._parts(loc, "gfi.notice.assign_refused", {"ref": ref}))]),
        )

    async def dm_github_failed(
        self, member_id: int, key: str, ref: str, reason: str, until: datetime
    ) -> bool:
        """A GitHub write for their claim failed for good: what failed, why, and what to do now."""

        def build(loc: Reader) -> Message:
            why_key = f"gfi.notice.github_reason.{reason}"
            if not self.services.catalog.has(why_key):
                why_key = "gfi.notice.github_reason.other"
            text = self._parts(loc, key, {"ref": ref}, reason=self.t(loc, why_key), until=until)
            msg = Message([Section(*text)])
            msg.summary = self.t(loc, "gfi.notice.github_failed.summary")
            return msg

        return await self._dm(member_id, build)

    def github_comment(self, kind: str, login: str, name: str) -> str:
        """The comment posted on GitHub, in the project's language (config template when given)."""
        config = self.services.config
        reader = self.services.project_reader()
        locale = reader.locale
        gfi = config.section(GoodFirstIssuesConfig)
        template = None
        if gfi is not None:
            template = gfi.claim_comment if kind == "claim" else gfi.assign_refused_comment
        if template is not None:
            return template.get(locale).replace("{login}", login).replace("{name}", name)
        return self.t(reader, f"gfi.github.{kind}_comment", login=login, name=name)

    def _parts(self, loc: Reader, key: str, outside: dict[str, str], **params: Any) -> tuple[Any, ...]:
        return localized_parts(lambda k, **p: self.t(loc, k, **p), key, params, outside)
