"""What a schedule entry missed while no instance ran it, and running exactly that again."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.scheduling.fire_times import fire_times_between, latest_fire_time
from bot.scheduling.run_ledger import Entry as LedgerEntry
from bot.scheduling.run_ledger import RunLedger

log = logging.getLogger(__name__)
# How far back catch-up looks for a missed run at most, whatever the grace says.
MAX_CATCH_UP = timedelta(days=62)
# At most this many missed periods are replayed one by one after a fail-over or a late fire.
MAX_REPLAY = 50


class Entry(LedgerEntry, Protocol):
    """The schedule entry being caught up: a ledger entry with its trigger."""

    trigger: Any


class CatchUp:
    """Runs, for one entry, the periods it owes: a post a replaced leader left claimed, a run cut
    short by a crash, a failed run still within grace, then the missed fire times (the latest one
    after downtime, or each in order after a fail-over)."""

    def __init__(
        self,
        ledger: RunLedger,
        run: Callable[[Any, datetime], Awaitable[Any]],
        stopping: Callable[[], bool],
    ) -> None:
        self.ledger = ledger
        self._run = run  # runs one period of an entry as a catch-up
        self._stopping = stopping

    async def entry(self, entry: Entry, now: datetime, replay: bool) -> int:
        """Run what ``entry`` missed up to ``now``; returns how many runs that took."""
        ran = 0
        for orphan in await self.ledger.orphaned(entry, now):
            # A claim a replaced leader left mid-post that job_run no longer names: finish it.
            log.warning("job %s left a post of %s unfinished; running that period again", entry.job, orphan)
            await self._run(entry, orphan)
            ran += 1
        # Read after the orphans ran: their runs moved the entry's row.
        state = await self.ledger.state(entry.key)
        if state is None or state.last_fire_at is None:
            # Never ran: nothing was missed; remember "now" as the starting point.
            await self.ledger.record(entry, now, "ok", mark_only=True)
            return ran
        if state.status == "running":
            log.warning("job %s was interrupted at %s; running it again", entry.job, state.last_fire_at)
            await self._run(entry, state.last_fire_at)
            ran += 1
        elif state.status == "failed" and now - state.last_fire_at <= entry.grace:
            log.info("job %s failed at %s; trying that run again", entry.job, state.last_fire_at)
            await self._run(entry, state.last_fire_at)
            ran += 1
        for missed in self._due(entry, state.last_fire_at, now, replay):
            if self._stopping():
                break
            if now - missed > entry.grace:
                log.warning(
                    "job %s missed its run at %s, beyond its grace of %s: skipped",
                    entry.job,
                    missed.isoformat(),
                    entry.grace,
                )
                await self.ledger.record(entry, missed, "ok", mark_only=True)
                continue
            log.info("catching up job %s for %s", entry.job, missed.isoformat())
            await self._run(entry, missed)
            ran += 1
        return ran

    @staticmethod
    def _due(entry: Entry, last: datetime, now: datetime, replay: bool) -> list[datetime]:
        if replay:
            return fire_times_between(entry.trigger, last, now, MAX_REPLAY)
        latest = latest_fire_time(entry.trigger, now, last, MAX_CATCH_UP)
        return [latest] if latest is not None else []
