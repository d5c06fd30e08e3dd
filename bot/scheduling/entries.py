"""The config's ``schedules:`` entries bound to the jobs the features offer, and what a run is told."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

if TYPE_CHECKING:
    from bot.config import StewardConfig

log = logging.getLogger(__name__)
Job = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class JobContext:
    """What a scheduled job is told about its run."""

    job: str
    key: str
    scheduled_at: datetime
    period: str
    channels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # platform -> purposes or ids
    catch_up: bool = False


@dataclass
class ScheduledEntry:
    """One ``schedules:`` entry bound to the job function that a cog offers."""

    key: str
    job: str
    trigger: Any
    grace: timedelta
    fn: Job
    channels: Mapping[str, tuple[str, ...]]
    description: str

    async def call(self, ctx: JobContext) -> None:
        """Run the job, passing ``ctx`` when the job takes it."""
        if _accepts_context(self.fn):
            await self.fn(ctx)
        else:
            await self.fn()


def _accepts_context(fn: Job) -> bool:
    try:
        return len(inspect.signature(fn).parameters) >= 1
    except (TypeError, ValueError):
        return False


def build_entries(
    config: StewardConfig, jobs: Mapping[str, Job], defaults: Mapping[str, tuple[Any, timedelta]]
) -> dict[str, ScheduledEntry]:
    """The config's schedules by key, plus ``defaults`` (trigger, grace) for jobs it does not name."""
    project_tz = ZoneInfo(config.project.timezone)
    entries: dict[str, ScheduledEntry] = {}
    named = set()
    for entry in config.schedules:
        named.add(entry.job)
        if not entry.enabled:
            continue
        fn = jobs.get(entry.job)
        if fn is None:
            log.warning(
                "schedule %r: no loaded feature offers this job (is its section configured?)", entry.job
            )
            continue
        tz = ZoneInfo(entry.timezone) if entry.timezone else project_tz
        if entry.cron:
            trigger: Any = CronTrigger.from_crontab(entry.cron, timezone=tz)
            description = f"cron {entry.cron} {tz.key}"
        else:
            assert entry.interval is not None
            trigger = IntervalTrigger(
                seconds=entry.interval.total_seconds(),
                timezone=tz,
                start_date=datetime(2020, 1, 1, tzinfo=tz),
            )
            description = f"every {entry.interval}"
        key = f"{entry.job}@{description}"
        channels = {p: tuple(ids) for p, ids in entry.channels.model_dump().items() if ids}
        entries[key] = ScheduledEntry(key, entry.job, trigger, entry.grace, fn, channels, description)
    for job, (trigger, grace) in defaults.items():
        if job in named or job not in jobs:
            continue
        key = f"{job}@default"
        entries[key] = ScheduledEntry(key, job, trigger, grace, jobs[job], {}, "default")
    return entries


class RetryBackoff:
    """How long a failed entry waits before its period is tried again: ``delays`` in turn, then
    ``every``; a success starts the count over."""

    def __init__(self, delays: tuple[timedelta, ...], every: timedelta) -> None:
        self.delays = delays
        self.every = every
        self._failures: dict[str, int] = {}  # entry key -> failed runs in a row

    def failed(self, key: str) -> tuple[int, timedelta]:
        """Count a failure of ``key``; returns how many in a row, and the wait before the next try."""
        failures = self._failures[key] = self._failures.get(key, 0) + 1
        delay = self.delays[failures - 1] if failures <= len(self.delays) else self.every
        return failures, delay

    def succeeded(self, key: str) -> None:
        """``key`` ran: its next failure waits the first delay again."""
        self._failures.pop(key, None)
