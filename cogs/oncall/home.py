"""A person's on-call overview for their home page: their shifts ahead, whether they are on call now,
and the swap requests addressed to them. Planning is the planner's; this only picks their part."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.core.clock import Clock
from bot.core.events import EventBus, HomeChanged
from bot.db.database import Database
from cogs.oncall.people import identity_refs
from cogs.oncall.planner import Shift
from cogs.oncall.rotation_people import RotationPeople
from cogs.oncall.service import Schedule
from cogs.oncall.stretch import held_at
from cogs.oncall.swap_book import SwapBook

HOME_DAYS = 14


@dataclass(frozen=True)
class SwapAsk:
    """An open swap request someone addressed to this person."""

    id: int
    rotation: str
    start: datetime
    end: datetime
    requester: str  # display name


@dataclass(frozen=True)
class HomeShifts:
    """One person's part of every rotation over the next ``days`` days."""

    days: int
    upcoming: list[Shift]  # their shifts overlapping [now, now + days), by start
    current: list[Shift]  # the stretches they hold now (back-to-back pieces joined), one per rotation
    swaps: list[SwapAsk]
    names: dict[str, str]  # ref -> display name, for the people their shifts cover for


def home_shifts(
    schedule: Schedule,
    people: RotationPeople,
    swap_book: SwapBook,
    session: Session,
    member_id: int,
    now: datetime,
    days: int = HOME_DAYS,
) -> HomeShifts | None:
    """What ``member_id`` has ahead on call; None when they take part in no rotation and nobody asks them."""
    info = people.members.info(session, member_id)
    if info is None:
        return None
    own_platform_refs = [f"{platform}:{user_id}" for platform, user_id in info.identities]
    config = people.config()
    upcoming: list[Shift] = []
    current: list[Shift] = []
    all_refs: set[str] = set()
    in_rotation = False
    for rotation in schedule.config.rotations:
        roster = people.rotation_refs(rotation)
        refs = identity_refs(config, info.identities, info.github_login, [*roster, *own_platform_refs])
        in_rotation = in_rotation or any(r in refs for r in roster)
        all_refs |= {r.lower() for r in refs}
        # Overrides and swaps may name them by platform id even when the roster names their login.
        planner = schedule.planner(session, rotation)
        upcoming += [s for s in planner.shifts(now, now + timedelta(days=days)) if s.member in refs]
        held = held_at(planner, now)
        if held is not None and held.member in refs:
            current.append(held)
    upcoming.sort(key=lambda s: (s.start, s.rotation))
    swaps = [
        SwapAsk(
            swap.id,
            swap.rotation,
            swap.shift_start,
            swap.shift_end,
            people.resolve(session, swap.requester, now).name,
        )
        for swap in swap_book.open_swaps(session)
        if swap.id is not None and swap.target and swap.target.lower() in all_refs and swap.shift_end > now
    ]
    if not in_rotation and not upcoming and not swaps:
        return None
    covered = {s.planned for s in upcoming if s.planned and s.planned != s.member}
    names = {ref: people.resolve(session, ref, now).name for ref in covered}
    return HomeShifts(days, upcoming, current, swaps, names)


def home_member_ids(
    people: RotationPeople, session: Session, refs: set[str | None], now: datetime
) -> list[int]:
    """The member ids behind ``refs`` (whose home pages show a change)."""
    ids = {people.resolve(session, ref, now).member_id for ref in refs if ref}
    return sorted(i for i in ids if i is not None)


class HomeNotifier:
    """Tells the adapters whose home pages changed after a shift change (away, override, swap)."""

    def __init__(self, people: RotationPeople, db: Database, clock: Clock, bus: EventBus) -> None:
        self.people = people
        self.db = db
        self.clock = clock
        self.bus = bus

    async def changed(self, refs: set[str | None]) -> None:
        """Publish HomeChanged for the people behind ``refs``."""
        now = self.clock.now()
        for member_id in await self.db.run(lambda s: home_member_ids(self.people, s, refs, now)):
            await self.bus.publish(HomeChanged(member_id))
