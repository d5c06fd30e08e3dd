"""APScheduler wiring: the config's ``schedules`` entries pick when cog jobs run.

APScheduler (3.11, AsyncIOScheduler) does the waiting. Every run goes through :meth:`JobScheduler.run`,
which only runs on the leader, records the run in ``job_run`` and hands the job a :class:`JobContext`
whose ``period`` (the scheduled fire time) keys the post log, so a run repeated after a crash or
on another instance posts nothing twice. Missed runs are caught up once, coalesced, at start-up or
when leadership is taken over, if the latest missed one is within the entry's grace period.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlmodel import Session

from bot.core.clock import Clock, follows_wall_time
from bot.core.post_keys import Fenced
from bot.counted import counted
from bot.scheduling.catch_up import MAX_REPLAY, CatchUp
from bot.scheduling.entries import Job, JobContext, RetryBackoff, ScheduledEntry, build_entries
from bot.scheduling.fire_times import fire_times_between, latest_fire_time, next_fire_time, period_key
from bot.scheduling.run_ledger import RunLedger

if TYPE_CHECKING:
    from bot.config import StewardConfig
    from bot.db.database import Database
    from bot.metrics import Metrics

log = logging.getLogger(__name__)
# A failed run (a post the platform refused, GitHub away) is tried again for the same period after
# these delays, then hourly, as long as it is within the entry's grace.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=30))
RETRY_EVERY = timedelta(hours=1)
# Seconds a run in progress at shutdown gets to finish (as the Discord adapter gives its handlers).
STOP_GRACE = 10.0


class JobScheduler:
    """Keeps APScheduler's jobs in line with the config; re-applied on every reload."""

    def __init__(self, clock: Clock, db: Database | None = None, metrics: Metrics | None = None) -> None:
        self.clock = clock
        self.db = db
        self.metrics = metrics
        self.is_leader: Callable[[], bool] = lambda: True
        # Raises Fenced inside a job_run write when another instance leads now (a newer lease epoch):
        # a replaced leader must not record runs, or the new one would skip periods it never ran.
        self.fence: Callable[[Session], None] = lambda session: None
        self.on_fenced: Callable[[], None] = lambda: None
        self.ledger = RunLedger(db, clock, lambda session: self.fence(session))
        self._catching_up = CatchUp(
            self.ledger,
            lambda entry, fire_at: self.run(entry, fire_at, catch_up=True),
            lambda: self._stopping,
        )
        self.entries: dict[str, ScheduledEntry] = {}
        self.backoff = RetryBackoff(RETRY_DELAYS, RETRY_EVERY)
        self._scheduler: AsyncIOScheduler | None = None
        self._runs: set[asyncio.Future[None]] = set()  # one per run in progress, done when it ends
        self._entry_locks: dict[str, asyncio.Lock] = {}
        self._stopping = False

    # -- configuration ----------------------------------------------------
    def apply(
        self,
        config: StewardConfig,
        jobs: Mapping[str, Job],
        defaults: Mapping[str, tuple[Any, timedelta]] = {},
    ) -> list[str]:
        """Replace all entries with the config's schedules (plus ``defaults`` for jobs it does not name)."""
        self.entries = build_entries(config, jobs, defaults)
        if self._scheduler is not None:
            self._install()
        return sorted(self.entries)

    # -- running ----------------------------------------------------------
    def start(self) -> None:
        self._stopping = False
        self._scheduler = AsyncIOScheduler()
        self._install()
        self._scheduler.start()

    def _install(self) -> None:
        assert self._scheduler is not None
        self._scheduler.remove_all_jobs()
        # APScheduler's triggers wait on the wall clock. An injected clock (tests, benchmarks) moves
        # only when told: firing on real minutes would run jobs at arbitrary moments against a "now"
        # that did not move. With one, the entries are installed paused and run only through tick()
        # and run_job_now(); a retry a failed run asked for still fires (it waits a real delay).
        paused = {} if follows_wall_time(self.clock) else {"next_run_time": None}
        for key, entry in self.entries.items():
            self._scheduler.add_job(
                self.fire,
                entry.trigger,
                args=[key],
                id=key,
                name=key,
                coalesce=True,
                misfire_grace_time=max(1, int(entry.grace.total_seconds())),
                max_instances=1,
                replace_existing=True,
                **paused,
            )

    async def stop(self, grace: float = STOP_GRACE) -> None:
        """Fire nothing new, let runs in progress finish (at most ``grace`` seconds), then shut down.

        A run cut short between a post-log claim and "sent" would be posted again by the next leader.
        """
        self._stopping = True
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.pause()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace
        while self._runs and loop.time() < deadline:
            await asyncio.wait(set(self._runs), timeout=deadline - loop.time())
        if self._runs:
            log.warning(
                "%s still going after %.0f s; cancelling",
                counted(len(self._runs), "scheduled run", "scheduled runs"),
                grace,
            )
        self.shutdown()

    def shutdown(self) -> None:
        """Stop at once: runs APScheduler started are cancelled wherever they are (see ``stop``)."""
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None

    def job_ids(self) -> list[str]:
        return sorted(self.entries)

    async def fire(self, key: str) -> None:
        """APScheduler's callback, on the leader only: run every period due since the last recorded run.

        A busy event loop or a leader fail-over can make APScheduler fire late; periods that fell in
        between (within grace) are run one by one, so none is lost while the bot as a whole was up.
        """
        entry = self.entries.get(key)
        if entry is None or self._stopping or not self.is_leader():
            return
        now = self.clock.now()
        state = await self.ledger.state(entry.key)
        if state is not None and state.last_fire_at is not None:
            due = [
                t
                for t in fire_times_between(entry.trigger, state.last_fire_at, now, MAX_REPLAY)
                if now - t <= entry.grace
            ]
            busy = self._entry_locks.get(entry.key)
            in_flight_here = busy is not None and busy.locked()
            if state.status == "running" and not in_flight_here and now - state.last_fire_at <= entry.grace:
                # A run that could not even record its end (the database went away mid-run): repeat
                # its period before the later ones; the post log keeps what it already posted once.
                due.insert(0, state.last_fire_at)
            for fire_at in due:
                if self._stopping:
                    return
                await self.run(entry, fire_at)
            return
        latest = latest_fire_time(entry.trigger, now, None, max(entry.grace, timedelta(minutes=5)))
        await self.run(entry, latest or now)

    async def run(self, entry: ScheduledEntry, fire_at: datetime, catch_up: bool = False) -> bool:
        """Run one entry for the period of ``fire_at``; returns False if it raised."""
        running: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._runs.add(running)
        # One period of an entry at a time (APScheduler's fire and a catch-up may overlap): job_run
        # names the one period in flight, which is what a restart repeats after a crash.
        lock = self._entry_locks.setdefault(entry.key, asyncio.Lock())
        try:
            async with lock:
                return await self._run(entry, fire_at, catch_up)
        except Fenced as exc:
            log.warning("job %s (%s) not run: %s", entry.job, period_key(fire_at), exc)
            self.on_fenced()
            return False
        finally:
            self._runs.discard(running)
            running.set_result(None)

    async def _run(self, entry: ScheduledEntry, fire_at: datetime, catch_up: bool) -> bool:
        ctx = JobContext(entry.job, entry.key, fire_at, period_key(fire_at), entry.channels, catch_up)
        started = self.clock.now()
        await self.ledger.record(entry, fire_at, "running", started=started)
        try:
            await entry.call(ctx)
        except Exception as exc:
            log.exception("job %s (%s) failed", entry.job, ctx.period)
            await self.ledger.record(entry, fire_at, "failed", error=repr(exc)[:500])
            self._count(entry.job, "failed", started, fire_at)
            self._schedule_retry(entry, fire_at)
            return False
        self.backoff.succeeded(entry.key)
        await self.ledger.record(entry, fire_at, "ok")
        self._count(entry.job, "ok", started, fire_at)
        return True

    def _schedule_retry(self, entry: ScheduledEntry, fire_at: datetime) -> None:
        """Try the same period again later (APScheduler date job), while within the entry's grace."""
        failures, delay = self.backoff.failed(entry.key)
        if self.clock.now() + delay - fire_at > entry.grace:
            log.error("job %s (%s) failed and its grace of %s is over: not retried",
                      entry.job, period_key(fire_at), entry.grace)  # fmt: skip
            return
        if self._scheduler is None or not self._scheduler.running:
            return  # catch_up at the next start retries it
        self._scheduler.add_job(
            self.retry,
            "date",
            run_date=datetime.now(UTC) + delay,  # APScheduler waits in real time
            args=[entry.key, fire_at],
            id=f"retry:{entry.key}",
            replace_existing=True,
            misfire_grace_time=None,
        )
        log.warning("job %s (%s): retry %d in %s", entry.job, period_key(fire_at), failures, delay)

    async def retry(self, key: str, fire_at: datetime) -> None:
        """Run a failed period again, unless the entry changed, another run got there first, or
        leadership moved (the new leader's catch-up retries it)."""
        entry = self.entries.get(key)
        if entry is None or self._stopping or not self.is_leader():
            return
        state = await self.ledger.state(key)
        if state is None or state.status != "failed" or state.last_fire_at != fire_at:
            return
        if self.clock.now() - fire_at > entry.grace:
            return
        await self.run(entry, fire_at, catch_up=True)

    async def run_job_now(self, job: str) -> bool:
        """Run the first entry of ``job`` for the current time (``/steward digest send`` and tests)."""
        for entry in self.entries.values():
            if entry.job == job:
                return await self.run(entry, self.clock.now())
        raise KeyError(job)

    async def catch_up(self, replay: bool = False) -> list[str]:
        """Run what was missed: after downtime (``replay=False``) the latest missed run once, coalesced;
        on a fail-over (``replay=True``, the bot as a whole stayed up) every missed period in order.
        Both only within grace; a run cut short by a crash is always repeated."""
        try:
            return await self._catch_up(replay)
        except Fenced as exc:
            log.warning("catch-up stopped: %s", exc)
            self.on_fenced()
            return []

    async def _catch_up(self, replay: bool) -> list[str]:
        ran: list[str] = []
        now = self.clock.now()
        for entry in list(self.entries.values()):
            if self._stopping:
                break
            ran += [entry.key] * await self._catching_up.entry(entry, now, replay)
        return ran

    async def tick(self) -> list[str]:
        """Run every entry that is due by the injected clock (tests drive time with this, not sleeps)."""
        return await self.catch_up()

    def next_runs(self) -> dict[str, datetime | None]:
        now = self.clock.now()
        return {key: next_fire_time(e.trigger, now) for key, e in self.entries.items()}

    def _count(self, job: str, outcome: str, started: datetime, fire_at: datetime) -> None:
        if self.metrics is not None:
            self.metrics.job_runs.labels(job=job, outcome=outcome).inc()
            self.metrics.job_lag.labels(job=job).set(max(0.0, (started - fire_at).total_seconds()))
