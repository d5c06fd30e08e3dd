"""Progress without a command: merged pull requests, finished good first issues and linked GitHub
accounts complete steps (from GitHub and core events), and the nudges job reminds the stuck."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from bot.core.community_events import ContributionCredited, GitHubLinked
from bot.core.events import listener
from bot.core.github_events import PullRequestMerged
from bot.core.posting import Poster
from bot.db.database import Database
from bot.db.models import Member
from cogs.onboarding import views
from cogs.onboarding.base import github_linked
from cogs.onboarding.models import Enrollment
from cogs.onboarding.paths import find_path
from cogs.onboarding.progress import Advance
from cogs.onboarding.service import OnboardingService

log = logging.getLogger(__name__)
NUDGE_CHECK = timedelta(hours=1)  # default cadence of onboarding_nudges without a schedules entry


class ProgressEvents:
    """Completes steps on GitHub and community events; nudges people whose step waits too long."""

    def __init__(self, service: OnboardingService, db: Database, poster: Poster) -> None:
        self.service = service
        self.db = db
        self.poster = poster

    @listener(PullRequestMerged)
    async def on_merged(self, event: PullRequestMerged) -> None:
        if not event.author_login or event.actor_is_bot:
            return
        now = self.service.now()
        advances = await self.db.run(
            lambda s: self.service.progress().on_merged(
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
        now = self.service.now()

        def apply(session: Session) -> list[Advance]:
            found = member_id
            if found is None and login:
                member = session.exec(
                    select(Member).where(func.lower(Member.github_login) == login.lower())
                ).first()
                found = member.id if member is not None else None
            if found is None:
                return []
            return self.service.progress().on_event_step(session, found, kind, detail, now)

        await self._tell_all(await self.db.run(apply))

    async def _tell_all(self, advances: list[Advance]) -> None:
        for advance in advances:
            try:
                await self.service.tell(advance)
            except Exception:
                log.exception("onboarding: telling member %s about their progress failed", advance.member_id)

    # -- nudges -----------------------------------------------------------
    async def nudges_job(self) -> None:
        """Complete steps the tables show done (linked GitHub, synced merged PRs), then nudge."""
        now = self.service.now()
        cfg = self.service.cfg

        def sweep(session: Session) -> tuple[list[Advance], list[tuple[int, int, str, int, int]]]:
            progress = self.service.progress()
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

        advances, due = await self.db.run(sweep)
        await self._tell_all(advances)
        await self.service.retry_access(now)
        for enrollment_id, member_id, path_id, index, count in due:
            path = find_path(cfg, path_id)
            if path is None or index >= len(path.steps):
                continue
            info = await self.service.member_info(member_id)
            locale = self.service.locale_of(info)
            step = path.steps[index]
            message = views.nudge(
                self.service.tr(locale), locale, path, step, enrollment_id, linked=github_linked(info)
            )
            await self.poster.dm_member_once(
                "onboarding_nudges", f"{enrollment_id}:{index}:{count}", member_id, message
            )
