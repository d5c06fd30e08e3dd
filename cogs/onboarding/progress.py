"""Who is on which path and how they move along it: starting, completing steps, stopping.

Every function takes a SQL session and runs inside the caller's transaction; the cog turns the
returned :class:`Advance` into messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.core.errors import UserError
from bot.db.models import IssueLabel, Member, Repo, TrackedIssue
from cogs.onboarding.config import OnboardingConfig, PathConfig, StepConfig
from cogs.onboarding.models import Enrollment, StepDone
from cogs.onboarding.paths import find_path, path_named, step_at


class AlreadyOnPath(UserError):
    """Starting the path someone is on; the command names it by its title in their language."""

    def __init__(self, path: PathConfig) -> None:
        super().__init__("onboarding.error.already_on_path", path=path.id)
        self.path = path


@dataclass(frozen=True)
class Advance:
    """Steps someone just finished; ``next_index`` is None when the path is finished."""

    member_id: int
    enrollment_id: int
    path_id: str
    completed: tuple[str, ...]
    next_index: int | None
    finished: bool
    announce: bool
    github_login: str | None


@dataclass(frozen=True)
class PendingReport:
    """A self-reported step waiting for a maintainer."""

    report_id: int
    member_id: int
    path_id: str
    step_id: str


def verified_login(member: Member | None) -> str | None:
    """The member's GitHub login once verified; nothing is credited to an unverified claim."""
    if member is None or member.github_verified_at is None:
        return None
    return member.github_login


