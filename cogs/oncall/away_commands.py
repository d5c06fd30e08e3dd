"""/oncall away: time away, from now on only.

Past shifts are never rewritten and the shift someone holds right now stays theirs (they hand it
over with /oncall swap): a range that is over is refused, and one that began earlier, or that begins
while its author is on call, counts from now or from the end of that shift, and the reply says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.core.clock import Clock
from bot.core.commands import Option, command
from bot.core.errors import UserError
from bot.core.invocation import Invocation
from bot.core.messages import Context, Message, Section
from bot.db.database import Database
from cogs.oncall.config import OncallConfig
from cogs.oncall.home import HomeNotifier
from cogs.oncall.people import Person
from cogs.oncall.planner import Shift
from cogs.oncall.records import ShiftRecords
from cogs.oncall.rotation_people import RotationPeople
from cogs.oncall.service import Schedule, day_bounds, last_day_allowed, parse_day
from cogs.oncall.views import local_span, times_footer
from cogs.oncall.voices import Translate

COVERED_LINES = 10


@dataclass(frozen=True)
class AwayStored:
    """What /oncall away recorded: from when it counts, why not from the first day, what it moved."""

    begins: datetime
    held: Shift | None  # the shift its author holds now, when time away waits for its end
    covered: list[Shift]  # their shifts in the time away, with whoever covers them (or nobody)
    people: dict[str, Person]


class AwayCommand:
    """/oncall away: the author is skipped over those days and the next person covers."""

    def __init__(
        self,
        schedule: Schedule,
        people: RotationPeople,
        records: ShiftRecords,
        config: Callable[[], OncallConfig],
        db: Database,
        clock: Clock,
        homes: HomeNotifier,
    ) -> None:
        self.schedule = schedule
        self.people = people
        self.records = records
        self.config = config
        self.db = db
        self.clock = clock
        self.homes = homes

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
        if last > last_day_allowed(first):
            raise UserError("oncall.error.away_too_long", start=first, last=last_day_allowed(first))
        refs = self.people.my_refs(inv.actor)
        if not refs:
            raise UserError("oncall.error.not_a_member")
        start, end = day_bounds(first, tz)[0], day_bounds(last, tz)[1]
        if end <= now:
            raise UserError("oncall.error.away_past", end=last)

        def store(session: Session) -> AwayStored:
            return self._store(session, inv, refs, start, end, now)

        stored = await self.db.run(store)
        await self.homes.changed({*refs, *(s.member for s in stored.covered)})
        own_zone = inv.actor.timezone is not None
        await inv.reply(away_message(inv.t, stored, (first, last), start, tz, own_zone))

    def _store(
        self, session: Session, inv: Invocation, refs: set[str], start: datetime, end: datetime, now: datetime
    ) -> AwayStored:
        floor = max(start, now)  # the past is never rewritten
        held = self._held_now(session, inv, now)
        waits = held if held is not None and held.end > floor else None
        begins = waits.end if waits is not None else floor
        if begins >= end:
            assert waits is not None  # only the shift in progress can outlast a range not over yet
            raise UserError("oncall.error.away_in_shift", rotation=waits.rotation, until=waits.end)
        self.records.add_away(session, refs, begins, end, inv.actor.member_id, now)
        session.flush()
        covered: list[Shift] = []
        for rot in self.config().rotations:
            covered += [
                s
                for s in self.schedule.shifts(session, rot, begins, end)
                if s.reason == "away" and s.planned in refs
            ]
        people = {s.member: self.people.resolve(session, s.member, now) for s in covered if s.member}
        return AwayStored(begins, waits, covered, people)

    def _held_now(self, session: Session, inv: Invocation, now: datetime) -> Shift | None:
        """The stretch the author holds now, the one ending last when they are on call in several."""
        held = []
        for rot in self.config().rotations:
            stretch = self.schedule.held(session, rot, now)
            if stretch is not None and stretch.member in self.people.my_refs(inv.actor, [rot]):
                held.append(stretch)
        return max(held, key=lambda s: s.end, default=None)


def away_message(
    t: Translate, stored: AwayStored, days: tuple[date, date], start: datetime, tz: ZoneInfo, own_zone: bool
) -> Message:
    """The reply: what was recorded (and from when, when not from the first day, ``start``), then who
    covers each shift; times in ``tz``, named in the footer."""
    first, last = days
    if stored.held is not None:
        head = t(
            "oncall.away.stored_after_shift", end=last, rotation=stored.held.rotation, since=stored.begins
        )
    elif stored.begins > start:
        head = t("oncall.away.stored_from_now", end=last, since=stored.begins)
    else:
        head = t("oncall.away.stored", start=first, end=last)
    msg = Message([Section(head)])
    for s in stored.covered[:COVERED_LINES]:
        when = local_span(t, s.start, s.end, tz)
        if s.member is None:
            msg.add(Section(t("oncall.away.uncovered", rotation=s.rotation, span=when)))
        else:
            name = stored.people[s.member].name if s.member in stored.people else s.member
            msg.add(Section(t("oncall.away.covered", rotation=s.rotation, span=when, name=name)))
    if len(stored.covered) > COVERED_LINES:
        more = len(stored.covered) - COVERED_LINES
        msg.add(Context(t("oncall.away.more", count=more)))
    if stored.covered:
        msg.add(times_footer(t, tz, own_zone))
    return msg
