"""Stretches: the back-to-back pieces one person holds, which is what people call their shift.

An override, a swap or cover for time away can hand the same person the next piece as well; "until"
is then the end of the last of them, wherever it is shown (/oncall now, /oncall handoff, the override
reply, the handoff post, the DM and the channel topic at shift start, the home page).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from cogs.oncall.planner import Shift, ShiftPlanner

FIRST_REACH = timedelta(days=8)  # a week-long shift and its neighbours
MAX_REACH = timedelta(days=400)  # time away and overrides are at most a year


def run_at(shifts: Sequence[Shift], at: datetime) -> list[Shift]:
    """The piece of ``shifts`` (in time order) in force at ``at`` and the touching pieces around it
    held by the same person; just that piece when nobody holds it; [] when none is in force."""
    index = next((i for i, s in enumerate(shifts) if s.contains(at)), None)
    if index is None:
        return []
    member = shifts[index].member
    if member is None:
        return [shifts[index]]
    first = last = index
    while first > 0 and _continues(shifts[first - 1], shifts[first], member):
        first -= 1
    while last + 1 < len(shifts) and _continues(shifts[last], shifts[last + 1], member):
        last += 1
    return list(shifts[first : last + 1])


def _continues(before: Shift, after: Shift, member: str) -> bool:
    return before.end == after.start and before.member == member and after.member == member


def held_pieces(planner: ShiftPlanner, at: datetime) -> list[Shift]:
    """:func:`run_at` over the planner's shifts, looking further out while the run reaches the edge of
    what was planned (a long override), up to ``MAX_REACH`` on each side."""
    reach = FIRST_REACH
    while True:
        shifts = planner.shifts(at - reach, at + reach)
        pieces = run_at(shifts, at)
        if not pieces or reach >= MAX_REACH:
            return pieces
        open_before = pieces[0] is shifts[0] and pieces[0].start <= at - reach
        open_after = pieces[-1] is shifts[-1] and pieces[-1].end >= at + reach
        if not (open_before or open_after):
            return pieces
        reach = min(reach * 4, MAX_REACH)


def joined(pieces: Sequence[Shift]) -> Shift:
    """One shift from the first piece's start to the last one's end (the first piece's key)."""
    return replace(pieces[0], end=pieces[-1].end)


def held_at(planner: ShiftPlanner, at: datetime) -> Shift | None:
    """The whole stretch in force at ``at`` as one shift, or None when no shift is in force."""
    pieces = held_pieces(planner, at)
    return joined(pieces) if pieces else None
