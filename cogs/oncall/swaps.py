"""The swap commands and buttons of /oncall: offer a shift, take or accept it, withdraw the offer."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.clock import Clock
from bot.core.commands import Option, OptionType, action, command
from bot.core.errors import PermissionDenied, UserError
from bot.core.invocation import Invocation
from bot.core.messages import Button, Buttons, ButtonStyle, Message, Plain, Section
from bot.core.posting import Poster
from bot.core.refs import UserRef
from bot.db.database import Database
from cogs.oncall.config import OncallConfig
from cogs.oncall.home import HomeNotifier
from cogs.oncall.rotation_people import RotationPeople
from cogs.oncall.service import Schedule, parse_day
from cogs.oncall.shiftlife import channel_of
from cogs.oncall.swap_book import SwapBook
from cogs.oncall.views import when


class SwapCommands:
    """/oncall swap and the Take/Accept/Withdraw buttons."""

    def __init__(
        self,
        schedule: Schedule,
        people: RotationPeople,
        swaps: SwapBook,
        config: Callable[[], OncallConfig],
        db: Database,
        clock: Clock,
        poster: Poster,
        homes: HomeNotifier,
        project_t: Callable[..., str],
    ) -> None:
        self.schedule = schedule
        self.people = people
        self.swaps = swaps
        self.config = config
        self.db = db
        self.clock = clock
        self.poster = poster
        self.homes = homes
        self.project_t = project_t  # translates into the project's language, for channel posts

    @command(
        "oncall swap",
        "oncall.swap.description",
        Option("date", "oncall.option.date"),
        Option("member", "oncall.option.member", OptionType.USER, required=False),
        Option("force", "oncall.option.force", OptionType.BOOLEAN, required=False),
    )
    async def swap(
        self, inv: Invocation, date: str, member: UserRef | None = None, force: bool | None = None
    ) -> None:
        now = self.clock.now()
        day = parse_day(date)
        tz = self.schedule.viewer_tz(inv.actor)
        if force and not inv.actor.is_maintainer:
            raise PermissionDenied("oncall.error.force_maintainers")
        if force and member is None:
            raise UserError("oncall.error.force_needs_member")

        def create(session):  # type: ignore[no-untyped-def]
            shift, ref = self.swaps.find_own_shift(session, inv.actor, day, tz)
            rotation = self.schedule.rotation(shift.rotation)[0]
            refs = self.people.rotation_refs(rotation)
            target = None
            if member is not None:
                target = self.people.named_ref(session, inv.platform, member, now, refs)
            if target is not None and target == ref:
                raise UserError("oncall.error.swap_self")
            swap = self.swaps.create_swap(session, shift, ref, inv.actor.member_id, target, now)
            if force:
                assert target is not None
                self.swaps.take_swap(session, swap, target, inv.actor.member_id, now)
            people = {r: self.people.resolve(session, r, now) for r in {ref, target} if r}
            return swap.id, shift, rotation, target, people

        swap_id, shift, rotation, target, people = await self.db.run(create)
        await self.homes.changed({target, shift.member} if force else {target})
        span = f"{when(inv.t, shift.start, tz)} → {when(inv.t, shift.end, tz)}"
        requester = people[shift.member]
        if force:
            text = self.project_t(
                "oncall.swap.forced",
                rotation=rotation.name,
                span=span,
                name=people[target].name,
                by=inv.actor.display_name,
            )
            await self.poster.post(channel_of(rotation.channel), Message.text(text))
            await inv.reply(inv.t("oncall.swap.forced_reply", name=people[target].name, span=span))
            return
        if target is None:
            post = Message(
                [
                    Section(
                        self.project_t("oncall.swap.open", rotation=rotation.name, span=span),
                        Plain(requester.name),
                    ),
                    Buttons(
                        (
                            Button(
                                self.project_t("oncall.swap.take"),
                                "oncall_take",
                                str(swap_id),
                                ButtonStyle.PRIMARY,
                            ),
                        )
                    ),
                ]
            )
        else:
            post = Message(
                [
                    Section(
                        people[target].mention(),
                        " ",
                        self.project_t("oncall.swap.addressed", rotation=rotation.name, span=span),
                        Plain(requester.name),
                    ),
                    Buttons(
                        (
                            Button(
                                self.project_t("oncall.swap.accept"),
                                "oncall_take",
                                str(swap_id),
                                ButtonStyle.PRIMARY,
                            ),
                        )
                    ),
                ]
            )
            target_id = people[target].member_id
            if target_id is not None:
                await self.poster.dm_member(target_id, post)
        await self.poster.post(channel_of(rotation.channel), post)
        await inv.reply(
            Message(
                [
                    Section(inv.t("oncall.swap.created", id=swap_id, span=span)),
                    Buttons(
                        (
                            Button(
                                inv.t("oncall.swap.withdraw"),
                                "oncall_withdraw",
                                str(swap_id),
                                ButtonStyle.DANGER,
                            ),
                        )
                    ),
                ]
            )
        )

    @action("oncall_take")
    async def take(self, inv: Invocation) -> None:
        now = self.clock.now()

        def take(session):  # type: ignore[no-untyped-def]
            swap = self.swaps.get_swap(session, inv.value)
            rot = self.schedule.rotation(swap.rotation)[0]
            mine = self.people.my_refs(inv.actor, [rot])
            if swap.target is not None and swap.target not in mine:
                raise UserError("oncall.error.swap_not_yours")
            if not mine:
                raise UserError("oncall.error.not_in_rotation", rotation=rot.name)
            if swap.requester in mine:
                raise UserError("oncall.error.swap_self")
            taker = swap.target or sorted(mine)[0]
            self.swaps.take_swap(session, swap, taker, inv.actor.member_id, now)
            return (
                swap,
                rot,
                self.people.resolve(session, taker, now),
                self.people.resolve(session, swap.requester, now),
            )

        swap, rot, taker, requester = await self.db.run(take)
        await self.homes.changed({taker.ref, requester.ref})
        tz = self.schedule.project_tz()
        span = f"{when(self.project_t, swap.shift_start, tz)} → {when(self.project_t, swap.shift_end, tz)}"
        text = self.project_t(
            "oncall.swap.taken", rotation=rot.name, span=span, name=taker.name, requester=requester.name
        )
        await self.poster.post(channel_of(rot.channel), Message.text(text))
        if requester.member_id is not None:
            await self.poster.dm_member(requester.member_id, Message.text(text))
        await inv.reply(inv.t("oncall.swap.you_took", span=span))

    @action("oncall_withdraw")
    async def withdraw(self, inv: Invocation) -> None:
        now = self.clock.now()

        def withdraw(session):  # type: ignore[no-untyped-def]
            swap = self.swaps.get_swap(session, inv.value)
            rot = self.schedule.rotation(swap.rotation)[0]
            if swap.requester not in self.people.my_refs(inv.actor, [rot]) and not inv.actor.is_maintainer:
                raise UserError("oncall.error.swap_not_yours")
            if swap.status != "open":
                raise UserError("oncall.error.swap_closed", status=swap.status)
            swap.status, swap.resolved_at = "withdrawn", now
            session.add(swap)
            return swap.id, rot, swap.target

        swap_id, rot, target = await self.db.run(withdraw)
        await self.homes.changed({target})
        await self.poster.post(
            channel_of(rot.channel), Message.text(self.project_t("oncall.swap.withdrawn_post", id=swap_id))
        )
        await inv.reply(inv.t("oncall.swap.withdrawn", id=swap_id))
