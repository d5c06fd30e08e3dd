"""Coverage gaps: times in a week when nobody who could be on call is available.

Members state their available days/hours (``oncall.availability``); a member without an entry is
available any time. Off-duty time of a weekdays-only rotation is not a gap. Gaps are warnings, never
errors: a volunteer rotation with holes is still a rotation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cogs.oncall.config import AvailabilityConfig, OncallConfig, RotationConfig
from cogs.oncall.planner import Availability, configured_rosters
from cogs.oncall.timeline import timeline_for

STEP = timedelta(minutes=30)
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Gap:
    """[start, end) in UTC when nobody in the rotation is available."""

    rotation: str
    start: datetime
    end: datetime


def reference_week(now: datetime) -> datetime:
    """Monday 00:00 UTC of the week after ``now`` (a whole week ahead, the one people plan for)."""
    today = now.astimezone(UTC).date()
    monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
    return datetime(monday.year, monday.month, monday.day, tzinfo=UTC)


def rotation_gaps(
    rotation: RotationConfig, availability: Mapping[str, AvailabilityConfig], week: datetime
) -> list[Gap]:
    """Gaps of ``rotation`` during the week starting at ``week`` (UTC), in 30-minute steps."""
    tz = rotation.timezone or "UTC"
    avail = {m: Availability(a, tz) for m, a in availability.items()}
    rosters = configured_rosters(rotation)
    slots = timeline_for(rotation).slots(week, week + timedelta(days=7))
    gaps: list[Gap] = []
    t = week
    while t < week + timedelta(days=7):
        slot = next((s for s in slots if s.start <= t < s.end), None)
        uncovered = False
        if slot is not None and slot.on_duty:
            members = rosters.get(slot.region, ())
            uncovered = not any(m not in avail or avail[m].available_at(t) for m in members)
        if uncovered:
            if gaps and gaps[-1].end == t:
                gaps[-1] = Gap(rotation.name, gaps[-1].start, t + STEP)
            else:
                gaps.append(Gap(rotation.name, t, t + STEP))
        t += STEP
    return gaps


def coverage_gaps(config: OncallConfig, now: datetime) -> list[Gap]:
    """Gaps of every rotation in the reference week after ``now``."""
    week = reference_week(now)
    return [g for r in config.rotations for g in rotation_gaps(r, config.availability, week)]


def describe_gap(gap: Gap, day_names: tuple[str, ...] = DAY_NAMES) -> str:
    """'Saturday 02:00–06:00 UTC', or 'Saturday 22:00 – Sunday 02:00 UTC' across midnight."""
    start, end = gap.start, gap.end
    first = f"{day_names[start.weekday()]} {start:%H:%M}"
    last_day = (end - timedelta(seconds=1)).weekday()
    if last_day == start.weekday() and end - start < timedelta(days=1):
        closing = "24:00" if end.time() == datetime.min.time() else f"{end:%H:%M}"
        return f"{first}–{closing} UTC"
    return f"{first} – {day_names[end.weekday()]} {end:%H:%M} UTC"
