"""What the scheduler remembers of its runs: each entry's last period and how it ended (``job_run``),
and the scheduled posts a replaced leader left claimed in the post log. A restart reads both to
repeat exactly the runs that did not finish."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from sqlmodel import Session, select

from bot.core.clock import Clock
from bot.db.models import PostLog
from bot.scheduling.fire_times import PERIOD_FORMAT
from bot.scheduling.models import JobRun

if TYPE_CHECKING:
    from bot.db.database import Database


class Entry(Protocol):
    """The schedule entry a run belongs to."""

    key: str
    job: str
    grace: timedelta


class RunLedger:
    """Reads and writes ``job_run``; every write is fenced, so a replaced leader records nothing."""

    def __init__(self, db: Database | None, clock: Clock, fence: Callable[[Session], None]) -> None:
        self.db = db
        self.clock = clock
        self.fence = fence

    async def state(self, key: str) -> JobRun | None:
        """The entry's row: its last period, and whether that run is ok, failed or still running."""
        if self.db is None:
            return None
        return await self.db.run(lambda s: s.exec(select(JobRun).where(JobRun.key == key)).first())

    async def record(
        self,
        entry: Entry,
        fire_at: datetime,
        status: str,
        *,
        started: datetime | None = None,
        error: str | None = None,
        mark_only: bool = False,
    ) -> None:
        """Note the entry's run of ``fire_at`` as ``status`` (``mark_only``: move the mark, count no run)."""
        if self.db is None:
            return
        now = self.clock.now()

        def write(session: Session) -> None:
            self.fence(session)
            row = session.exec(select(JobRun).where(JobRun.key == entry.key)).first()
            if row is None:
                row = JobRun(key=entry.key, job=entry.job)
            row.last_fire_at = fire_at
            row.status = status
            if not mark_only:
                if started is not None:
                    row.started_at = started
                    row.runs += 1
                if status in ("ok", "failed"):
                    row.finished_at = now
                row.error = error
            session.add(row)

        await self.db.run(write)

    async def orphaned(self, entry: Entry, now: datetime) -> list[datetime]:
        """Periods of ``entry`` with a post still claimed in the post log, oldest first, within grace."""
        if self.db is None:
            return []

        def read(session: Session) -> list[str]:
            query = select(PostLog.period).where(PostLog.job == entry.job, PostLog.status == "claimed")
            return sorted(set(session.exec(query)))

        times = []
        for period in await self.db.run(read):
            try:
                fire_at = datetime.strptime(period, PERIOD_FORMAT).replace(tzinfo=UTC)
            except ValueError:
                continue  # not a scheduled period (a part of a spotlight, a manual send)
            if now - fire_at <= entry.grace:
                times.append(fire_at)
        return times
