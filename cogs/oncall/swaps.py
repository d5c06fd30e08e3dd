"""The swap commands and buttons of /oncall: offer a shift, take or accept it, withdraw the offer.

Each message is written for whoever reads it: the rotation channel in the project's language and
zone, a DM in its recipient's, a reply in the invoker's (:mod:`cogs.oncall.voices`).
"""

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
from cogs.oncall.people import Person
from cogs.oncall.planner import Shift
from cogs.oncall.rotation_people import RotationPeople
from cogs.oncall.service import Schedule, parse_day
from cogs.oncall.shiftlife import channel_of
from cogs.oncall.swap_book import SwapBook
from cogs.oncall.voices import Translate, Voices, span


def offer_message(
    t: Translate, swap_id: int, rotation: str, shift: Shift, requester: Person, target: Person | None
) -> Message:
    """A swap request as ``t``'s reader sees it: to the whole rotation ("Take") or to one member."""
    when = span(t, shift.start, shift.end)
    if target is None:
        text = Section(t("oncall.swap.open", rotation=rotation, span=when), Plain(requester.name))
        button = Button(t("oncall.swap.take"), "oncall_take", str(swap_id), ButtonStyle.PRIMARY)
    else:
        text = Section(
            target.mention(),
            " ",
            t("oncall.swap.addressed", rotation=rotation, span=when),
            Plain(requester.name),
        )
        button = Button(t("oncall.swap.accept"), "oncall_take", str(swap_id), ButtonStyle.PRIMARY)
    return Message([text, Buttons((button,))])


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
        voices: Voices,
    ) -> None:
        self.schedule = schedule
        self.people = people
        self.swaps = swaps
        self.config = config
        self.db = db
        self.clock = clock
        self.poster = poster
        self.homes = homes
        self.voices = voices

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
            shift, ref = self.swaps.find_own_shift(session, inv.actor, day, tz, now)
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
        if force:
            await self._forced(inv, rotation.name, rotation.channel, shift, people[target])
            return
        requester, taker = people[shift.member], people.get(target) if target else None
        channel_post = offer_message(self.voices.project(), swap_id, rotation.name, shift, requester, taker)
        if taker is not None and taker.member_id is not None:
            t = await self.voices.member(taker.member_id)
            await self.poster.dm_member(
                taker.member_id, offer_message(t, swap_id, rotation.name, shift, requester, taker)
            )
        await self.poster.post(channel_of(rotation.channel), channel_post)
        withdraw = Button(inv.t("oncall.swap.withdraw"), "oncall_withdraw", str(swap_id), ButtonStyle.DANGER)
        created = inv.t("oncall.swap.created", id=swap_id, span=span(inv.t, shift.start, shift.end))
        await inv.reply(Message([Section(created), Buttons((withdraw,))]))

    async def _forced(
        self, inv: Invocation, rotation: str, channel: str | None, shift: Shift, taker: Person
    ) -> None:
        """A maintainer handed the shift over: the channel is told, and so is the maintainer."""
        pt = self.voices.project()
        text = pt(
            "oncall.swap.forced",
            rotation=rotation,
            span=span(pt, shift.start, shift.end),
            name=taker.name,
            by=inv.actor.display_name,
        )
        await self.poster.post(channel_of(channel), Message.text(text))
        reply = inv.t("oncall.swap.forced_reply", name=taker.name, span=span(inv.t, shift.start, shift.end))
        await inv.reply(reply)

    @action("oncall_take")
    async def take(self, inv: Invocation) -> None:
        now = self.clock.now()

        def take(session):  # type: ignore[no-untyped-def]
            swap = self.swaps.get_swap(session, inv.value)
            rot = self.schedule.rotation(swap.rotation)[0]
            mine = self.people.my_refs(inv.actor, [rot])
            if swap.status == "taken" and swap.taken_by in mine:
                raise UserError("oncall.error.swap_taken_by_you")
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

        def taken(t: Translate) -> Message:
            when = span(t, swap.shift_start, swap.shift_end)
            return Message.text(
                t(
                    "oncall.swap.taken",
                    rotation=rot.name,
                    span=when,
                    name=taker.name,
                    requester=requester.name,
                )
            )

        await self.poster.post(channel_of(rot.channel), taken(self.voices.project()))
        if requester.member_id is not None:
            await self.poster.dm_member(
                requester.member_id, taken(await self.voices.member(requester.member_id))
            )
        await inv.reply(inv.t("oncall.swap.you_took", span=span(inv.t, swap.shift_start, swap.shift_end)))

    @action("oncall_withdraw")
    async def withdraw(self, inv: Invocation) -> None:
        now = self.clock.now()

        def withdraw(session):  # type: ignore[no-untyped-def]
            swap = self.swaps.get_swap(session, inv.value)
            rot = self.schedule.rotation(swap.rotation)[0]
            if swap.requester not in self.people.my_refs(inv.actor, [rot]) and not inv.actor.is_maintainer:
                raise UserError("oncall.error.swap_not_yours")
            if swap.status != "open":
                raise self.swaps.closed(session, swap)
            swap.status, swap.resolved_at = "withdrawn", now
            session.add(swap)
            return swap.id, rot, swap.target

        swap_id, rot, target = await self.db.run(withdraw)
        await self.homes.changed({target})
        withdrawn = self.voices.project()("oncall.swap.withdrawn_post", id=swap_id)
        await self.poster.post(channel_of(rot.channel), Message.text(withdrawn))
        await inv.reply(inv.t("oncall.swap.withdrawn", id=swap_id))