class Progress:
    """The rules of moving along a path, over the onboarding tables."""

    def __init__(self, cfg: OnboardingConfig) -> None:
        self.cfg = cfg

    # -- reading ----------------------------------------------------------
    def active(self, session: Session, member_id: int) -> Enrollment | None:
        return session.exec(
            select(Enrollment).where(Enrollment.member_id == member_id, Enrollment.status == "active")
        ).first()

    def path_of(self, enrollment: Enrollment) -> PathConfig | None:
        return find_path(self.cfg, enrollment.path_id)

    def current_step(self, enrollment: Enrollment) -> StepConfig | None:
        path = self.path_of(enrollment)
        return step_at(path, enrollment.step_index) if path is not None else None

    # -- starting and stopping --------------------------------------------
    def start(
        self, session: Session, member_id: int, path_id: str, announce: bool, now: datetime
    ) -> tuple[Enrollment, Advance | None]:
        """Put someone on a path (switching from another one); resumes a stopped path where it was."""
        path = path_named(self.cfg, path_id)
        if path is None:
            raise UserError("onboarding.error.unknown_path", path=path_id)
        current = self.active(session, member_id)
        if current is not None and current.path_id == path.id:
            raise AlreadyOnPath(path)
        if current is not None:
            current.status, current.stopped_at = "stopped", now
            session.add(current)
        row = session.exec(
            select(Enrollment).where(Enrollment.member_id == member_id, Enrollment.path_id == path.id)
        ).first()
        if row is not None and row.status == "finished":
            raise UserError("onboarding.error.path_finished")
        if row is None:
            row = Enrollment(member_id=member_id, path_id=path.id, started_at=now, step_started_at=now)
        row.status, row.stopped_at, row.announce = "active", None, announce
        row.nudges, row.last_nudged_at, row.step_started_at = 0, None, now
        session.add(row)
        session.flush()
        return row, self.check(session, row, now)

    def stop(self, session: Session, member_id: int, now: datetime) -> Enrollment:
        row = self.active(session, member_id)
        if row is None:
            raise UserError("onboarding.error.no_path")
        row.status, row.stopped_at = "stopped", now
        session.add(row)
        return row

    def stop_reminders(self, session: Session, enrollment_id: int, member_id: int) -> None:
        row = session.get(Enrollment, enrollment_id)
        if row is None or row.member_id != member_id:
            raise UserError("onboarding.error.not_yours")
        row.reminders_off = True
        session.add(row)

    # -- completing steps -------------------------------------------------
    def complete(
        self, session: Session, enrollment: Enrollment, how: str, detail: str | None, now: datetime
    ) -> Advance:
        """Mark the current step done, then keep going while following steps are already satisfied."""
        done = [self._record(session, enrollment, how, detail, now)]
        later = self.check(session, enrollment, now)
        if later is not None:
            done += list(later.completed)
        return self._advance(session, enrollment, tuple(done))

    def _record(
        self, session: Session, enrollment: Enrollment, how: str, detail: str | None, now: datetime
    ) -> str:
        step = self.current_step(enrollment)
        assert step is not None and enrollment.id is not None
        session.add(
            StepDone(
                enrollment_id=enrollment.id,
                member_id=enrollment.member_id,
                path_id=enrollment.path_id,
                step_id=step.id,
                step_index=enrollment.step_index,
                how=how,
                detail=detail,
                reported_at=now,
                completed_at=now,
            )
        )
        self._move_on(enrollment, now)
        session.add(enrollment)
        session.flush()
        return step.id

    def _move_on(self, enrollment: Enrollment, now: datetime) -> None:
        path = self.path_of(enrollment)
        enrollment.step_index += 1
        enrollment.step_started_at = now
        enrollment.nudges, enrollment.last_nudged_at = 0, None
        if path is None or enrollment.step_index >= len(path.steps):
            enrollment.status, enrollment.finished_at = "finished", now

    def _advance(self, session: Session, enrollment: Enrollment, done: tuple[str, ...]) -> Advance:
        assert enrollment.id is not None
        finished = enrollment.status == "finished"
        return Advance(
            member_id=enrollment.member_id,
            enrollment_id=enrollment.id,
            path_id=enrollment.path_id,
            completed=done,
            next_index=None if finished else enrollment.step_index,
            finished=finished,
            announce=enrollment.announce,
            github_login=verified_login(session.get(Member, enrollment.member_id)),
        )

    def check(self, session: Session, enrollment: Enrollment, now: datetime) -> Advance | None:
        """Complete current steps that the tables already show done (linked GitHub, merged PRs)."""
        done: list[str] = []
        while enrollment.status == "active":
            step = self.current_step(enrollment)
            if step is None:
                break
            detail = self._satisfied(session, enrollment, step)
            if detail is None:
                break
            done.append(self._record(session, enrollment, step.completes, detail or None, now))
        return self._advance(session, enrollment, tuple(done)) if done else None

    def _satisfied(self, session: Session, enrollment: Enrollment, step: StepConfig) -> str | None:
        """ "" or a detail when ``step`` is already done according to the tables; None when not."""
        member = session.get(Member, enrollment.member_id)
        login = verified_login(member)
        if step.completes == "linked_github":
            return login if login else None
        if step.completes == "merged_pr" and login:
            return merged_since(session, login, step, enrollment.step_started_at)
        return None

    # -- what GitHub and other features report ----------------------------
    def on_merged(
        self, session: Session, login: str, repo: str, number: int, labels: tuple[str, ...], now: datetime
    ) -> list[Advance]:
        member = session.exec(select(Member).where(func.lower(Member.github_login) == login.lower())).first()
        if member is None or verified_login(member) is None or member.id is None:
            return []
        row = self.active(session, member.id)
        step = self.current_step(row) if row is not None else None
        if row is None or step is None or step.completes != "merged_pr":
            return []
        if not pr_fits(step, repo, labels):
            return []
        return [self.complete(session, row, "merged_pr", f"{repo}#{number}", now)]

    def on_event_step(
        self, session: Session, member_id: int, kind: str, detail: str | None, now: datetime
    ) -> list[Advance]:
        """A ``claimed_gfi_done`` or ``linked_github`` milestone for a member."""
        row = self.active(session, member_id)
        step = self.current_step(row) if row is not None else None
        if row is None or step is None or step.completes != kind:
            return []
        return [self.complete(session, row, kind, detail, now)]

    def self_report(self, session: Session, member_id: int, now: datetime) -> Advance | PendingReport:
        row = self.active(session, member_id)
        if row is None:
            raise UserError("onboarding.error.no_path")
        later = self.check(session, row, now)
        if later is not None:
            return later
        step = self.current_step(row)
        assert step is not None and row.id is not None
        if step.completes != "self_report":
            raise UserError(f"onboarding.done.not_self_{step.completes}")
        if not step.confirm_by_maintainer:
            return self.complete(session, row, "self_report", None, now)
        existing = session.exec(
            select(StepDone).where(StepDone.enrollment_id == row.id, StepDone.step_id == step.id)
        ).first()
        if existing is not None:
            raise UserError("onboarding.done.already_waiting")
        report = StepDone(
            enrollment_id=row.id,
            member_id=member_id,
            path_id=row.path_id,
            step_id=step.id,
            step_index=row.step_index,
            how="self_report",
            confirmed=False,
            reported_at=now,
        )
        session.add(report)
        session.flush()
        assert report.id is not None
        return PendingReport(report.id, member_id, row.path_id, step.id)

    def confirm(self, session: Session, report_id: int, now: datetime) -> Advance:
        report = self._open_report(session, report_id)
        row = session.get(Enrollment, report.enrollment_id)
        assert row is not None
        report.confirmed, report.completed_at = True, now
        session.add(report)
        self._move_on(row, now)
        session.add(row)
        session.flush()
        later = self.check(session, row, now)
        done = (report.step_id, *(later.completed if later else ()))
        return self._advance(session, row, done)

    def reject(self, session: Session, report_id: int) -> PendingReport:
        report = self._open_report(session, report_id)
        assert report.id is not None
        session.delete(report)
        return PendingReport(report.id, report.member_id, report.path_id, report.step_id)

    def _open_report(self, session: Session, report_id: int) -> StepDone:
        report = session.get(StepDone, report_id)
        if report is None or report.confirmed:
            raise UserError("onboarding.confirm.gone")
        row = session.get(Enrollment, report.enrollment_id)
        step = self.current_step(row) if row is not None else None
        if row is None or row.status != "active" or step is None or step.id != report.step_id:
            raise UserError("onboarding.confirm.gone")
        return report


