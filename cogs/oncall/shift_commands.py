"""The /oncall commands that record something on shifts: time away, handoff notes, overrides."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from bot.core.clock import Clock
from bot.core.commands import Access, Option, OptionType, command
from bot.core.errors import UserError
from bot.core.invocation import Invocation
from bot.core.messages import Message, Section
from bot.core.posting import Poster
from bot.core.refs import UserRef
from bot.db.database import Database
from cogs.oncall.config import OncallConfig
from cogs.oncall.home import HomeNotifier
from cogs.oncall.records import ShiftRecords
from cogs.oncall.rotation_people import RotationPeople
from cogs.oncall.service import Schedule, day_bounds, parse_day
from cogs.oncall.shiftlife import channel_of
from cogs.oncall.triage import TriageAccess
from cogs.oncall.views import when


class ShiftCommands:
    """/oncall away, /oncall handoff and /oncall override."""

    def __init__(
        self,
        schedule: Schedule,
        people: RotationPeople,
        records: ShiftRecords,
        triage: TriageAccess,
        config: Callable[[], OncallConfig],
        db: Database,
        clock: Clock,
        poster: Poster,
        homes: HomeNotifier,
        project_t: Callable[..., str],
    ) -> None:
        self.schedule = schedule
        self.people = people
        self.records = records
        self.triage = triage
        self.config = config
        self.db = db
        self.clock = clock
        self.poster = poster
        self.homes = homes
        self.project_t = project_t  # translates into the project's language, for channel posts

    @command(
        "oncall away",
        "oncall.away.description",
        Option("from", "oncall.option.from"),
        Option("to", "oncall.option.to"),
    )
    async def away(self, inv: Invocation, **args: str) -> None:
        now = self.clock.now()
        tz = self.schedule.viewer_tz(inv.actor)
        first, last = parse_day(args["from"]), parse_day(args["to"])
        if last < first:
            raise UserError("oncall.error.away_order", start=first, end=last)
        if (last - first).days > 366:
            raise UserError("oncall.error.away_too_long")
        refs = self.people.my_refs(inv.actor)
        if not refs:
            raise UserError("oncall.error.not_a_member")
        start, _ = day_bounds(first, tz)
        _, end = day_bounds(last, tz)

        def store(session):  # type: ignore[no-untyped-def]
            self.records.add_away(session, refs, start, end, inv.actor.member_id, now)
            session.flush()
            covered = []
            for rot in self.config().rotations:
                covered += [
                    s
                    for s in self.schedule.shifts(session, rot, start, end)
                    if s.reason == "away" and s.planned in refs
                ]
            people = {s.member: self.people.resolve(session, s.member, now) for s in covered if s.member}
            return covered, people

        covered, people = await self.db.run(store)
        await self.homes.changed({*refs, *(s.member for s in covered)})
        msg = Message([Section(inv.t("oncall.away.stored", start=first, end=last))])
        for s in covered[:10]:
            name = people[s.member].name if s.member in people else inv.t("oncall.nobody")
            msg.add(
                Section(
                    inv.t(
                        "oncall.away.covered", rotation=s.rotation, span=when(inv.t, s.start, tz), name=name
                    )
                )
            )
        await inv.reply(msg)

    @command(
        "oncall handoff",
        "oncall.handoff.description",
        Option("note", "oncall.option.note", required=False, greedy=True, max_length=1500),
    )
    async def handoff(self, inv: Invocation, note: str | None = None) -> None:
        now = self.clock.now()

        def store(session):  # type: ignore[no-untyped-def]
            for rot in self.config().rotations:
                refs = self.people.my_refs(inv.actor, [rot])
                current = next(
                    (
                        s
                        for s in self.schedule.shifts(session, rot, now, now + timedelta(seconds=1))
                        if s.contains(now) and s.member in refs
                    ),
                    None,
                )
                if current is not None:
                    if note:
                        self.records.add_note(
                            session, current, inv.actor.display_name, inv.actor.member_id, note, now
                        )
                    return current, self.triage.store().queue(session, rot)
            raise UserError("oncall.error.not_on_call_now")

        current, waiting = await self.db.run(store)
        tz = self.schedule.viewer_tz(inv.actor)
        key = "oncall.handoff.noted" if note else "oncall.handoff.status"
        await inv.reply(
            inv.t(key, rotation=current.rotation, until=when(inv.t, current.end, tz), count=len(waiting))
        )

    @command(
        "oncall override",
        "oncall.override.description",
        Option("rotation", "oncall.option.rotation", autocomplete="oncall_rotations"),
        Option("member", "oncall.option.member", OptionType.USER),
        Option("until", "oncall.option.until", required=False),
        access=Access.MAINTAINERS,
    )
    async def override(
        self, inv: Invocation, rotation: str, member: UserRef, until: str | None = None
    ) -> None:
        now = self.clock.now()
        rot = self.schedule.rotation(rotation)[0]
        tz = self.schedule.viewer_tz(inv.actor)
        refs = self.people.rotation_refs(rot)

        def store(session):  # type: ignore[no-untyped-def]
            ref = self.people.named_ref(session, inv.platform, member, now, refs)
            if until:
                end = day_bounds(parse_day(until), tz)[1]
            else:
                current = next(
                    (
                        s
                        for s in self.schedule.shifts(session, rot, now, now + timedelta(seconds=1))
                        if s.contains(now)
                    ),
                    None,
                )
                end = current.end if current else now + timedelta(days=1)
            if end <= now:
                raise UserError("oncall.error.until_past")
            replaced = next(
                (
                    s.member
                    for s in self.schedule.shifts(session, rot, now, now + timedelta(seconds=1))
                    if s.contains(now)
                ),
                None,
            )
            self.records.add_override(session, rot.name, ref, now, end, "override", inv.actor.member_id, now)
            return ref, end, self.people.resolve(session, ref, now), replaced

        ref, end, person, replaced = await self.db.run(store)
        await self.homes.changed({ref, replaced})
        text = self.project_t(
            "oncall.override.posted",
            rotation=rot.name,
            name=person.name,
            until=when(self.project_t, end, self.schedule.project_tz()),
            by=inv.actor.display_name,
        )
        await self.poster.post(channel_of(rot.channel), Message([Section(person.mention(), " ", text)]))
        await self.poster.set_topic(
            channel_of(rot.channel),
            self.project_t(
                "oncall.topic",
                rotation=rot.name,
                name=person.name,
                until=when(self.project_t, end, self.schedule.project_tz()),
            ),
        )
        await inv.reply(
            inv.t("oncall.override.done", rotation=rot.name, name=person.name, until=when(inv.t, end, tz))
        )
