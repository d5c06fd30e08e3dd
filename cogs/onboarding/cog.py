"""The onboarding cog: the feature's entry point, composed of small parts.

Each part holds the onboarding service (service.py) and only what else it uses: choosing a path
(path_commands), working through its steps (step_commands), welcoming newcomers (welcomes) and
progress from GitHub and other features, with the nudges (events). The cog itself wires the jobs and
the home page and digest sections.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.interval import IntervalTrigger

from bot.core.cog import Cog, Services
from bot.core.messages import Block, Context, Fields, Header, Section
from bot.i18n import Reader
from cogs.onboarding import views
from cogs.onboarding.cohort import cohort
from cogs.onboarding.config import OnboardingConfig, PathConfig
from cogs.onboarding.events import NUDGE_CHECK, ProgressEvents
from cogs.onboarding.issues import IssueSuggestion
from cogs.onboarding.path_commands import PathCommands
from cogs.onboarding.paths import find_path
from cogs.onboarding.progress import latest_enrollment
from cogs.onboarding.service import OnboardingService
from cogs.onboarding.step_commands import StepCommands
from cogs.onboarding.welcomes import Welcomes

GREETING_GRACE = timedelta(hours=1)  # greetings missed during a restart still go out


class OnboardingCog(Cog):
    """Newcomer onboarding: greetings, paths, progress from GitHub, nudges and the funnel."""

    name = "onboarding"

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.service = OnboardingService(services, lambda: services.config.section(OnboardingConfig))
        db, poster = services.db, services.poster
        self.welcomes = Welcomes(self.service, services)
        self.greeter = self.welcomes.greeter
        self.progress_events = ProgressEvents(self.service, db, poster)
        self._parts: list[object] = [
            PathCommands(self.service, db),
            StepCommands(self.service, db, poster, lambda: services.people),
            self.welcomes,
            self.progress_events,
        ]

    def parts(self) -> list[object]:
        return self._parts

    # -- lifecycle and jobs -----------------------------------------------
    async def start(self) -> None:
        await self.welcomes.start()

    async def stop(self) -> None:
        await self.welcomes.stop()

    def jobs(self) -> dict[str, Callable[..., Any]]:
        return {
            "onboarding_greetings": self.welcomes.greetings_job,
            "onboarding_nudges": self.progress_events.nudges_job,
        }

    def default_schedules(self) -> dict[str, tuple[Any, timedelta]]:
        tz = ZoneInfo(self.services.config.project.timezone)
        window = self.service.cfg.greet_batch_window
        # A fixed start keeps fire times on whole windows, independent of when the process started.
        origin = datetime(2020, 1, 1, tzinfo=tz)
        every_window = IntervalTrigger(seconds=window.total_seconds(), timezone=tz, start_date=origin)
        hourly = IntervalTrigger(seconds=NUDGE_CHECK.total_seconds(), timezone=tz, start_date=origin)
        return {
            "onboarding_greetings": (every_window, GREETING_GRACE),
            "onboarding_nudges": (hourly, NUDGE_CHECK),
        }

    # -- read by the public pages (cogs/web/start.py), until they read through a core port ----
    @property
    def cfg(self) -> OnboardingConfig:
        return self.service.cfg

    async def issues_for(self, path: PathConfig, index: int) -> list[IssueSuggestion]:
        return await self.service.issues_for(path, index)

    # -- pages ------------------------------------------------------------
    async def home_section(self, member_id: int, reader: Reader) -> list[Block]:
        info = await self.service.member_info(member_id)
        locale = reader.locale
        t = self.services.catalog.for_reader(reader)

        found = await self.services.db.run(latest_enrollment, member_id)
        if found is None:
            blocks: list[Block] = [Header(t("onboarding.home.title")), Section(t("onboarding.home.no_path"))]
            return blocks + views.path_buttons(self.service.cfg.paths, locale)
        row, done = found
        path = find_path(self.service.cfg, row.path_id)
        if path is None:
            return []
        name = info.display_name if info else ""
        view = views.progress_view(t, locale, name, path, row.status, row.step_index, done)
        return [Header(t("onboarding.home.title")), *view.blocks[1:]]

    async def digest_section(self, start: datetime, end: datetime, reader: Reader) -> list[Block]:
        group = await self.services.db.run(cohort, start, end)
        if not group.joined:
            return []
        t = self.services.catalog.for_reader(reader)
        figures = (
            ("joined", group.joined),
            ("picked", group.picked),
            ("steps", group.reached_step(1)),
            ("finished", group.finished),
        )
        return [
            Header(t("onboarding.digest.title")),
            Fields(tuple((t(f"onboarding.digest.{key}"), str(len(people))) for key, people in figures)),
            Context(t("onboarding.digest.cohort")),
        ]

    async def joined_members(self, start: datetime, end: datetime) -> list[str] | None:
        group = await self.services.db.run(cohort, start, end)
        return group.joined_names()
