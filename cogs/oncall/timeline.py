"""Shift boundaries of a rotation in wall-clock time: simple slots and follow-the-sun chains.

Boundaries are computed on the local calendar of the rotation (or region) and converted to UTC, so a
handoff at 09:00 stays at 09:00 local across DST switches. Pure functions; no database, no clock.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from cogs.oncall.config import RotationConfig

WEEK_MINUTES = 7 * 24 * 60


def local_to_utc(naive: datetime, tz: ZoneInfo) -> datetime:
    """A local wall-clock time as aware UTC (a time skipped by DST maps forward, like a wall clock)."""
    return naive.replace(tzinfo=tz).astimezone(UTC)


def utc_to_local(when: datetime, tz: ZoneInfo) -> datetime:
    """An aware instant as naive local wall-clock time in ``tz``."""
    return when.astimezone(tz).replace(tzinfo=None)


@dataclass(frozen=True)
class Slot:
    """One base shift before people are assigned: ``member_slot`` indexes the roster."""

    region: str | None
    start: datetime
    end: datetime
    member_slot: int
    on_duty: bool  # False for a weekend slot of a weekdays-only rotation (nobody on call)


def _minutes(length: timedelta) -> int:
    return max(1, int(length.total_seconds() // 60))


class SimpleTimeline:
    """Slots of a simple rotation: every ``shift_length`` from ``start_date`` at ``handoff_time``."""

    def __init__(self, rotation: RotationConfig) -> None:
        self.tz = ZoneInfo(rotation.timezone or "UTC")
        self.anchor = datetime.combine(rotation.start_date, rotation.handoff_time)
        self.length = rotation.shift_length
        self.weekdays_only = rotation.weekdays_only

    def _start(self, k: int) -> datetime:
        return local_to_utc(self.anchor + k * self.length, self.tz)

    def _local_start(self, k: int) -> datetime:
        return self.anchor + k * self.length

    def index_at(self, when: datetime) -> int:
        """The slot index containing ``when`` (negative before the start date)."""
        k = math.floor((utc_to_local(when, self.tz) - self.anchor) / self.length)
        while self._start(k) > when:
            k -= 1
        while self._start(k + 1) <= when:
            k += 1
        return k

    def _on_duty(self, k: int) -> bool:
        return not self.weekdays_only or self._local_start(k).weekday() < 5

    def member_slot(self, k: int) -> int:
        """Slots counted without skipped weekend slots, so weekdays-only rotations skip nobody."""
        if not self.weekdays_only or k <= 0:
            return k
        length_min = _minutes(self.length)
        # Weekday of each slot start follows the anchor's local date plus whole minutes elapsed.
        anchor_minutes = self.anchor.hour * 60 + self.anchor.minute
        period, flags = _duty_per_period_at(length_min, self.anchor.weekday(), anchor_minutes)
        full, rest = divmod(k, period)
        return full * sum(flags) + sum(flags[:rest])

    def slots(self, start: datetime, end: datetime) -> list[Slot]:
        """Every slot overlapping [start, end), from the start date on."""
        first = max(0, self.index_at(start))
        out: list[Slot] = []
        k = first
        while True:
            s, e = self._start(k), self._start(k + 1)
            if s >= end:
                break
            if e > start:
                out.append(Slot(None, s, e, self.member_slot(k), self._on_duty(k)))
            k += 1
        return out


@cache
def _duty_per_period_at(
    length_min: int, first_weekday: int, anchor_minutes: int
) -> tuple[int, tuple[bool, ...]]:
    period = WEEK_MINUTES // math.gcd(WEEK_MINUTES, length_min)
    flags = tuple(
        (first_weekday + (anchor_minutes + k * length_min) // (24 * 60)) % 7 < 5 for k in range(period)
    )
    return period, flags


class FollowTheSunTimeline:
    """Region shifts: each region starts at its local start time and hands off to the next region.

    A region's shift ends exactly when the next region's starts, so the day is covered with no gap and
    no overlap whatever the DST rules of the zones involved. A region's ``end`` is its working hours,
    used for coverage reports only.
    """

    def __init__(self, rotation: RotationConfig) -> None:
        self.start_date = rotation.start_date
        self.weekdays_only = rotation.weekdays_only
        self.shift_days = max(1, rotation.shift_length.days)
        self.regions = [(r.name, ZoneInfo(r.timezone), r.start) for r in rotation.regions]

    def _starts(self, first: date, last: date) -> list[tuple[datetime, str, date]]:
        found = []
        day = first
        while day <= last:
            for name, tz, start in self.regions:
                found.append((local_to_utc(datetime.combine(day, start), tz), name, day))
            day += timedelta(days=1)
        found.sort()
        return found

    def slots(self, start: datetime, end: datetime) -> list[Slot]:
        # Local dates differ from UTC ones by at most a day; two days of margin keep the chain whole.
        first = max(self.start_date, start.date() - timedelta(days=2))
        last = end.date() + timedelta(days=2)
        if last < first:
            return []
        starts = self._starts(first, last)
        out = []
        for (s, name, day), (e, _, _) in itertools.pairwise(starts):
            if e <= start or s >= end:
                continue
            days = (day - self.start_date).days
            on_duty = not self.weekdays_only or day.weekday() < 5
            out.append(Slot(name, s, e, days // self.shift_days, on_duty))
        return out

    def region_slot_at(self, region: str, when: datetime) -> int:
        """The member slot of ``region`` on the local date of ``when``."""
        tz = next(z for n, z, _ in self.regions if n == region)
        return max(0, (utc_to_local(when, tz).date() - self.start_date).days // self.shift_days)


Timeline = SimpleTimeline | FollowTheSunTimeline


def timeline_for(rotation: RotationConfig) -> Timeline:
    """The timeline matching the rotation's kind."""
    if rotation.kind == "follow_the_sun":
        return FollowTheSunTimeline(rotation)
    return SimpleTimeline(rotation)
