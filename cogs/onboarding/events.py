"""What happens without a command: joins, GitHub and community events, the scheduled jobs, and the
onboarding parts of the home page and the weekly digest."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import func
from sqlmodel import Session, select

from bot.core.cog import Services
from bot.core.community_events import ContributionCredited, GitHubLinked
from bot.core.events import MemberJoined, listener
from bot.core.github_events import PullRequestMerged
from bot.core.messages import Block, Fields, Header, Message, Section
from bot.db.models import Member
from bot.i18n import normalize_locale
from cogs.onboarding import views
from cogs.onboarding.access import PathAccess
from cogs.onboarding.cohort import cohort
from cogs.onboarding.greetings import Greeted, Greeter
from cogs.onboarding.models import Enrollment
from cogs.onboarding.paths import find_path
from cogs.onboarding.progress import Advance, latest_enrollment

log = logging.getLogger(__name__)
NUDGE_CHECK = timedelta(hours=1)  # default cadence of onboarding_nudges without a schedules entry
GREETING_GRACE = timedelta(hours=1)  # greetings missed during a restart still go out


class OnboardingEvents(PathAccess):
    """Listeners, jobs and page sections of the onboarding feature."""

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.greeter = Greeter(
            services,
            welcome_channel=lambda: self.cfg.welcome_channel,
            max_names=lambda: self.cfg.greet_batch_max_names,
            channel_greeting=self._channel_greeting,
            welcome_dm=self._welcome_dm,
        )

    # -- lifecycle --------------------------------------------------------
    async def start(self) -> None:
        self.greeter.start()

    async def stop(self) -> None:
        await self.greeter.stop()

    def jobs(self) -> dict[str, Callable[..., Any]]:
        return {"onboarding_greetings": self.greetings_job, "onboarding_nudges": self.nudges_job}

    def default_schedules(self) -> dict[str, tuple[Any, timedelta]]:
        tz = ZoneInfo(self.services.config.project.timezone)
        window = self.cfg.greet_batch_window
        # A fixed start keeps fire times on whole windows, independent of when the process started.
        origin = datetime(2020, 1, 1, tzinfo=tz)
        every_window = IntervalTrigger(seconds=window.total_seconds(), timezone=tz, start_date=origin)
        hourly = IntervalTrigger(seconds=NUDGE_CHECK.total_seconds(), timezone=tz, start_date=origin)
        return {
            "onboarding_greetings": (every_window, GREETING_GRACE),
            "onboarding_nudges": (hourly, NUDGE_CHECK),
        }

    # -- greetings --------------------------------------------------------
    @listener(MemberJoined)
    async def on_join(self, event: MemberJoined) -> None:
        await self.greeter.record(event)

    async def greetings_job(self) -> None:
        """Once a window: the batched channel greeting, and any welcome DMs left over from a restart."""
        leader = self.services.is_leader()
        await self.greeter.release_stale(leader)
        self.greeter.kick()
        await self.greeter.post_greetings()

    def _channel_greeting(self, greeted: Greeted) -> Message:
        locale = self.project_locale()
        return views.channel_greeting(self.tr(locale), locale, greeted, self.cfg.paths)

    def _welcome_dm(self, member_locale: str | None) -> Message:
        locale = normalize_locale(member_locale) or self.project_locale()
        return views.welcome_dm(self.tr(locale), locale, self.services.config.project.name, self.cfg.paths)

    # -- progress from GitHub and other features ---------------------------
    @listener(PullRequestMerged)
    async def on_merged(self, event: PullRequestMerged) -> None:
        if not event.author_login or event.actor_is_bot:
            return
        now = self.now()
        advances = await self.services.db.run(
            lambda s: self.progress().on_merged(
                s, event.author_login, event.repo, event.number, event.labels, now
            )
        )
        await self._tell_all(advances)

    @listener(ContributionCredited)
    async def on_credit(self, event: ContributionCredited) -> None:
        if event.kind != "gfi_done":
            return
        await self._member_milestone(event.member_id, event.github_login, "claimed_gfi_done", event.detail)

    @listener(GitHubLinked)
    async def on_linked(self, event: GitHubLinked) -> None:
        await self._member_milestone(event.member_id, event.login, "linked_github", event.login)

    async def _member_milestone(
        self, member_id: int | None, login: str | None, kind: str, detail: str | None
    ) -> None:
        now = self.now()

        def apply(session: Session) -> list[Advance]:
            found = member_id
            if found is None and login:
                member = session.exec(
                    select(Member).where(func.lower(Member.github_login) == login.lower())
                ).first()
                found = member.id if member is not None else None
            if found is None:
                return []
            return self.progress().on_event_step(session, found, kind, detail, now)

        await self._tell_all(await self.services.db.run(apply))

    async def _tell_all(self, advances: list[Advance]) -> None:
        for advance in advances:
            try:
                await self.tell(advance)
            except Exception:
                log.exception("onboarding: telling member %s about their progress failed", advance.member_id)

    # -- nudges -----------------------------------------------------------
    async def nudges_job(self) -> None:
        """Complete steps the tables show done (linked GitHub, synced merged PRs), then nudge."""
        now = self.now()
        cfg = self.cfg

        def sweep(session: Session) -> tuple[list[Advance], list[tuple[int, int, str, int, int]]]:
            progress = self.progress()
            advances: list[Advance] = []
            due: list[tuple[int, int, str, int, int]] = []
            for row in session.exec(select(Enrollment).where(Enrollment.status == "active")).all():
                advance = progress.check(session, row, now)
                if advance is not None:
                    advances.append(advance)
                    continue
                if row.reminders_off or row.nudges >= cfg.max_nudges or row.id is None:
                    continue
                since = row.last_nudged_at or row.step_started_at
                if now - since < cfg.nudge_after:
                    continue
                row.nudges += 1
                row.last_nudged_at = now
                session.add(row)
                due.append((row.id, row.member_id, row.path_id, row.step_index, row.nudges))
            return advances, due

        advances, due = await self.services.db.run(sweep)
        await self._tell_all(advances)
        await self.retry_access(now)
        for enrollment_id, member_id, path_id, index, count in due:
            path = find_path(cfg, path_id)
            if path is None or index >= len(path.steps):
                continue
            locale = self.locale_of(await self.member_info(member_id))
            message = views.nudge(self.tr(locale), locale, path, path.steps[index], enrollment_id)
            await self.services.poster.dm_member_once(
                "onboarding_nudges", f"{enrollment_id}:{index}:{count}", member_id, message
            )

    # -- pages ------------------------------------------------------------
    async def home_section(self, member_id: int, locale: str) -> list[Block]:
        t = self.tr(locale)

        found = await self.services.db.run(latest_enrollment, member_id)
        if found is None:
            blocks: list[Block] = [Header(t("onboarding.home.title")), Section(t("onboarding.home.no_path"))]
            return blocks + views.path_buttons(self.cfg.paths, locale)
        row, done = found
        path = find_path(self.cfg, row.path_id)
        if path is None:
            return []
        info = await self.member_info(member_id)
        name = info.display_name if info else ""
        view = views.progress_view(t, locale, name, path, row.status, row.step_index, done, self.day)
        return [Header(t("onboarding.home.title")), *view.blocks[1:]]

    async def digest_section(self, start: datetime, end: datetime, locale: str) -> list[Block]:
        group = await self.services.db.run(cohort, start, end)
        if not group.joined:
            return []
        t = self.tr(locale)
        figures = (
            ("joined", group.joined),
            ("picked", group.picked),
            ("steps", group.reached_step(1)),
            ("finished", group.finished),
        )
        return [
            Header(t("onboarding.digest.title")),
            Fields(tuple((t(f"onboarding.digest.{key}"), str(len(people))) for key, people in figures)),
        ]

    async def joined_members(self, start: datetime, end: datetime) -> list[str] | None:
        group = await self.services.db.run(cohort, start, end)
        return group.joined_names()
