"""Wiring of /oncall: the cog, its jobs and the read-only commands (now, schedule, queue, stats).

Shift changes (shift_commands), swaps (swaps), the triage queue's GitHub events (triage_events) and the
calendar feed (calendar_feed) are wired from their own modules.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.interval import IntervalTrigger

from bot.core.cog import Cog, Services
from bot.core.commands import Access, Choice, Option, OptionType, autocomplete, command
from bot.core.events import ConfigReloaded, HomeChanged, listener
from bot.core.invocation import Invocation
from bot.core.messages import Block, Bold, Image, Message, Section
from bot.core.moments import ShortDay
from cogs.oncall import calendar_feed
from cogs.oncall.calendar_feed import CalendarFeed
from cogs.oncall.chart import ChartLabels, ChartRenderer
from cogs.oncall.config import RotationConfig
from cogs.oncall.coverage import coverage_gaps
from cogs.oncall.home import home_member_ids, home_shifts
from cogs.oncall.planner import shift_counts
from cogs.oncall.service import OncallService
from cogs.oncall.shift_commands import ShiftCommands
from cogs.oncall.shiftlife import ShiftTicker
from cogs.oncall.stats import gather_report
from cogs.oncall.swaps import SwapCommands
from cogs.oncall.triage_events import TriageEvents
from cogs.oncall.views import (
    QUEUE_LIMIT,
    home_blocks,
    now_message,
    queue_message,
    schedule_message,
    stats_blocks,
)

log = logging.getLogger(__name__)
ROTATION = Option("rotation", "oncall.option.rotation", required=False, autocomplete="oncall_rotations")
TICK_SECONDS = 60


class OncallCog(ShiftCommands, SwapCommands, TriageEvents, Cog):
    """On-call triage rotations."""

    name = "oncall"

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.service = OncallService(services)
        self.ticker = ShiftTicker(self.service)
        self.calendar = CalendarFeed(self.service)
        self.charts = ChartRenderer()

    def register(self) -> None:
        super().register()
        if self.service.config.calendar_feeds:
            self.services.http.add_route("GET", calendar_feed.PATH, self.calendar.handle)

    def jobs(self) -> dict[str, Callable[[], Any]]:
        return {"oncall_handoff": self.ticker.tick}

    def default_schedules(self) -> dict[str, tuple[Any, timedelta]]:
        # Shift boundaries come from the rotations: check every minute unless a schedule says otherwise.
        # The scheduler runs it on the leader only, so several instances never hand off twice.
        return {"oncall_handoff": (IntervalTrigger(seconds=TICK_SECONDS), timedelta(seconds=TICK_SECONDS))}

    async def start(self) -> None:
        await self.services.db.run(self.service.sync_rosters, self.services.clock.now())
        await self._repair_rotations()

    async def _repair_rotations(self) -> None:
        repaired = await self.services.db.run(self.service.triage().repair_rotations)
        if repaired:
            log.info("filed %d on-call triage records under their rotation", repaired)

    # -- commands ------------------------------------------------------------------------------
    @command("oncall now", "oncall.now.description")
    async def now(self, inv: Invocation) -> None:
        svc, now = self.service, self.services.clock.now()

        def load(session):  # type: ignore[no-untyped-def]
            rows = svc.now(session, now)
            refs = {s.member for r in rows for s in (r.current, r.upcoming) if s is not None and s.member}
            return rows, {ref: svc.resolve(session, ref, now) for ref in refs}

        rows, people = await self.services.db.run(load)
        await inv.reply(now_message(inv.t, rows, people, svc.viewer_tz(inv.actor)))

    @command(
        "oncall schedule",
        "oncall.schedule.description",
        ROTATION,
        Option("days", "oncall.option.days", OptionType.INTEGER, required=False, min_value=1, max_value=90),
    )
    async def schedule(self, inv: Invocation, rotation: str | None = None, days: int | None = None) -> None:
        svc, now = self.service, self.services.clock.now()
        rotations = svc.rotation(rotation)
        span = days or 14

        def load(session):  # type: ignore[no-untyped-def]
            per, fairness, refs = [], {}, set()
            for rot in rotations:
                shifts = [s for s in svc.shifts(session, rot, now, now + timedelta(days=span))]
                per.append((rot.name, shifts))
                past = svc.shifts(session, rot, now - timedelta(days=91), now)
                fairness[rot.name] = dict(
                    shift_counts([s for s in past if s.start >= now - timedelta(days=91)])
                )
                refs |= {s.member for s in shifts if s.member} | {s.planned for s in shifts if s.planned}
                refs |= set(fairness[rot.name])
            return per, fairness, {r: svc.resolve(session, r, now) for r in refs}

        per, fairness, people = await self.services.db.run(load)
        gaps = [g for g in coverage_gaps(svc.config, now) if g.rotation in {r.name for r in rotations}]
        await inv.reply(schedule_message(inv.t, per, people, svc.viewer_tz(inv.actor), span, gaps, fairness))

    @command("oncall queue", "oncall.queue.description", ROTATION)
    async def queue(self, inv: Invocation, rotation: str | None = None) -> None:
        svc, now = self.service, self.services.clock.now()
        chosen = svc.rotation(rotation)[0] if rotation else None
        triage = svc.triage()

        def load(session):  # type: ignore[no-untyped-def]
            return triage.queue(session, chosen, limit=QUEUE_LIMIT), triage.queue_size(session, chosen)

        items, total = await self.services.db.run(load)
        name = chosen.name if chosen else None
        await inv.reply(queue_message(inv.t, name, items, now, svc.config.sla, total))

    @command("oncall stats", "oncall.stats.description", ROTATION, access=Access.MAINTAINERS)
    async def stats(self, inv: Invocation, rotation: str | None = None) -> None:
        chosen = self.service.rotation(rotation)[0] if rotation else None
        now = self.services.clock.now()
        blocks = await self._stats_blocks(inv.t, now - timedelta(weeks=8), now, chosen)
        title = inv.t("oncall.stats.title", rotation=chosen.name if chosen else inv.t("oncall.queue.all"))
        await inv.reply(Message([Section(title), *blocks], summary=title))

    async def _stats_blocks(
        self, t: Callable[..., str], start: datetime, end: datetime, rotation: RotationConfig | None
    ) -> list[Block]:
        tz = self.service.project_tz()
        weeks = max(1, min(8, round((end - start) / timedelta(weeks=1))))
        report = await gather_report(self.services.db, self.service.triage(), end, tz, weeks, rotation)
        labels = ChartLabels(
            t("oncall.chart.title"),
            t("oncall.chart.hours"),
            t("oncall.chart.backlog"),
            t("oncall.chart.median"),
            t("oncall.chart.p90"),
            tuple(t("core.time.at", at=ShortDay(w, str(tz))) for w in report.weeks),
        )
        # Drawing is CPU work: a worker thread keeps the event loop free (cache hits return at once).
        png = await asyncio.to_thread(self.charts.png, report, labels)
        return [
            *stats_blocks(t, report, {}, tz),
            Image(t("oncall.chart.alt"), data=png, filename="oncall-stats.png"),
        ]

    async def digest_section(self, start: datetime, end: datetime, locale: str) -> list[Block]:
        def t(key: str, **params: Any) -> str:
            return self.services.catalog.translate(locale, key, **params)

        return [Section(Bold(t("oncall.digest.title"))), *await self._stats_blocks(t, start, end, None)]

    async def home_section(self, member_id: int, locale: str) -> list[Block]:
        svc, now = self.service, self.services.clock.now()

        def load(session):  # type: ignore[no-untyped-def]
            info = self.services.members.info(session, member_id)
            return home_shifts(svc, session, member_id, now), info.timezone if info else None

        home, timezone = await self.services.db.run(load)
        if home is None:
            return []

        def t(key: str, **params: Any) -> str:
            return self.services.catalog.translate(locale, key, **params)

        return home_blocks(t, home, ZoneInfo(timezone) if timezone else svc.project_tz())

    async def homes_changed(self, refs: set[str | None]) -> None:
        """Tell adapters that the home pages of the people behind ``refs`` changed (shifts, swaps)."""
        now = self.services.clock.now()
        for member_id in await self.services.db.run(lambda s: home_member_ids(self.service, s, refs, now)):
            await self.services.bus.publish(HomeChanged(member_id))

    @autocomplete("oncall_rotations")
    async def rotations(self, inv: Invocation, partial: str) -> list[Choice]:
        return [Choice(r.name) for r in self.service.config.rotations if partial.lower() in r.name]

    @listener(ConfigReloaded)
    async def on_reload(self, event: ConfigReloaded) -> None:
        await self.services.db.run(self.service.sync_rosters, self.services.clock.now())
        await self._repair_rotations()  # a rotation may cover records that had none

    def _project_t(self, key: str, **params: Any) -> str:
        return self.services.catalog.translate(self.services.config.project.locale, key, **params)
