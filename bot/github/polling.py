"""The background sync jobs: polls, reconciles and the history read, within the rate budget."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.interval import IntervalTrigger

from bot.config import StewardConfig
from bot.core.clock import Clock
from bot.github.client import GitHubClient, GitHubError, RateLimited
from bot.github.history import HistoryReader
from bot.github.sync import Progress, RepoSync, describe

log = logging.getLogger(__name__)
# Pages of closed history read per poll: history fills in over a few polls, never holding one up long.
HISTORY_PAGES_PER_POLL = 10


class BackgroundPolling:
    """Runs the `github_sync` and `github_reconcile` jobs and the first sync at start-up; pauses them
    while the rate budget is down to the reserve kept for people (or GitHub said to wait)."""

    def __init__(
        self,
        config_ref: Callable[[], StewardConfig],
        clock: Clock,
        client: GitHubClient | None,
        sync: RepoSync | None,
        history: HistoryReader | None,
    ) -> None:
        self.config_ref = config_ref
        self.clock = clock
        self.client = client
        self.sync = sync
        self.history = history
        self.resume_at: datetime | None = None  # background work waits until then
        self._first_sync: asyncio.Task[None] | None = None

    def jobs(self) -> dict[str, Callable[[], Any]]:
        """The scheduled jobs (none offline)."""
        if self.sync is None:
            return {}
        return {"github_sync": self.poll_all, "github_reconcile": self.reconcile_all}

    def default_schedules(self) -> dict[str, tuple[Any, timedelta]]:
        """The jobs' triggers when ``schedules:`` does not name them: every ``github.poll_interval``
        and every ``github.full_reconcile_interval``."""
        config = self.config_ref()
        github = config.github
        if github is None:
            return {}
        tz = ZoneInfo(config.project.timezone)
        every = {"github_sync": github.poll_interval, "github_reconcile": github.full_reconcile_interval}
        return {
            job: (IntervalTrigger(seconds=interval.total_seconds(), timezone=tz), interval)
            for job, interval in every.items()
        }

    def paused_until(self) -> datetime | None:
        """When background work may go on again, while it is paused."""
        if self.resume_at is not None and self.clock.now() < self.resume_at:
            return self.resume_at
        return None

    @property
    def first_sync(self) -> asyncio.Task[None] | None:
        """The catch-up sync `start` began, if any."""
        return self._first_sync

    def start(self) -> None:
        """Catch up at start-up instead of waiting a whole poll interval (in the background)."""
        if self.sync is not None:
            self._first_sync = asyncio.get_running_loop().create_task(
                self.poll_all(), name="github-first-sync"
            )

    async def first_sync_done(self) -> None:
        """Wait until the catch-up sync that `start` began has finished."""
        if self._first_sync is not None:
            await asyncio.wait([self._first_sync])  # its errors are logged by poll_all

    async def stop(self) -> None:
        """Cancel the start-up sync if it is still going."""
        if self._first_sync is not None:
            self._first_sync.cancel()
            await asyncio.gather(self._first_sync, return_exceptions=True)

    async def poll_all(self) -> None:
        """The `github_sync` job: first sync new repos, poll the others; then a little history."""
        await self._each_repo(self._repo_names(), full=False)
        await self.read_history(HISTORY_PAGES_PER_POLL)

    async def reconcile_all(self) -> None:
        """The `github_reconcile` job: re-read every open item; notices deletions and transfers."""
        await self._each_repo(self._repo_names(reconcile=True), full=True)

    async def read_history(self, max_pages: int | None, progress: Progress | None = None) -> None:
        """Page in each repository's closed history (history.py), `max_pages` at a time, while the budget
        above the reserve allows; errors are logged and the read resumes at the next poll."""
        config = self.config_ref().github
        if self.history is None or config is None or config.history_months <= 0:
            return
        for name in self._repo_names():
            if not self._history_allowed(config.rate_limit_reserve, max_pages or HISTORY_PAGES_PER_POLL):
                return
            try:
                await self.history.step(name, config.history_months, max_pages=max_pages, progress=progress)
            except RateLimited as exc:
                self.resume_at = exc.retry_at
                log.warning(
                    "GitHub rate limit while reading the history of %s; resuming at %s", name, exc.retry_at
                )
                return
            except Exception:  # an outage or a bug must never take the bot down
                log.exception("reading the history of %s failed", name)

    def _repo_names(self, reconcile: bool = False) -> list[str]:
        config = self.config_ref().github
        if config is None:
            return []
        return [r.name for r in config.repos if r.full_reconcile or not reconcile]

    def _background_allowed(self, cost: int) -> bool:
        """Keep the reserve for people: skip (and space out) background work when the budget is low."""
        assert self.client is not None
        config = self.config_ref().github
        now = self.clock.now()
        if self.paused_until() is not None or config is None:
            return False
        wait = self.client.budget.background_wait(config.rate_limit_reserve, cost, config.poll_interval, now)
        if wait > timedelta(0):
            self.resume_at = now + wait
            log.warning(
                "GitHub budget low (%s): polling paused until %s",
                self.client.budget.as_dict(),
                self.resume_at,
            )
            return False
        self.resume_at = None
        return True

    def _history_allowed(self, reserve: int, pages: int) -> bool:
        """History is read only from budget well above the reserve, leaving polls theirs; unlike polls it
        never pauses anything when short (it waits for a later poll)."""
        assert self.client is not None
        if self.paused_until() is not None:
            return False
        spare = self.client.budget.spare(reserve, self.clock.now())
        return spare is None or spare >= 2 * pages

    async def _each_repo(self, names: list[str], *, full: bool) -> None:
        assert self.sync is not None
        if not names or not self._background_allowed(cost=len(names)):
            return
        for name in names:
            try:
                result = await self.sync.sync(name, full=full)
                log.info("github sync %s", describe(result))
            except RateLimited as exc:
                self.resume_at = exc.retry_at
                log.warning("GitHub rate limit while syncing %s; resuming at %s", name, exc.retry_at)
                return
            except GitHubError as exc:
                log.warning("GitHub sync of %s failed: %s", name, exc)
            except Exception:  # an outage or a bug must never take the bot down
                log.exception("GitHub sync of %s failed", name)
