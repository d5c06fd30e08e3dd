"""The /oncall commands that record something on shifts: handoff notes and overrides.

"Until" is always the end of the whole stretch the person holds (:mod:`cogs.oncall.stretch`), the
same as /oncall now shows; the channel reads it in the project's zone, the invoker in theirs, each
with the zone named.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.core.clock import Clock
from bot.core.commands import Access, Option, OptionType, command
from bot.core.errors import UserError
from bot.core.invocation import Invocation
from bot.core.messages import Message, Section
from bot.core.posting import Poster
from bot.core.refs import UserRef
from bot.db.database import Database
from cogs.oncall.config import OncallConfig, RotationConfig
from cogs.oncall.home import HomeNotifier
from cogs.oncall.people import Person
from cogs.oncall.planner import Shift
from cogs.oncall.records import ShiftRecords
from cogs.oncall.rotation_people import RotationPeople
from cogs.oncall.service import Schedule, day_bounds, last_day_allowed, parse_day
from cogs.oncall.shiftlife import channel_of
from cogs.oncall.stretch import held_at, held_pieces, joined
from cogs.oncall.triage import QueueItem, TriageAccess
from cogs.oncall.voices import Voices


class ShiftCommands:
    """/oncall handoff and /oncall override."""

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
        voices: Voices,
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
        self.voices = voices

    @command(
        "oncall handoff",
        "oncall.handoff.description",
        Option("note", "oncall.option.note", required=False, greedy=True, max_length=1500),
    )
    async def handoff(self, inv: Invocation, note: str | None = None) -> None:
        now = self.clock.now()

        def store(session: Session) -> tuple[Shift, list[QueueItem]]:
            for rot in self.config().rotations:
                refs = self.people.my_refs(inv.actor, [rot])
                pieces = held_pieces(self.schedule.planner(session, rot), now)
                if not pieces or pieces[0].member not in refs:
                    continue
                if note:
                    # Kept with the piece in force; the handoff post reads the notes of every piece
                    # of the stretch, so a note reaches whoever takes over at its end.
                    in_force = next(p for p in pieces if p.contains(now))
                    self.records.add_note(
                        session, in_force, inv.actor.display_name, inv.actor.member_id, note, now
                    )
                return joined(pieces), self.triage.store().queue(session, rot)
            raise UserError("oncall.error.not_on_call_now")

        current, waiting = await self.db.run(store)
        key = "oncall.handoff.noted" if note else "oncall.handoff.status"
        await inv.reply(inv.t(key, rotation=current.rotation, until=current.end, count=len(waiting)))

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
        last_day = parse_day(until) if until else None
        if last_day is not None:
            # As for time away: longer is a typo of the year, and beyond what a stretch looks ahead.
            latest = last_day_allowed(now.astimezone(tz).date())
            if last_day > latest:
                raise UserError("oncall.error.override_too_long", last=latest)

        def store(session: Session) -> tuple[str, datetime, Person, str | None]:
            ref = self.people.named_ref(session, inv.platform, member, now, refs)
            current = self.schedule.held(session, rot, now)
            if last_day is not None:
                end = day_bounds(last_day, tz)[1]
            else:
                # "The end of the current shift": the whole stretch /oncall now shows.
                end = current.end if current else now + timedelta(days=1)
            if end <= now:
                raise UserError("oncall.error.until_past")
            self.records.add_override(session, rot.name, ref, now, end, "override", inv.actor.member_id, now)
            session.flush()
            return (
                ref,
                self._held_until(session, rot, ref, now, end),
                self.people.resolve(session, ref, now),
                (current.member if current else None),
            )

        ref, end, person, replaced = await self.db.run(store)
        await self.homes.changed({ref, replaced})
        t = self.voices.project()
        text = t(
            "oncall.override.posted",
            rotation=rot.name,
            name=person.name,
            until=end,
            by=inv.actor.display_name,
        )
        await self.poster.post(channel_of(rot.channel), Message([Section(person.mention(), " ", text)]))
        await self.poster.set_topic(
            channel_of(rot.channel), t("oncall.topic", rotation=rot.name, name=person.name, until=end)
        )
        await inv.reply(inv.t("oncall.override.done", rotation=rot.name, name=person.name, until=end))

    def _held_until(
        self, session: Session, rot: RotationConfig, ref: str, now: datetime, end: datetime
    ) -> datetime:
        """Until when ``ref`` is on call now that the override is stored: past ``end`` when their own
        shift (or another override) follows it."""
        held = held_at(self.schedule.planner(session, rot), now)
        return held.end if held is not None and held.member == ref else end
