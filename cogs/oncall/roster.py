"""Rotation rosters over time: who is in a rotation from which shift on, and in what order.

A roster change takes effect at the next shift and keeps the person who was due next, so adding or
removing a member never rewrites past shifts and moves the future order as little as possible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class RosterEpoch:
    """From member-slot ``from_slot`` on, slot ``k`` goes to ``members[(k - from_slot + offset) % n]``."""

    from_slot: int
    members: tuple[str, ...]
    offset: int = 0

    def member_at(self, slot: int) -> str | None:
        if not self.members:
            return None
        return self.members[(slot - self.from_slot + self.offset) % len(self.members)]


def epoch_for(epochs: Sequence[RosterEpoch], slot: int) -> RosterEpoch | None:
    """The epoch in force at ``slot`` (epochs sorted by ``from_slot``); the first one covers earlier slots."""
    chosen = epochs[0] if epochs else None
    for epoch in epochs:
        if epoch.from_slot <= slot:
            chosen = epoch
        else:
            break
    return chosen


def roster_change(
    epochs: Sequence[RosterEpoch], members: Sequence[str], next_slot: int
) -> RosterEpoch | None:
    """The epoch to add when the configured ``members`` differ from the roster in force at ``next_slot``.

    The person who was due at ``next_slot`` keeps that shift when still a member; otherwise the first
    remaining member after them in the old order takes it. Returns None when nothing changed.
    """
    new = tuple(members)
    current = epoch_for(epochs, next_slot)
    if current is None:
        return RosterEpoch(next_slot, new, 0)
    if current.members == new:
        return None
    offset = 0
    old = current.members
    if old and new:
        due_index = (next_slot - current.from_slot + current.offset) % len(old)
        for step in range(len(old)):
            candidate = old[(due_index + step) % len(old)]
            if candidate in new:
                offset = new.index(candidate)
                break
    return RosterEpoch(next_slot, new, offset)
