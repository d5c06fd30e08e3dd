"""The read-only /oncall commands: now, schedule, queue and stats, and the rotation autocomplete."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from bot.core.clock import Clock
from bot.core.commands import Access, Choice, Option, OptionType, autocomplete, command
from bot.core.invocation import Invocation
from bot.core.messages import Message, Section
from bot.db.database import Database
from cogs.oncall.config import OncallConfig
from cogs.oncall.coverage import coverage_gaps
from cogs.oncall.planner import shift_counts
from cogs.oncall.report import StatsReport
from cogs.oncall.rotation_people import RotationPeople
from cogs.oncall.service import Schedule
from cogs.oncall.triage import TriageAccess
from cogs.oncall.views import QUEUE_LIMIT, now_message, queue_message, schedule_message

ROTATION = Option("rotation", "oncall.option.rotation", required=False, autocomplete="oncall_rotations")


class ReadCommands:
    """/oncall now, /oncall schedule, /oncall queue and /oncall stats: they show, never change."""

    def __init__(
        self,
        schedule: Schedule,
        people: RotationPeople,
        triage: TriageAccess,
        config: Callable[[], OncallConfig],
        db: Database,
        clock: Clock,
        report: StatsReport,
    ) -> None:
        self.planning = schedule
        self.people = people
        self.triage = triage
        self.config = config
        self.db = db
        self.clock = clock
        self.report = report

    @command("oncall now", "oncall.now.description")
    async def now(self, inv: Invocation) -> None:
        now = self.clock.now()

        def load(session):  # type: ignore[no-untyped-def]
            rows = self.planning.now(session, now)
            refs = {s.member for r in rows for s in (r.current, r.upcoming) if s is not None and s.member}
            return rows, {ref: self.people.resolve(session, ref, now) for ref in refs}

        rows, people = await self.db.run(load)
        tz = self.planning.viewer_tz(inv.actor)
        await inv.reply(now_message(inv.t, rows, people, tz, own_zone=inv.actor.timezone is not None))

    @command(
        "oncall schedule",
        "oncall.schedule.description",
        ROTATION,
        Option("days", "oncall.option.days", OptionType.INTEGER, required=False, min_value=1, max_value=90),
    )
    async def schedule(self, inv: Invocation, rotation: str | None = None, days: int | None = None) -> None:
        now = self.clock.now()
        rotations = self.planning.rotation(rotation)
        span = days or 14

        def load(session):  # type: ignore[no-untyped-def]
            per, fairness, refs = [], {}, set()
            for rot in rotations:
                shifts = [s for s in self.planning.shifts(session, rot, now, now + timedelta(days=span))]
                per.append((rot.name, shifts))
                past = self.planning.shifts(session, rot, now - timedelta(days=91), now)
                fairness[rot.name] = dict(
                    shift_counts([s for s in past if s.start >= now - timedelta(days=91)])
                )
                refs |= {s.member for s in shifts if s.member} | {s.planned for s in shifts if s.planned}
                refs |= set(fairness[rot.name])
            return per, fairness, {r: self.people.resolve(session, r, now) for r in refs}

        per, fairness, people = await self.db.run(load)
        gaps = [g for g in coverage_gaps(self.config(), now) if g.rotation in {r.name for r in rotations}]
        await inv.reply(
            schedule_message(inv.t, per, people, self.planning.viewer_tz(inv.actor), span, gaps, fairness)
        )

    @command("oncall queue", "oncall.queue.description", ROTATION)
    async def queue(self, inv: Invocation, rotation: str | None = None) -> None:
        now = self.clock.now()
        chosen = self.planning.rotation(rotation)[0] if rotation else None
        triage = self.triage.store()

        items, total = await self.db.read(triage.queue_page, chosen, QUEUE_LIMIT)
        name = chosen.name if chosen else None
        await inv.reply(queue_message(inv.t, name, items, now, self.config().sla, total))

    @command("oncall stats", "oncall.stats.description", ROTATION, access=Access.MAINTAINERS)
    async def stats(self, inv: Invocation, rotation: str | None = None) -> None:
        chosen = self.planning.rotation(rotation)[0] if rotation else None
        now = self.clock.now()
        blocks = await self.report.blocks(inv.t, now - timedelta(weeks=8), now, chosen)
        title = inv.t("oncall.stats.title", rotation=chosen.name if chosen else inv.t("oncall.queue.all"))
        await inv.reply(Message([Section(title), *blocks], summary=title))

    @autocomplete("oncall_rotations")
    async def rotations(self, inv: Invocation, partial: str) -> list[Choice]:
        return [Choice(r.name) for r in self.config().rotations if partial.lower() in r.name]
