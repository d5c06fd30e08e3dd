"""The on-call cog: the feature's entry point, composed of small parts.

The logic comes in small services, each with narrow dependencies: the schedule (service), the people
of the rotations (rotation_people), time away, overrides and notes (records), swaps (swap_book) and
the triage queue (triage). Each command group holds only the services it uses: the read-only
commands (read_commands), time away (away_commands), handoff notes and overrides (shift_commands),
swaps (swaps) and the triage queue's GitHub events (triage_events). The cog itself wires the jobs,
the calendar feed, the digest and home page sections.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.interval import IntervalTrigger
from sqlmodel import Session

from bot.core.cog import Cog, Services
from bot.core.events import ConfigReloaded, listener
from bot.core.github_port import GitHubPort
from bot.core.messages import Block, Bold, Section
from bot.db.models import ISSUES_TOPIC
from bot.i18n import Reader
from cogs.oncall import calendar_feed
from cogs.oncall.away_commands import AwayCommand
from cogs.oncall.calendar_feed import CalendarFeed
from cogs.oncall.config import OncallConfig
from cogs.oncall.home import HomeNotifier, HomeShifts, home_shifts
from cogs.oncall.read_commands import ReadCommands
from cogs.oncall.records import ShiftRecords
from cogs.oncall.report import StatsReport
from cogs.oncall.rotation_people import RotationPeople
from cogs.oncall.service import Schedule
from cogs.oncall.shift_commands import ShiftCommands
from cogs.oncall.shiftlife import ShiftTicker
from cogs.oncall.swap_book import SwapBook
from cogs.oncall.swaps import SwapCommands
from cogs.oncall.triage import TriageAccess
from cogs.oncall.triage_events import TriageEvents
from cogs.oncall.views import home_blocks
from cogs.oncall.voices import Voices
from cogs.oncall.waiting import TRIAGE_TOPIC

if TYPE_CHECKING:
    from bot.config import StewardConfig

log = logging.getLogger(__name__)
TICK_SECONDS = 60


def _github(services: Services) -> GitHubPort | None:
    return services.github  # read on each use: the app sets it up after building the cogs


def _section(services: Services) -> OncallConfig:
    config = services.config.section(OncallConfig)
    assert config is not None, "the oncall cog is loaded only with an oncall section"
    return config


def _config(services: Services) -> StewardConfig:
    return services.config


def _project_timezone(services: Services) -> str:
    return services.config.project.timezone


def _project_locale(services: Services) -> str:
    return services.config.project.locale


def _bot_logins(services: Services) -> list[str]:
    github = services.config.github
    return github.bot_logins if github is not None else []


class OncallCog(Cog):
    """On-call triage rotations."""

    name = "oncall"

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        config = partial(_section, services)  # the current section on each call, so reloads apply
        github = partial(_github, services)
        db, clock, poster = services.db, services.clock, services.poster
        locale = partial(_project_locale, services)
        # The services the parts share (the web cog's /oncall page reads the first three too).
        self.schedule = Schedule(config, partial(_project_timezone, services))
        self.people = RotationPeople(config, partial(_config, services), services.members)
        self.triage = TriageAccess(
            config, lambda: services.maintainers().github_logins, partial(_bot_logins, services)
        )
        # The items waiting for triage are kept in a table, re-checked as issues and triage change.
        services.db.on_change(ISSUES_TOPIC, self.triage.waiting.on_change)
        services.db.on_change(TRIAGE_TOPIC, self.triage.waiting.on_change)
        self.records = ShiftRecords()
        self.swaps = SwapBook(self.schedule, self.people, self.records)
        schedule, people, records = self.schedule, self.people, self.records
        triage, swaps = self.triage, self.swaps
        voices = Voices(services.catalog, services.project_reader, services.members, db)
        self.ticker = ShiftTicker(
            schedule,
            people,
            records,
            swaps,
            triage,
            config,
            db,
            clock,
            poster,
            services.bus,
            github,
            voices,
        )
        self.calendar = CalendarFeed(schedule, people, db, clock, services.catalog, locale)
        self.report = StatsReport(schedule, triage, db)
        homes = HomeNotifier(people, db, clock, services.bus)
        self._parts: list[object] = [
            ReadCommands(schedule, people, triage, config, db, clock, self.report),
            AwayCommand(schedule, people, records, config, db, clock, homes),
            ShiftCommands(schedule, people, records, triage, config, db, clock, poster, homes, voices),
            SwapCommands(schedule, people, swaps, config, db, clock, poster, homes, voices),
            TriageEvents(people, triage, config, db, clock, poster, github, services.catalog, voices),
        ]

    def parts(self) -> list[object]:
        return self._parts

    def register(self) -> None:
        super().register()
        if self.schedule.config.calendar_feeds:
            self.services.http.add_route("GET", calendar_feed.PATH, self.calendar.handle)

    def jobs(self) -> dict[str, Callable[[], Any]]:
        return {"oncall_handoff": self.ticker.tick}

    def default_schedules(self) -> dict[str, tuple[Any, timedelta]]:
        # Shift boundaries come from the rotations: check every minute unless a schedule says otherwise.
        # The scheduler runs it on the leader only, so several instances never hand off twice.
        return {"oncall_handoff": (IntervalTrigger(seconds=TICK_SECONDS), timedelta(seconds=TICK_SECONDS))}

    async def start(self) -> None:
        await self.services.db.run(self.schedule.sync_rosters, self.services.clock.now())
        await self._repair_rotations()
        await self.triage.ensure_waiting(self.services.db)

    async def _repair_rotations(self) -> None:
        repaired = await self.services.db.run(self.triage.recorder().repair_rotations)
        if repaired:
            log.info("filed %d on-call triage records under their rotation", repaired)

    @listener(ConfigReloaded)
    async def on_reload(self, event: ConfigReloaded) -> None:
        await self.services.db.run(self.schedule.sync_rosters, self.services.clock.now())
        await self._repair_rotations()  # a rotation may cover records that had none
        await self.triage.ensure_waiting(self.services.db)  # the label rule or maintainers may differ

    async def digest_section(self, start: datetime, end: datetime, reader: Reader) -> list[Block]:
        t = self.services.catalog.for_reader(reader)
        return [Section(Bold(t("oncall.digest.title"))), *await self.report.digest_blocks(t, start, end)]

    async def home_section(self, member_id: int, reader: Reader) -> list[Block]:
        now = self.services.clock.now()

        def load(session: Session) -> HomeShifts | None:
            return home_shifts(self.schedule, self.people, self.swaps, session, member_id, now)

        home = await self.services.db.run(load)
        if home is None:
            return []
        zone = ZoneInfo(reader.zone) if reader.zone else self.schedule.project_tz()
        return home_blocks(self.services.catalog.for_reader(reader), home, zone)