def done_steps(session: Session, enrollment_id: int) -> list[StepDone]:
    """Steps recorded for an enrollment (confirmed or waiting for a maintainer), in path order."""
    return list(
        session.exec(
            select(StepDone).where(StepDone.enrollment_id == enrollment_id).order_by(col(StepDone.step_index))
        ).all()
    )


def latest_enrollment(session: Session, member_id: int) -> tuple[Enrollment, list[StepDone]] | None:
    """The active enrollment, else the most recently started one, with its recorded steps."""
    rows = session.exec(
        select(Enrollment)
        .where(Enrollment.member_id == member_id)
        .order_by(col(Enrollment.status) == "active", col(Enrollment.started_at))
    ).all()
    if not rows or rows[-1].id is None:
        return None
    return rows[-1], done_steps(session, rows[-1].id)


def pr_fits(step: StepConfig, repo: str, labels: tuple[str, ...] | list[str]) -> bool:
    """Whether a merged PR in ``repo`` with ``labels`` satisfies a merged_pr step's filters."""
    if step.repos and repo.lower() not in {r.lower() for r in step.repos}:
        return False
    if step.pr_labels:
        wanted = {label.lower() for label in step.pr_labels}
        if not wanted & {label.lower() for label in labels}:
            return False
    return True


def merged_since(session: Session, login: str, step: StepConfig, since: datetime) -> str | None:
    """ "repo#number" of a synced PR by ``login`` merged at or after ``since`` that fits ``step``."""
    rows = session.exec(
        select(TrackedIssue, Repo.full_name)
        .join(Repo, col(Repo.id) == TrackedIssue.repo_id)
        .where(
            col(TrackedIssue.is_pull_request).is_(True),
            col(TrackedIssue.merged).is_(True),
            func.lower(TrackedIssue.author_login) == login.lower(),
            col(TrackedIssue.merged_at) >= since,
        )
        .order_by(col(TrackedIssue.merged_at))
    ).all()
    for issue, repo in rows:
        labels = session.exec(select(IssueLabel.name).where(IssueLabel.issue_id == issue.id)).all()
        if pr_fits(step, repo, list(labels)):
            return f"{repo}#{issue.number}"
    return None
