"""A path's optional groups (a role, a channel: whatever each platform's adapter joins people to):
given when someone starts the path, retried by the nudges job until every platform took it, and
taken back when they leave or switch paths (where the platform allows it).

Channels are never taken back (the Slack adapter declines): leaving a conversation is the person's choice.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

from sqlmodel import Session, col, select

from bot.core.adapter import GroupChange
from bot.core.messages import Message
from cogs.onboarding.base import OnboardingBase
from cogs.onboarding.config import PathConfig
from cogs.onboarding.models import Enrollment
from cogs.onboarding.paths import find_path
from cogs.onboarding.views import Translate

log = logging.getLogger(__name__)
RETRY_BATCH = 50  # enrollments retried per nudges run: a broken role must not make one run endless


def path_groups(path: PathConfig | None) -> dict[str, str]:
    """The group to join per platform for ``path`` (empty when it names none)."""
    if path is None:
        return {}
    groups: dict[str, str] = {}
    if path.discord_role_id is not None:
        groups["discord"] = str(path.discord_role_id)
    if path.slack_channel:
        groups["slack"] = path.slack_channel
    return groups


def pending_access(session: Session, limit: int) -> list[tuple[int, int, str]]:
    """(enrollment id, member id, path id) of people still waiting for their path's role or channel."""
    rows = session.exec(
        select(Enrollment)
        .where(col(Enrollment.access_pending).is_(True), col(Enrollment.status).in_(("active", "finished")))
        .order_by(col(Enrollment.id))
        .limit(limit)
    ).all()
    return [(r.id, r.member_id, r.path_id) for r in rows if r.id is not None]


def set_access_pending(session: Session, enrollment_id: int, pending: bool) -> None:
    row = session.get(Enrollment, enrollment_id)
    if row is not None and row.access_pending != pending:
        row.access_pending = pending
        session.add(row)


class PathAccess(OnboardingBase):
    """Moves people in and out of the groups their paths name."""

    async def join_path_groups(
        self, enrollment_id: int, member_id: int, path: PathConfig, left: PathConfig | None, now: datetime
    ) -> list[str]:
        """Give ``path``'s groups (and take back ``left``'s role); returns the platforms that failed."""
        groups = path_groups(path)
        old = {p: g for p, g in path_groups(left).items() if groups.get(p) != g}
        if old:
            await self.leave_path_groups(member_id, old, path=left)
        if not groups:
            return []
        reason = f"onboarding path {path.id}"
        outcomes = await self.services.poster.change_groups(member_id, groups, True, reason)
        failed = [platform for platform, outcome in outcomes.items() if not outcome.ok]
        await self.services.db.run(set_access_pending, enrollment_id, bool(failed))
        for platform in failed:
            await self.report_access_problem(path, platform, groups[platform], outcomes[platform], now)
        return failed

    async def leave_path_groups(
        self, member_id: int, groups: Mapping[str, str], path: PathConfig | None
    ) -> None:
        """Take back the groups of a path someone left; failures are only logged (nothing is owed)."""
        if not groups:
            return
        reason = f"left onboarding path {path.id if path else '?'}"
        outcomes = await self.services.poster.change_groups(member_id, groups, False, reason)
        for platform, outcome in outcomes.items():
            if not outcome.ok:
                log.warning("onboarding: could not take %s %s back from member %s: %s",
                            self.group_kind(platform), groups[platform], member_id, outcome)  # fmt: skip

    def _adapter(self, platform: str) -> object | None:
        return next((a for a in self.services.poster.adapters() if a.platform == platform), None)

    def group_kind(self, platform: str) -> str:
        """What the platform's adapter joins people to ("role", "channel"), as its catalog word."""
        return str(getattr(self._adapter(platform), "group_kind", "group"))

    def access_note(self, t: Translate, failed: list[str]) -> str:
        """The line telling someone their path's role or channel could not be given."""
        return " ".join(
            t("onboarding.access.member_problem", what=t(f"onboarding.access.{self.group_kind(p)}"),
              platform=p.capitalize())
            for p in failed
        )  # fmt: skip

    async def report_access_problem(
        self, path: PathConfig, platform: str, group: str, outcome: GroupChange, now: datetime
    ) -> None:
        """Tell the maintainers once a day per (path, platform, problem) what to fix."""
        locale = self.project_locale()
        t = self.tr(locale)
        what = t(f"onboarding.access.{self.group_kind(platform)}")
        adapter = self._adapter(platform)
        forbidden_help = getattr(adapter, "group_forbidden_help", None)
        if outcome is GroupChange.FORBIDDEN and forbidden_help:
            help_key = forbidden_help  # the platform's adapter says what to fix there
        elif outcome is GroupChange.NOT_FOUND:
            help_key = "onboarding.access.help.not_found"
        else:
            help_key = "onboarding.access.help.failed"
        text = t(
            "onboarding.access.maintainers_problem",
            path=path.title.get(locale), what=what, group=group, platform=platform.capitalize(),
            outcome=outcome.value, help=t(help_key, what=what),
        )  # fmt: skip
        await self.services.poster.post_once(
            "onboarding_access",
            f"{self.day(now)}:{path.id}:{platform}:{outcome.value}",
            self.cfg.maintainer_channel,
            Message.text(text),
        )

    async def retry_access(self, now: datetime) -> None:
        """Give the groups still owed (the platform failed, or the config or permissions were fixed)."""
        for enrollment_id, member_id, path_id in await self.services.db.run(pending_access, RETRY_BATCH):
            path = find_path(self.cfg, path_id)
            if not path_groups(path):
                await self.services.db.run(set_access_pending, enrollment_id, False)
                continue
            assert path is not None
            await self.join_path_groups(enrollment_id, member_id, path, None, now)
