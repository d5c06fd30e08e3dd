"""The good-first-issue cog: the feature's entry point, composed of small parts.

Each part holds the board's service and only what it uses: reads of the board (board_commands),
claims and waitlists (claim_commands), option suggestions (completions) and the events the board
follows (board_events). The cog itself wires the jobs, the digest and home page sections, and the
``HeldIssues`` port other features read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.triggers.interval import IntervalTrigger
from sqlmodel import Session

from bot.core.cog import Cog, Services
from bot.core.messages import Block
from bot.i18n import Reader
from cogs.good_first_issues import views
from cogs.good_first_issues.announcements import JOB as ANNOUNCE_JOB
from cogs.good_first_issues.announcements import Announcer
from cogs.good_first_issues.board_commands import BoardCommands
from cogs.good_first_issues.board_events import BoardEvents
from cogs.good_first_issues.claim_actions import ClaimActions
from cogs.good_first_issues.claim_commands import ClaimCommands
from cogs.good_first_issues.completions import IssueCompletions
from cogs.good_first_issues.config import GoodFirstIssuesConfig
from cogs.good_first_issues.digest import board_week, digest_blocks
from cogs.good_first_issues.lifecycle import ClaimLifecycle
from cogs.good_first_issues.notices import Notices
from cogs.good_first_issues.reservations import held_issue_ids
from cogs.good_first_issues.service import GfiService

log = logging.getLogger(__name__)
REMINDERS_JOB = "claim_reminders"


class GoodFirstIssuesCog(Cog):
    """The good-first-issue board; loaded when ``good_first_issues:`` is in the config."""

    name = "good_first_issues"

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.notices = Notices(services)
        self.service = GfiService(
            services, self.notices, lambda: services.config.section(GoodFirstIssuesConfig)
        )
        self.claims = ClaimActions(self.service)
        self.lifecycle = ClaimLifecycle(self.service, self.claims)
        self.announcer = Announcer(self.service)
        db, clock = services.db, services.clock
        self._parts: list[object] = [
            BoardCommands(self.service, db, clock),
            ClaimCommands(self.service, self.claims, self.notices, db, clock, lambda: services.people),
            IssueCompletions(self.service, db),
            BoardEvents(self.service, self.announcer, self.lifecycle, db),
        ]

    def parts(self) -> list[object]:
        return self._parts

    async def start(self) -> None:
        # Build the board table now rather than on the first /gfi list.
        await self.service.ensure_board()

    # -- jobs --------------------------------------------------------------
    def jobs(self) -> dict[str, Callable[..., Any]]:
        return {ANNOUNCE_JOB: self.announce_job, REMINDERS_JOB: self.reminders_job}

    def default_schedules(self) -> dict[str, tuple[Any, timedelta]]:
        # Fixed start dates keep fire times identical on every instance (the post log keys on them).
        start = datetime(2020, 1, 1, tzinfo=UTC)
        return {
            ANNOUNCE_JOB: (IntervalTrigger(minutes=1, start_date=start, timezone=UTC), timedelta(minutes=30)),
            REMINDERS_JOB: (IntervalTrigger(minutes=15, start_date=start, timezone=UTC), timedelta(hours=2)),
        }

    async def announce_job(self, ctx: Any = None) -> None:
        """Scheduled: post newly labelled issues, batched, once each."""
        await self.announcer.run(getattr(ctx, "channels", None) or None)

    async def reminders_job(self, ctx: Any = None) -> None:
        """Scheduled: reminders, expiries, waitlist offers and GitHub retries."""
        await self.lifecycle.run_reminders()

    # -- what other parts of the bot read ------------------------------------
    def held_issue_ids(self, session: Session, now: datetime) -> set[int]:
        """The ``HeldIssues`` port: claimed issues and those reserved for the next person waiting."""
        return held_issue_ids(session, now)

    def issue_areas(self) -> Mapping[str, str]:
        """The ``IssueAreas`` port: the board's label -> area map."""
        return self.service.config.areas

    def newcomer_labels(self) -> Sequence[str]:
        """The ``NewcomerLabels`` port: the labels that put an issue on the board."""
        return self.service.config.labels

    async def digest_section(self, start: datetime, end: datetime, reader: Reader) -> list[Block]:
        week = await self.services.db.run(lambda s: board_week(s, start, end))
        return digest_blocks(self.services.catalog.for_reader(reader), week)

    async def home_section(self, member_id: int, reader: Reader) -> list[Block]:
        board = await self.service.home(member_id)
        return views.home_blocks(self.services.catalog.for_reader(reader), board)
