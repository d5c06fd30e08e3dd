"""Shift swaps: asking for cover for one's own shift, and taking a swap (which becomes an override)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.core.errors import UserError
from bot.core.invocation import Actor
from cogs.oncall.models import OncallSwap
from cogs.oncall.planner import Shift
from cogs.oncall.records import ShiftRecords
from cogs.oncall.rotation_people import RotationPeople
from cogs.oncall.service import Schedule, day_bounds

# A closed swap's status, as people read it (``taken`` names the taker: see ``SwapBook.closed``).
CLOSED_KEYS = {"withdrawn": "oncall.error.swap_withdrawn", "expired": "oncall.error.swap_expired"}


class SwapBook:
    """Swap requests over the database; finds shifts through the schedule and people through the roster."""

    def __init__(self, schedule: Schedule, people: RotationPeople, records: ShiftRecords) -> None:
        self.schedule = schedule
        self.people = people
        self.records = records

    def find_own_shift(
        self, session: Session, actor: Actor, day: date, tz: ZoneInfo, now: datetime
    ) -> tuple[Shift, str]:
        """The actor's shift overlapping local ``day`` (the earliest not over yet), with the ref it is
        assigned to; UserError when they are in no rotation, have no shift that day, or it is over."""
        if not self.people.my_refs(actor):
            raise UserError("oncall.error.not_a_member")
        start, end = day_bounds(day, tz)
        over = False
        for rotation in self.schedule.config.rotations:
            refs = self.people.my_refs(actor, [rotation])
            for shift in self.schedule.shifts(session, rotation, start, end):
                if shift.member not in refs:
                    continue
                if shift.end <= now:
                    over = True  # a past shift is never swapped: the past is not rewritten
                    continue
                return shift, shift.member
        if over:
            raise UserError("oncall.error.swap_past")
        raise UserError("oncall.error.not_on_call_that_day", day=day)

    def create_swap(
        self,
        session: Session,
        shift: Shift,
        requester: str,
        member_id: int | None,
        target: str | None,
        now: datetime,
    ) -> OncallSwap:
        """Open a swap request for ``shift`` (to ``target``, or anyone); UserError when one is open."""
        existing = session.exec(
            select(OncallSwap).where(
                OncallSwap.rotation == shift.rotation,
                OncallSwap.shift_start == shift.start,
                OncallSwap.requester == requester,
                OncallSwap.status == "open",
            )
        ).first()
        if existing is not None:
            raise UserError("oncall.error.swap_exists", id=existing.id)
        swap = OncallSwap(
            rotation=shift.rotation,
            region=shift.region,
            shift_start=shift.start,
            shift_end=shift.end,
            requester=requester,
            requester_member_id=member_id,
            target=target,
            created_at=now,
        )
        session.add(swap)
        session.flush()
        return swap

    def get_swap(self, session: Session, swap_id: str) -> OncallSwap:
        """The swap a button names (UserError for a stale or made-up id)."""
        swap = session.get(OncallSwap, int(swap_id)) if swap_id.isdigit() else None
        if swap is None:
            raise UserError("core.error.stale_button")
        return swap

    def take_swap(
        self, session: Session, swap: OncallSwap, taker: str, member_id: int | None, now: datetime
    ) -> None:
        """``taker`` takes the rest of the swapped shift: the swap closes and an override records it."""
        if swap.status != "open":
            raise self.closed(session, swap)
        if swap.shift_end <= now:
            raise UserError("oncall.error.swap_past")
        start = max(swap.shift_start, now)
        swap.status, swap.taken_by, swap.resolved_at = "taken", taker, now
        session.add(swap)
        self.records.add_override(
            session, swap.rotation, taker, start, swap.shift_end, "swap", member_id, now, swap.region
        )

    def closed(self, session: Session, swap: OncallSwap) -> UserError:
        """Why ``swap`` can no longer be taken or withdrawn, in words (never the stored status)."""
        if swap.status == "taken" and swap.taken_by:
            name = self.people.known(session, swap.taken_by).name
            return UserError("oncall.error.swap_taken", outside={"name": name})
        if swap.status in CLOSED_KEYS:
            return UserError(CLOSED_KEYS[swap.status])
        return UserError("oncall.error.swap_closed")

    def open_swaps(self, session: Session) -> list[OncallSwap]:
        """Open swap requests, soonest shift first."""
        return list(
            session.exec(
                select(OncallSwap).where(OncallSwap.status == "open").order_by(col(OncallSwap.shift_start))
            )
        )
