"""The on-call schedule over the database: rotations, planning, roster changes, who is on call now.

The other parts of the feature hold what they use next to this: the people of the rotations
(:mod:`cogs.oncall.rotation_people`), time away, overrides and handoff notes
(:mod:`cogs.oncall.records`), swaps (:mod:`cogs.oncall.swap_book`) and the triage queue
(:mod:`cogs.oncall.triage`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.core.errors import UserError
from bot.core.invocation import Actor
from cogs.oncall.config import OncallConfig, RotationConfig
from cogs.oncall.models import OncallAway, OncallOverride, OncallRoster, OncallTriage
from cogs.oncall.planner import Away, Override, PlanInput, Shift, ShiftPlanner, configured_rosters
from cogs.oncall.roster import RosterEpoch, roster_change
from cogs.oncall.stretch import held_at, held_pieces, joined

UPCOMING = timedelta(days=35)  # how far /oncall now looks for the next person


def parse_day(text: str) -> date:
    """A YYYY-MM-DD date, or a UserError that says so."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError("oncall.error.bad_date", value=text) from None


def last_day_allowed(first: date) -> date:
    """The last day of at most a year (time away, an override) starting on ``first``: the day before
    the same date next year (from Feb 29, Feb 28)."""
    try:
        return first.replace(year=first.year + 1) - timedelta(days=1)
    except ValueError:
        return date(first.year + 1, 2, 28)


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[00:00, next 00:00) of a local day, as aware instants."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    return start, end


@dataclass(frozen=True)
class RotationNow:
    """Who is on call in one rotation now, since when, until when, and who is next.

    ``current`` is the whole stretch the person holds (back-to-back pieces joined), with the region of
    the piece in force."""

    rotation: RotationConfig
    current: Shift | None
    upcoming: Shift | None


class Schedule:
    """The rotations and their shifts, as plain methods over the database and the feature's section.

    ``section`` and ``project_timezone`` are asked on each use, so a config reload applies at once.
    """

    def __init__(self, section: Callable[[], OncallConfig], project_timezone: Callable[[], str]) -> None:
        self.section = section
        self.project_timezone = project_timezone

    @property
    def config(self) -> OncallConfig:
        """The feature's current section."""
        return self.section()

    def rotation(self, name: str | None) -> list[RotationConfig]:
        """The named rotation (UserError with the valid names when unknown), or all of them."""
        if name is None:
            return list(self.config.rotations)
        for rotation in self.config.rotations:
            if rotation.name == name.lower():
                return [rotation]
        raise UserError(
            "oncall.error.unknown_rotation", name=name, names=", ".join(r.name for r in self.config.rotations)
        )

    def project_tz(self) -> ZoneInfo:
        """The project's time zone: shift boundaries and shared posts are in it."""
        return ZoneInfo(self.project_timezone())

    def viewer_tz(self, actor: Actor) -> ZoneInfo:
        """The zone ``actor`` reads times in: their own when they set one, else the project's."""
        return ZoneInfo(actor.timezone) if actor.timezone else self.project_tz()

    def planner(self, session: Session, rotation: RotationConfig) -> ShiftPlanner:
        """A planner with the stored roster history, time away and overrides of ``rotation``."""
        epochs: dict[str | None, list[RosterEpoch]] = {}
        for row in session.exec(select(OncallRoster).where(OncallRoster.rotation == rotation.name)):
            epochs.setdefault(row.region or None, []).append(
                RosterEpoch(row.from_slot, tuple(row.members), row.offset)
            )
        away = [
            Away(a.member, a.starts_at, a.ends_at)
            for a in session.exec(select(OncallAway).order_by(col(OncallAway.id)))
        ]
        overrides = [
            Override(o.member, o.starts_at, o.ends_at, o.reason, o.region)
            for o in session.exec(
                select(OncallOverride)
                .where(OncallOverride.rotation == rotation.name)
                .order_by(col(OncallOverride.id))
            )
        ]
        plan = PlanInput(epochs=epochs, away=away, overrides=overrides, availability=self.config.availability)
        return ShiftPlanner(rotation, plan)

    def sync_rosters(self, session: Session, now: datetime) -> int:
        """Record roster changes from the config (effective from the next shift); returns how many."""
        changes = 0
        for rotation in self.config.rotations:
            planner = self.planner(session, rotation)
            for region, members in configured_rosters(rotation).items():
                rows = list(
                    session.exec(
                        select(OncallRoster)
                        .where(OncallRoster.rotation == rotation.name, OncallRoster.region == (region or ""))
                        .order_by(col(OncallRoster.from_slot))
                    )
                )
                if not rows:
                    session.add(
                        OncallRoster(
                            rotation=rotation.name,
                            region=region or "",
                            from_slot=0,
                            members=list(members),
                            created_at=now,
                        )
                    )
                    changes += 1
                    continue
                if list(rows[-1].members) == list(members):
                    continue
                next_slot = planner.next_member_slot(region, now)
                # Two edits within one shift: the later one replaces the change still pending.
                for row in rows:
                    if row.from_slot >= next_slot:
                        session.delete(row)
                session.flush()
                earlier = [
                    RosterEpoch(r.from_slot, tuple(r.members), r.offset)
                    for r in rows
                    if r.from_slot < next_slot
                ]
                change = roster_change(earlier, members, next_slot)
                if change is None:
                    continue
                session.add(
                    OncallRoster(
                        rotation=rotation.name,
                        region=region or "",
                        from_slot=change.from_slot,
                        members=list(change.members),
                        offset=change.offset,
                        created_at=now,
                    )
                )
                changes += 1
        return changes

    def shifts(
        self, session: Session, rotation: RotationConfig, start: datetime, end: datetime
    ) -> list[Shift]:
        """The pieces of ``rotation``'s shifts overlapping [start, end)."""
        return self.planner(session, rotation).shifts(start, end)

    def held(self, session: Session, rotation: RotationConfig, at: datetime) -> Shift | None:
        """The whole stretch one person holds at ``at`` (back-to-back pieces joined), or None."""
        return held_at(self.planner(session, rotation), at)

    def now(
        self, session: Session, now: datetime, planners: Mapping[str, ShiftPlanner] | None = None
    ) -> list[RotationNow]:
        """Per rotation: the stretch in force and the next shift with a different person. ``planners``
        (by rotation name) are reused when the caller already loaded them for other spans."""
        out = []
        for rotation in self.config.rotations:
            planner = planners[rotation.name] if planners else self.planner(session, rotation)
            pieces = held_pieces(planner, now)
            current = None
            if pieces:
                in_force = next(p for p in pieces if p.contains(now))
                current = replace(joined(pieces), region=in_force.region)
            after = current.end if current else now
            upcoming = next(
                (
                    s
                    for s in planner.shifts(after, after + UPCOMING)
                    if s.start >= after
                    and s.member is not None
                    and (current is None or s.member != current.member)
                ),
                None,
            )
            out.append(RotationNow(rotation, current, upcoming))
        return out

    def changed_at(self, session: Session) -> datetime | None:
        """When the schedule or the queue last changed (roster, override, time away, new item): the
        public page's Last-Modified."""
        stamps = [
            session.exec(select(func.max(OncallRoster.created_at))).one(),
            session.exec(select(func.max(OncallOverride.created_at))).one(),
            session.exec(select(func.max(OncallAway.created_at))).one(),
            session.exec(select(func.max(OncallTriage.opened_at))).one(),
        ]
        known = [s for s in stamps if s is not None]
        return max(known) if known else None
