"""When a trigger fires, computed against an injected "now" (so tests can cross DST and downtime)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

# A trigger's fire times are scanned forward from this far back; longer than any sane downtime
# window we would catch up on, short enough to stay cheap for minute-level crons.
_SCAN_LIMIT = 100_000


def latest_fire_time(
    trigger: Any, now: datetime, after: datetime | None, horizon: timedelta
) -> datetime | None:
    """The last time ``trigger`` fired in (after, now], looking back at most ``horizon``; None if none."""
    start = now - horizon
    if after is not None and after > start:
        start = after
    previous: datetime | None = None
    current = trigger.get_next_fire_time(None, start)
    steps = 0
    while current is not None and current <= now and steps < _SCAN_LIMIT:
        if after is None or current > after:
            previous = current
        current = trigger.get_next_fire_time(current, current + timedelta(microseconds=1))
        steps += 1
    return previous


def fire_times_between(trigger: Any, after: datetime, now: datetime, limit: int) -> list[datetime]:
    """Every fire time in (after, now], oldest first, at most the ``limit`` most recent ones."""
    times: list[datetime] = []
    current = trigger.get_next_fire_time(None, after + timedelta(microseconds=1))
    steps = 0
    while current is not None and current <= now and steps < _SCAN_LIMIT:
        times.append(current)
        current = trigger.get_next_fire_time(current, current + timedelta(microseconds=1))
        steps += 1
    return times[-limit:]


def next_fire_time(trigger: Any, now: datetime) -> datetime | None:
    """The first fire time strictly after ``now``."""
    result: datetime | None = trigger.get_next_fire_time(None, now + timedelta(microseconds=1))
    return result


PERIOD_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def period_key(fire_time: datetime) -> str:
    """The post-log period for a run: its scheduled time in UTC, identical on every instance."""
    return fire_time.astimezone(UTC).strftime(PERIOD_FORMAT)
