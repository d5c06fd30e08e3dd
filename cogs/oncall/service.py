"""The on-call logic over the database: rosters, schedules, time away, overrides, swaps, notes, triage."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.core.cog import Services
from bot.core.errors import UserError
from bot.core.invocation import Actor
from bot.core.refs import UserRef
from cogs.oncall.config import OncallConfig, RotationConfig
from cogs.oncall.models import (
    OncallAway,
    OncallHandoffNote,
    OncallOverride,
    OncallRoster,
    OncallSwap,
    OncallTriage,
)
from cogs.oncall.people import PeopleResolver, Person, actor_refs, rotation_ref_of
from cogs.oncall.planner import Away, Override, PlanInput, Shift, ShiftPlanner, configured_rosters
from cogs.oncall.public_names import known_person
from cogs.oncall.roster import RosterEpoch, roster_change
from cogs.oncall.triage import TriageStore


def parse_day(text: str) -> date:
    """A YYYY-MM-DD date, or a UserError that says so."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError("oncall.error.bad_date", value=text) from None


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[00:00, next 00:00) of a local day, as aware instants."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    return start, end


@dataclass(frozen=True)
class RotationNow:
    """Who is on call in one rotation now, since when, until when, and who is next."""

    rotation: RotationConfig
    current: Shift | None
    upcoming: Shift | None


class OncallService:
    """Everything /oncall does, as plain methods over the database and the config."""

    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def config(self) -> OncallConfig:
        config = self.services.config.section(OncallConfig)
        assert config is not None, "the oncall cog is loaded only with an oncall section"
        return config

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

    def triage(self) -> TriageStore:
        """The queue and triage records, with the maintainers and the configured bot accounts."""
        github = self.services.config.github
        bots = github.bot_logins if github is not None else []
        return TriageStore(self.config, self.services.maintainers().github_logins, bots)

    def people(self) -> PeopleResolver:
        return PeopleResolver(self.services.config, self.services.members)

    def project_tz(self) -> ZoneInfo:
        return ZoneInfo(self.services.config.project.timezone)

    def viewer_tz(self, actor: Actor) -> ZoneInfo:
        return ZoneInfo(actor.timezone) if actor.timezone else self.project_tz()

    # -- planning ------------------------------------------------------------------------------
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
        return self.planner(session, rotation).shifts(start, end)

    def now(
        self, session: Session, now: datetime, planners: Mapping[str, ShiftPlanner] | None = None
    ) -> list[RotationNow]:
        """Per rotation: the shift in force and the next one with a different person. ``planners``
        (by rotation name) are reused when the caller already loaded them for other spans."""
        out = []
        for rotation in self.config.rotations:
            planner = planners[rotation.name] if planners else self.planner(session, rotation)
            shifts = [
                s
                for s in planner.shifts(now, now + timedelta(days=35))
                if s.reason != "off" or s.contains(now)
            ]
            current = next((s for s in shifts if s.contains(now)), None)
            upcoming = next(
                (
                    s
                    for s in shifts
                    if s.start >= (current.end if current else now)
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

    # -- people --------------------------------------------------------------------------------
    def rotation_refs(self, rotation: RotationConfig) -> list[str]:
        return [m for members in configured_rosters(rotation).values() for m in members]

    def my_refs(self, actor: Actor, rotations: Sequence[RotationConfig] | None = None) -> set[str]:
        """The member refs (in the given rotations, default all) that denote ``actor``."""
        refs = [r for rot in (rotations or self.config.rotations) for r in self.rotation_refs(rot)]
        return actor_refs(self.services.config, actor, refs)

    def resolve(self, session: Session, ref: str, now: datetime) -> Person:
        return self.people().resolve(session, ref, now)

    def named_ref(
        self, session: Session, platform: str, named: UserRef | str, now: datetime, refs: list[str]
    ) -> str:
        """The rotation ref (one of ``refs`` when it names them) of the person a command argument names."""
        person = self.services.people.resolve(session, platform, named, now, also=refs)
        return rotation_ref_of(self.services.config, person, platform, refs)

    def known(self, session: Session, ref: str) -> Person:
        """``resolve`` for readers (public pages, calendar feeds): the same person, nothing written."""
        return known_person(self.services.config, self.services.members, session, ref)

    # -- time away, overrides, notes -----------------------------------------------------------
    def add_away(
        self,
        session: Session,
        refs: set[str],
        start: datetime,
        end: datetime,
        member_id: int | None,
        now: datetime,
    ) -> None:
        for ref in sorted(refs):
            session.add(
                OncallAway(member=ref, starts_at=start, ends_at=end, created_by=member_id, created_at=now)
            )

    def add_override(
        self,
        session: Session,
        rotation: str,
        ref: str,
        start: datetime,
        end: datetime,
        reason: str,
        member_id: int | None,
        now: datetime,
        region: str | None = None,
    ) -> None:
        session.add(
            OncallOverride(
                rotation=rotation,
                region=region,
                member=ref,
                starts_at=start,
                ends_at=end,
                reason=reason,
                created_by=member_id,
                created_at=now,
            )
        )

    def add_note(
        self, session: Session, shift: Shift, author: str, member_id: int | None, note: str, now: datetime
    ) -> None:
        session.add(
            OncallHandoffNote(
                rotation=shift.rotation,
                shift_key=shift.key,
                author=author,
                author_member_id=member_id,
                note=note,
                created_at=now,
            )
        )

    def notes(self, session: Session, shift_key: str) -> list[OncallHandoffNote]:
        return list(
            session.exec(
                select(OncallHandoffNote)
                .where(OncallHandoffNote.shift_key == shift_key)
                .order_by(col(OncallHandoffNote.id))
            )
        )

    # -- swaps ---------------------------------------------------------------------------------
    def find_own_shift(self, session: Session, actor: Actor, day: date, tz: ZoneInfo) -> tuple[Shift, str]:
        """The actor's shift overlapping local ``day`` (the earliest), with the ref it is assigned to."""
        start, end = day_bounds(day, tz)
        for rotation in self.config.rotations:
            refs = self.my_refs(actor, [rotation])
            for shift in self.shifts(session, rotation, start, end):
                if shift.member in refs:
                    return shift, shift.member
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
        swap = session.get(OncallSwap, int(swap_id)) if swap_id.isdigit() else None
        if swap is None:
            raise UserError("core.error.stale_button")
        return swap

    def take_swap(
        self, session: Session, swap: OncallSwap, taker: str, member_id: int | None, now: datetime
    ) -> None:
        if swap.status != "open":
            raise UserError("oncall.error.swap_closed", status=swap.status)
        if swap.shift_end <= now:
            raise UserError("oncall.error.swap_past")
        start = max(swap.shift_start, now)
        swap.status, swap.taken_by, swap.resolved_at = "taken", taker, now
        session.add(swap)
        self.add_override(
            session, swap.rotation, taker, start, swap.shift_end, "swap", member_id, now, swap.region
        )

    def open_swaps(self, session: Session) -> list[OncallSwap]:
        return list(
            session.exec(
                select(OncallSwap).where(OncallSwap.status == "open").order_by(col(OncallSwap.shift_start))
            )
        )
