"""The one definition of the onboarding figures, used by the digest, ``/onboard stats`` and the funnel.

A figure is about the *cohort* of a window: the people who **joined** in [since, until) (a join the
greeter recorded; bots never count). Of them, measured at ``until``: who **picked a path** (started
one), who **finished a step** (a confirmed step; step k: k confirmed steps), who **finished a path**.
Everyone is counted once, however many paths they switched between or steps they did.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from cogs.onboarding.models import Enrollment, Newcomer, StepDone


@dataclass(frozen=True)
class Cohort:
    """Who joined in a window, and when each of them reached each stage (by ``until``)."""

    joined: dict[int, datetime]  # member id -> joined at
    names: dict[int, str]  # member id -> name as they joined
    picked: dict[int, datetime] = field(default_factory=dict)  # first path started
    steps: dict[int, list[datetime]] = field(default_factory=dict)  # confirmed steps, in order
    finished: dict[int, datetime] = field(default_factory=dict)  # first path finished

    def joined_names(self) -> list[str]:
        return [self.names[m] for m in sorted(self.joined, key=lambda m: (self.joined[m], m))]

    def reached_step(self, k: int) -> dict[int, datetime]:
        """People with at least ``k`` confirmed steps, and when they did the k-th."""
        return {m: times[k - 1] for m, times in self.steps.items() if len(times) >= k}


def cohort(session: Session, since: datetime | None, until: datetime) -> Cohort:
    """The cohort of people who joined in [since, until) (``since`` None: ever)."""
    query = select(Newcomer.member_id, Newcomer.joined_at, Newcomer.display_name).where(
        Newcomer.joined_at < until
    )
    if since is not None:
        query = query.where(Newcomer.joined_at >= since)
    rows = session.exec(query).all()
    joined = {member_id: at for member_id, at, _ in rows}
    names = {member_id: name for member_id, _, name in rows}
    if not joined:
        return Cohort(joined, names)
    members = sorted(joined)
    picked = dict(
        session.exec(
            select(Enrollment.member_id, func.min(Enrollment.started_at))
            .where(col(Enrollment.member_id).in_(members), col(Enrollment.started_at) <= until)
            .group_by(col(Enrollment.member_id))
        ).all()
    )
    finished = {
        member_id: at
        for member_id, at in session.exec(
            select(Enrollment.member_id, func.min(Enrollment.finished_at))
            .where(col(Enrollment.member_id).in_(members), col(Enrollment.finished_at) <= until)
            .group_by(col(Enrollment.member_id))
        ).all()
        if at is not None
    }
    steps: dict[int, list[datetime]] = defaultdict(list)
    for member_id, at in session.exec(
        select(StepDone.member_id, StepDone.completed_at)
        .where(
            col(StepDone.member_id).in_(members),
            col(StepDone.confirmed).is_(True),
            col(StepDone.completed_at) <= until,
        )
        .order_by(col(StepDone.completed_at))
    ).all():
        if at is not None:
            steps[member_id].append(at)
    return Cohort(joined, names, picked, dict(steps), finished)
