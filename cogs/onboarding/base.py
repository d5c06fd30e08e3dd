"""Shared plumbing of the onboarding feature: config, translation, and telling people about progress.

``OnboardingService`` (service.py) builds on it; the cog's parts each hold that one service.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.core.cog import Services
from bot.core.community_events import ContributionCredited
from bot.core.held_issues import held_issue_ids
from bot.core.invocation import Invocation
from bot.core.issue_areas import issue_areas, newcomer_labels
from bot.core.members import MemberInfo
from bot.core.messages import Inline, Mention, Message, Plain
from cogs.onboarding import views
from cogs.onboarding.config import OnboardingConfig, PathConfig
from cogs.onboarding.issues import IssueSuggestion, StepIssues, matching_issues
from cogs.onboarding.paths import find_path, step_labels
from cogs.onboarding.progress import Advance, Progress
from cogs.onboarding.views import Translate

ISSUES_SHOWN = 5


def github_linked(info: MemberInfo | None) -> bool:
    """Whether the member proved their GitHub account (merged-PR steps need it)."""
    return info is not None and info.github_login is not None and info.github_verified


class OnboardingBase:
    """What every part of the onboarding feature needs."""

    def __init__(self, services: Services, config: Callable[[], OnboardingConfig | None]) -> None:
        self.services = services
        self._config = config  # the current section on each call, so reloads apply

    @property
    def cfg(self) -> OnboardingConfig:
        cfg = self._config()
        assert cfg is not None, "the onboarding cog is loaded only with an onboarding section"
        return cfg

    def now(self) -> datetime:
        return self.services.clock.now()

    def progress(self) -> Progress:
        return Progress(self.cfg)

    def tr(self, locale: str | None = None) -> Translate:
        return partial(self.services.catalog.translate, locale or self.services.config.project.locale)

    def project_locale(self) -> str:
        return self.services.config.project.locale

    def day(self, when: datetime) -> str:
        return when.astimezone(ZoneInfo(self.services.config.project.timezone)).date().isoformat()

    async def member_info(self, member_id: int) -> MemberInfo | None:
        return await self.services.member_reads.info(member_id)

    def locale_of(self, info: MemberInfo | None) -> str:
        return self.services.reader_for(info).locale

    async def issues_for(self, path: PathConfig, index: int) -> list[IssueSuggestion]:
        """Open issues that fit step ``index`` and no loaded feature holds for someone."""
        step = path.steps[index]
        now, cogs = self.now(), self.services.cogs()
        # A step that completes on a merged PR counts only its repos: suggest nothing elsewhere.
        repos = step.repos if step.completes == "merged_pr" else None
        wanted = StepIssues(step_labels(step, issue_areas(cogs)), newcomer_labels(cogs), repos)

        def find(session: Session) -> list[IssueSuggestion]:
            return matching_issues(session, wanted, held_issue_ids(cogs, session, now), ISSUES_SHOWN)

        return await self.services.db.run(find)

    async def step_view(self, t: Translate, locale: str, path: PathConfig, index: int, member_id: int,
                        lead: str | None = None, *, waiting: bool = False) -> Message:  # fmt: skip
        """Step ``index`` for ``member_id``, with its issues; ``waiting``: reported done, a maintainer
        is to confirm it."""
        issues = await self.issues_for(path, index)
        linked = github_linked(await self.member_info(member_id))
        return views.step_message(t, locale, path, index, issues, lead, waiting=waiting, linked=linked)

    async def tell(self, advance: Advance, inv: Invocation | None = None) -> None:
        """Congratulate, show the next step (reply or DM), and celebrate a finished path."""
        path = find_path(self.cfg, advance.path_id)
        if path is None or not advance.completed:
            return
        info = await self.member_info(advance.member_id)
        locale = inv.locale if inv is not None else self.locale_of(info)
        t = self.tr(locale)
        lead = views.congratulations(t, locale, path, advance.completed)
        if advance.finished:
            message = views.finished_dm(t, locale, path)
        else:
            assert advance.next_index is not None
            message = await self.step_view(t, locale, path, advance.next_index, advance.member_id, lead)
        if inv is not None:
            await inv.reply(message)
        else:
            await self.services.poster.dm_member(advance.member_id, message)
        if advance.finished:
            await self.celebrate(advance, path, info)

    async def celebrate(self, advance: Advance, path: PathConfig, info: MemberInfo | None) -> None:
        """Announce a finished path (once) and make the person a spotlight candidate."""
        if self.cfg.announce_completions and advance.announce:
            name = info.display_name if info else str(advance.member_id)
            mention: Inline = Mention(name, info.user_ids()) if info else Plain(name)
            locale = self.project_locale()
            message = views.finished_announcement(self.tr(locale), locale, mention, path)
            await self.services.poster.post_once(
                "onboarding_finished",
                f"enrollment:{advance.enrollment_id}",
                self.cfg.community_channel,
                message,
            )
        await self.services.bus.publish(
            ContributionCredited(
                member_id=advance.member_id,
                github_login=advance.github_login,
                kind="path_finished",
                detail=path.title.en,
                at=self.now(),
            )
        )
