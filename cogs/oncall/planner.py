"""ShiftPlanner: config + roster history + time away + overrides -> who is on call when.

Pure: it takes everything as arguments (no database, no clock), so it is tested directly with
hand-built rotations across DST switches, roster changes, swaps and time away.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config.types import parse_hours_window
from cogs.oncall.config import WEEKDAYS, AvailabilityConfig, RotationConfig
from cogs.oncall.roster import RosterEpoch, epoch_for
from cogs.oncall.timeline import FollowTheSunTimeline, SimpleTimeline, Slot, timeline_for

# The shift ticker acts once a minute: a piece shorter than this (an override replaced by another
# within the minute) was never anyone's shift, so it is folded into the piece that replaced it.
MIN_PIECE = timedelta(minutes=1)


@dataclass(frozen=True)
class Shift:
    """Someone (or nobody) on call for ``rotation`` (and ``region``) during [start, end)."""

    rotation: str
    region: str | None
    start: datetime
    end: datetime
    member: str | None
    planned: str | None  # who the plain rotation had; differs when someone covers
    reason: str = "rotation"  # rotation | availability | away | override | swap | off

    @property
    def key(self) -> str:
        """Stable id of this shift (rotation, region, start): used for post-once keys and calendar UIDs."""
        return f"{self.rotation}/{self.region or '-'}/{self.start.strftime('%Y%m%dT%H%M%SZ')}"

    def contains(self, when: datetime) -> bool:
        return self.start <= when < self.end


@dataclass(frozen=True)
class Away:
    """``member`` is away during [start, end)."""

    member: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Override:
    """``member`` is on call for ``rotation`` during [start, end) whatever the plan says."""

    member: str
    start: datetime
    end: datetime
    reason: str = "override"  # override | swap
    region: str | None = None  # None: whichever region is on call


class Availability:
    """When one member can take shifts (their days, hours and monthly cap)."""

    def __init__(self, config: AvailabilityConfig, default_tz: str) -> None:
        self.tz = ZoneInfo(config.timezone or default_tz)
        self.days = {WEEKDAYS.index(d) for d in config.days}
        self.hours = parse_hours_window(config.hours) if config.hours else None
        self.max_per_month = config.max_shifts_per_month

    def available_at(self, when: datetime) -> bool:
        local = when.astimezone(self.tz)
        if self.hours is None:
            return local.weekday() in self.days
        start, end = self.hours
        t = local.time()
        if start < end:
            return local.weekday() in self.days and start <= t < end
        # A window across midnight belongs to the day it starts on.
        if t >= start:
            return local.weekday() in self.days
        return t < end and (local.weekday() - 1) % 7 in self.days


@dataclass
class PlanInput:
    """Everything the planner needs besides the rotation config."""

    epochs: Mapping[str | None, Sequence[RosterEpoch]]  # region (None for simple) -> epochs by from_slot
    away: Sequence[Away] = ()
    overrides: Sequence[Override] = ()
    availability: Mapping[str, AvailabilityConfig] | None = None


def configured_rosters(rotation: RotationConfig) -> dict[str | None, tuple[str, ...]]:
    """The members the config lists, per region (None for a simple rotation)."""
    if rotation.kind == "follow_the_sun":
        return {r.name: tuple(r.members) for r in rotation.regions}
    return {None: tuple(rotation.members)}


class ShiftPlanner:
    """Computes the effective shifts of one rotation over a time range."""

    def __init__(self, rotation: RotationConfig, plan: PlanInput) -> None:
        self.rotation = rotation
        self.plan = plan
        self.timeline = timeline_for(rotation)
        tz = rotation.timezone or "UTC"
        self.tz = ZoneInfo(tz)
        self.availability = {m: Availability(a, tz) for m, a in (plan.availability or {}).items()}
        self.away: dict[str, list[Away]] = {}
        for away in plan.away:
            self.away.setdefault(away.member, []).append(away)
        rosters = configured_rosters(rotation)
        self.epochs: dict[str | None, list[RosterEpoch]] = {
            region: sorted(plan.epochs.get(region) or [RosterEpoch(0, members)], key=lambda e: e.from_slot)
            for region, members in rosters.items()
        }

    # -- roster ------------------------------------------------------------------------------
    def _roster(self, region: str | None, member_slot: int) -> tuple[str, ...]:
        epoch = epoch_for(self.epochs.get(region, []), member_slot)
        return epoch.members if epoch else ()

    def _base_member(self, slot: Slot) -> str | None:
        epoch = epoch_for(self.epochs.get(slot.region, []), slot.member_slot)
        return epoch.member_at(slot.member_slot) if epoch else None

    def next_member_slot(self, region: str | None, now: datetime) -> int:
        """The member slot of the first shift that starts after ``now`` (where a roster change lands)."""
        if isinstance(self.timeline, FollowTheSunTimeline):
            assert region is not None
            return self.timeline.region_slot_at(region, now) + 1
        assert isinstance(self.timeline, SimpleTimeline)
        k = self.timeline.index_at(now)
        return self.timeline.member_slot(max(k + 1, 0))

    # -- effective shifts --------------------------------------------------------------------
    def shifts(self, start: datetime, end: datetime) -> list[Shift]:
        """Shifts overlapping [start, end), with availability, time away and overrides applied."""
        # Monthly caps count from the first of the month, so plan from there and cut afterwards.
        local = start.astimezone(self.tz)
        month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        counts: Counter[tuple[str, int, int]] = Counter()
        out: list[Shift] = []
        for slot in self.timeline.slots(min(start, month_start), end):
            if not slot.on_duty:
                if slot.end > start:
                    out.append(
                        Shift(self.rotation.name, slot.region, slot.start, slot.end, None, None, "off")
                    )
                continue
            planned = self._base_member(slot)
            member, reason = self._available_member(slot, planned, counts)
            if member is not None:
                at = slot.start.astimezone(self.tz)
                counts[(member, at.year, at.month)] += 1
            if slot.end <= start:
                continue
            shift = Shift(self.rotation.name, slot.region, slot.start, slot.end, member, planned, reason)
            pieces = self._apply_overrides(self._apply_away(shift, slot))
            # Pieces of the slot that end before the range (or start after it) are not asked for.
            out.extend(p for p in pieces if p.end > start and p.start < end)
        return out

    def at(self, when: datetime) -> list[Shift]:
        """The shift(s) in force at ``when`` (one per rotation; follow-the-sun has one region at a time)."""
        return [s for s in self.shifts(when, when + timedelta(seconds=1)) if s.contains(when)]

    def _candidates(self, slot: Slot, after: str | None) -> list[str]:
        roster = self._roster(slot.region, slot.member_slot)
        if not roster:
            return []
        i = roster.index(after) if after in roster else -1
        return [roster[(i + step) % len(roster)] for step in range(1, len(roster) + 1)]

    def _available_member(
        self, slot: Slot, planned: str | None, counts: Counter[tuple[str, int, int]]
    ) -> tuple[str | None, str]:
        if planned is None:
            return None, "rotation"
        at = slot.start.astimezone(self.tz)

        def ok(member: str) -> bool:
            avail = self.availability.get(member)
            if avail is None:
                return True
            if avail.max_per_month is not None and counts[(member, at.year, at.month)] >= avail.max_per_month:
                return False
            return avail.available_at(slot.start)

        if ok(planned):
            return planned, "rotation"
        for candidate in self._candidates(slot, planned):
            if ok(candidate):
                return candidate, "availability"
        # Nobody fits: the plan keeps its person and the coverage report shows the gap.
        return planned, "rotation"

    def _is_away(self, member: str, when: datetime) -> bool:
        return any(a.start <= when < a.end for a in self.away.get(member, ()))

    def _away_cuts(self, shift: Shift, people: Sequence[str]) -> list[datetime]:
        """The moments inside ``shift`` when one of ``people`` leaves or comes back."""
        return sorted(
            {
                t
                for member in people
                for a in self.away.get(member, ())
                for t in (a.start, a.end)
                if shift.start < t < shift.end
            }
        )

    def _apply_away(self, shift: Shift, slot: Slot) -> list[Shift]:
        """Cover the planned member's time away: the piece is cut wherever anyone of the roster leaves
        or comes back, so cover starts as soon as someone is there and the planned member takes over
        again the moment they are back. A cover keeps the piece while they can (no needless handoffs);
        a piece nobody can cover has no member (a coverage gap)."""
        if shift.member is None:
            return [shift]
        planned = shift.member
        candidates = [c for c in self._candidates(slot, planned) if c != planned]
        cuts = self._away_cuts(shift, [planned, *candidates])
        pieces: list[Shift] = []
        cover: str | None = None
        for s, e in zip([shift.start, *cuts], [*cuts, shift.end], strict=True):
            if not self._is_away(planned, s):
                pieces.append(replace(shift, start=s, end=e))
                cover = None
                continue
            if cover is None or self._is_away(cover, s):
                cover = next((c for c in candidates if not self._is_away(c, s)), None)
            pieces.append(replace(shift, start=s, end=e, member=cover, reason="away"))
        return _merge(pieces)

    def _apply_overrides(self, pieces: list[Shift]) -> list[Shift]:
        for ov in self.plan.overrides:
            next_pieces: list[Shift] = []
            for piece in pieces:
                if ov.region is not None and ov.region != piece.region:
                    next_pieces.append(piece)
                    continue
                if ov.end <= piece.start or ov.start >= piece.end:
                    next_pieces.append(piece)
                    continue
                if piece.start < ov.start:
                    next_pieces.append(replace(piece, end=ov.start))
                inner_start, inner_end = max(piece.start, ov.start), min(piece.end, ov.end)
                next_pieces.append(
                    replace(piece, start=inner_start, end=inner_end, member=ov.member, reason=ov.reason)
                )
                if ov.end < piece.end:
                    next_pieces.append(replace(piece, start=ov.end))
            pieces = next_pieces
        return _merge(_fold_slivers(pieces))


def _fold_slivers(pieces: list[Shift]) -> list[Shift]:
    """Fold pieces shorter than ``MIN_PIECE`` into the piece after them (the one that replaced them),
    or into the one before when they come last, so nobody holds a shift of a few milliseconds."""
    out: list[Shift] = []
    carried: datetime | None = None
    for i, piece in enumerate(pieces):
        if piece.end - piece.start < MIN_PIECE and i + 1 < len(pieces):
            carried = piece.start if carried is None else carried
            continue
        if carried is not None:
            piece, carried = replace(piece, start=carried), None
        if piece.end - piece.start < MIN_PIECE and out:
            out[-1] = replace(out[-1], end=piece.end)
            continue
        out.append(piece)
    return out


def _merge(pieces: list[Shift]) -> list[Shift]:
    """Join touching pieces that ended up with the same person for the same reason."""
    merged: list[Shift] = []
    for piece in pieces:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.end == piece.start
            and last.member == piece.member
            and last.reason == piece.reason
            and last.region == piece.region
        ):
            merged[-1] = replace(last, end=piece.end)
        else:
            merged.append(piece)
    return merged


def shift_counts(shifts: Sequence[Shift]) -> Counter[str]:
    """Shifts per person (fairness view); a shift split by cover counts once per person in it, and a
    piece too short to have been anyone's shift not at all."""
    seen: set[tuple[str, str | None, datetime]] = set()
    counts: Counter[str] = Counter()
    for s in shifts:
        if s.member is None or s.end - s.start < MIN_PIECE:
            continue
        key = (s.member, s.region, s.start)
        if key not in seen:
            seen.add(key)
            counts[s.member] += 1
    return counts
