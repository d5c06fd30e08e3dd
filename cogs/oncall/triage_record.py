"""Recording, per untriaged item, the first response and the triage by a maintainer, escalations and
requests to the author, from GitHub events and the on-call jobs.

The reading side (the queue, its size, what was triaged when) is :mod:`cogs.oncall.triage`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import and_
from sqlmodel import Session, col, select

from bot.core.github_events import (
    IssueAssigned,
    IssueClosed,
    IssueCommented,
    IssueLabeled,
    IssueOpened,
    IssueReopened,
    IssueUnlabeled,
    PullRequestOpened,
    PullRequestReviewed,
    RepoEvent,
)
from bot.db.database import mark_changed
from bot.db.models import IssueLabel, Repo, TrackedIssue
from cogs.oncall.config import OncallConfig
from cogs.oncall.models import OncallTriage
from cogs.oncall.untriaged import UntriagedFilter, rotation_for
from cogs.oncall.waiting import TRIAGE_TOPIC

# Actions that answer the author (CHAOSS "first response"); every maintainer action counts as triage.
RESPONSE_KINDS = frozenset({"comment", "review", "close"})
LABEL_CHUNK = 500  # ids per IN (...) list when reading labels in bulk


class TriageRecorder:
    """Writes first-response/triage times and marks on the triage records; every method takes a session."""

    def __init__(
        self, config: OncallConfig, maintainer_logins: Iterable[str], bot_logins: Iterable[str] = ()
    ) -> None:
        self.config = config
        self.filter = UntriagedFilter(config, maintainer_logins, bot_logins)

    def _row(self, session: Session, repo: str, number: int) -> OncallTriage | None:
        return session.exec(
            select(OncallTriage).where(OncallTriage.repo == repo.lower(), OncallTriage.number == number)
        ).first()

    def _tracked(self, session: Session, repo: str, number: int) -> tuple[TrackedIssue, list[str]] | None:
        """The synced item and its current labels."""
        issue = session.exec(
            select(TrackedIssue)
            .join(Repo, col(Repo.id) == TrackedIssue.repo_id)
            .where(Repo.full_name_lower == repo.lower(), TrackedIssue.number == number)
        ).first()
        if issue is None:
            return None
        labels = session.exec(select(IssueLabel.name).where(IssueLabel.issue_id == issue.id)).all()
        return issue, list(labels)

    def _new_record(self, repo: str, issue: TrackedIssue, labels: Sequence[str]) -> OncallTriage:
        """A triage record for a synced item, filed under the first rotation covering it."""
        return OncallTriage(
            repo=repo.lower(),
            number=issue.number,
            rotation=rotation_for(self.config, repo, labels),
            is_pull_request=issue.is_pull_request,
            author_login=issue.author_login,
            opened_at=issue.created_at,
            closed_at=issue.closed_at if issue.state == "closed" else None,
        )

    def _file(self, session: Session, row: OncallTriage) -> None:
        """Give a record stored without a rotation the one covering its item now, if any."""
        found = self._tracked(session, row.repo, row.number)
        row.rotation = rotation_for(self.config, row.repo, found[1] if found else [])
        if row.rotation is not None:
            session.add(row)

    def _record(self, session: Session, event: RepoEvent) -> OncallTriage | None:
        row = self._row(session, event.repo, event.number)
        if row is not None:
            if row.rotation is None:  # filed without one before mark() set it: repair on the way
                self._file(session, row)
            return row
        found = self._tracked(session, event.repo, event.number)
        if found is None:
            return None
        issue, labels = found
        if self.filter.by_maintainer_or_bot(issue.author_login, issue.author_association):
            return None
        row = self._new_record(event.repo, issue, labels)
        session.add(row)
        return row

    def opened(self, session: Session, event: IssueOpened | PullRequestOpened) -> None:
        """Start tracking an item opened by someone who is neither a maintainer nor a bot."""
        if event.actor_is_maintainer or event.actor_is_bot:
            return
        if self.filter.by_maintainer_or_bot(event.actor_login, None):
            return
        repo = event.repo.lower()
        if self._row(session, repo, event.number) is not None:
            return
        labels = list(event.labels) if isinstance(event, IssueOpened) else []
        session.add(
            OncallTriage(
                repo=repo,
                number=event.number,
                rotation=rotation_for(self.config, repo, labels),
                is_pull_request=event.is_pull_request or isinstance(event, PullRequestOpened),
                author_login=event.actor_login,
                opened_at=event.at,
            )
        )

    def state_changed(self, session: Session, event: IssueClosed | IssueReopened) -> None:
        """Keep ``closed_at`` in step with the item (any actor: the backlog counts open items only)."""
        row = self._record(session, event)
        if row is not None:
            row.closed_at = event.at if isinstance(event, IssueClosed) else None
            session.add(row)

    def response_kind(self, event: RepoEvent) -> str | None:
        """What kind of triage ``event`` is, or None when it does not count (author, bot, non-maintainer)."""
        if event.actor_is_bot or not event.actor_is_maintainer:
            return None
        if isinstance(event, IssueCommented):
            return None if event.commenter_is_author else "comment"
        if isinstance(event, IssueLabeled):
            return None if event.label == self.config.needs_triage_label else "label"
        if isinstance(event, IssueUnlabeled):
            return "label" if event.label == self.config.needs_triage_label else None
        if isinstance(event, IssueAssigned):
            return "assign"
        if isinstance(event, IssueClosed):
            return "close"
        if isinstance(event, PullRequestReviewed):
            return "review"
        return None

    def responded(self, session: Session, event: RepoEvent) -> OncallTriage | None:
        """Store the first response / triage times an event gives; returns the updated record."""
        kind = self.response_kind(event)
        if kind is None:
            return None
        row = self._record(session, event)
        if row is None or event.at < row.opened_at:
            return None
        if row.author_login and event.actor_login and row.author_login.lower() == event.actor_login.lower():
            return None
        changed = False
        if row.triaged_at is None:
            row.triaged_at, row.triaged_by, row.triage_kind = event.at, event.actor_login, kind
            self._triage_changed(session, row)
            changed = True
        if kind in RESPONSE_KINDS and row.first_response_at is None:
            row.first_response_at, row.first_response_by = event.at, event.actor_login
            changed = True
        if changed:
            session.add(row)
        return row

    def mark(self, session: Session, repo: str, number: int, opened_at: datetime, **values: object) -> None:
        """Set fields (escalated_at, sections_requested_at, extra) on an item's record, creating it if
        needed. A new record is filed under its rotation like one made by a response, so escalated or
        asked-about items still count in the handoff summary and the stats of their rotation."""
        row = self._row(session, repo, number)
        if row is None:
            found = self._tracked(session, repo, number)
            if found is not None:
                row = self._new_record(repo, *found)
            else:  # not synced (yet): what the caller knows
                row = OncallTriage(
                    repo=repo.lower(),
                    number=number,
                    opened_at=opened_at,
                    rotation=rotation_for(self.config, repo, []),
                )
        elif row.rotation is None:
            self._file(session, row)
        for key, value in values.items():
            setattr(row, key, value)
        session.add(row)
        if "triaged_at" in values:
            self._triage_changed(session, row)

    def _triage_changed(self, session: Session, row: OncallTriage) -> None:
        """Mark the record's item, so the queue's table re-checks it before this transaction commits."""
        issue_id = session.exec(
            select(TrackedIssue.id)
            .join(Repo, col(Repo.id) == TrackedIssue.repo_id)
            .where(Repo.full_name_lower == row.repo, TrackedIssue.number == row.number)
        ).first()
        mark_changed(session, TRIAGE_TOPIC, [issue_id])

    def record(self, session: Session, repo: str, number: int) -> OncallTriage | None:
        """An item's triage record, if it has one."""
        return self._row(session, repo, number)

    def repair_rotations(self, session: Session) -> int:
        """File records stored without a rotation under the rotation covering their item; returns how
        many. Before mark() set one, escalated and asked-about items were stored so and dropped out
        of the handoff summary and the per-rotation stats."""
        query = (
            select(OncallTriage, TrackedIssue.id)
            .select_from(OncallTriage)
            .outerjoin(Repo, col(Repo.full_name_lower) == OncallTriage.repo)
            .outerjoin(
                TrackedIssue,
                and_(col(TrackedIssue.repo_id) == Repo.id, col(TrackedIssue.number) == OncallTriage.number),
            )
            .where(col(OncallTriage.rotation).is_(None))
        )
        if self.config.rotations and all(r.repos for r in self.config.rotations):
            # Records of repos no rotation covers keep no rotation: don't re-read them at every start.
            covered = sorted({repo.lower() for r in self.config.rotations for repo in r.repos})
            query = query.where(col(OncallTriage.repo).in_(covered))
        rows = session.exec(query).all()
        ids = [issue_id for _, issue_id in rows if issue_id is not None]
        labels: dict[int, list[str]] = {}
        for start in range(0, len(ids), LABEL_CHUNK):
            chunk = ids[start : start + LABEL_CHUNK]
            for labelled, name in session.exec(
                select(IssueLabel.issue_id, IssueLabel.name).where(col(IssueLabel.issue_id).in_(chunk))
            ):
                labels.setdefault(labelled, []).append(name)
        repaired = 0
        for row, tracked_id in rows:
            found = labels.get(tracked_id, []) if tracked_id is not None else []
            rotation = rotation_for(self.config, row.repo, found)
            if rotation is not None:
                row.rotation = rotation
                session.add(row)
                repaired += 1
        return repaired
