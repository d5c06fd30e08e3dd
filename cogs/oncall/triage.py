"""The untriaged queue and first-response detection over the synced issue tables.

An item is untriaged while it is open, not authored by a maintainer or a bot, no maintainer has
labelled, commented on, assigned or closed it, and (with ``needs_triage_label``) it carries that label
or (otherwise) none of ``triage_labels``. As in CHAOSS, only maintainers' actions count as a
response: not the author's, not bots'.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, or_
from sqlmodel import Session, col, func, select

from bot.config.sections.oncall import OncallConfig, RotationConfig
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
from bot.db.models import IssueLabel, Repo, TrackedIssue
from cogs.oncall.models import OncallTriage

MAINTAINER_ASSOCIATIONS = ("OWNER", "MEMBER", "COLLABORATOR")
# Actions that answer the author (CHAOSS "first response"); every maintainer action counts as triage.
RESPONSE_KINDS = frozenset({"comment", "review", "close"})


@dataclass(frozen=True)
class QueueItem:
    """One untriaged issue or PR, oldest first in a queue."""

    repo: str
    number: int
    title: str
    url: str | None
    is_pull_request: bool
    opened_at: datetime
    author: str | None
    labels: tuple[str, ...]
    missing_sections: tuple[str, ...]
    sections_requested: bool

    def age(self, now: datetime) -> timedelta:
        return now - self.opened_at

    def breached(self, now: datetime, sla: timedelta) -> bool:
        return self.age(now) > sla


def covers(rotation: RotationConfig, repo: str, labels: Sequence[str]) -> bool:
    """Whether ``rotation`` covers an item of ``repo`` with ``labels``."""
    if rotation.repos and repo.lower() not in {r.lower() for r in rotation.repos}:
        return False
    return not rotation.labels or bool(set(rotation.labels) & set(labels))


def rotation_for(config: OncallConfig, repo: str, labels: Sequence[str]) -> str | None:
    """The first rotation covering the item, if any."""
    return next((r.name for r in config.rotations if covers(r, repo, labels)), None)


_HEADING = re.compile(r"^\s*(?:#{1,6}\s*(.+?)\s*#*\s*$|\*\*(.+?)\*\*\s*:?\s*$)")
_EMPTY_ANSWERS = {"", "_no response_", "no response", "n/a", "none", "-"}


def _sections(body: str) -> dict[str, str]:
    found: dict[str, list[str]] = {}
    current: str | None = None
    for line in body.splitlines():
        match = _HEADING.match(line)
        if match:
            current = (match.group(1) or match.group(2) or "").strip().rstrip(":").lower()
            found.setdefault(current, [])
        elif current is not None:
            found[current].append(line)
    return {k: "\n".join(v).strip() for k, v in found.items()}


def missing_sections(body: str | None, required: Sequence[str]) -> list[str]:
    """The required sections the body leaves out: a heading with an answer, or a matching regex."""
    if not required:
        return []
    text = body or ""
    sections = _sections(text)
    missing = []
    for wanted in required:
        answer = sections.get(wanted.strip().lower())
        if answer is not None and answer.lower() not in _EMPTY_ANSWERS:
            continue
        if answer is None:
            try:
                if re.search(wanted, text, re.IGNORECASE | re.MULTILINE):
                    continue
            except re.error:
                pass
        missing.append(wanted)
    return missing


class TriageStore:
    """Reads the queue and writes first-response/triage times; every method takes a session."""

    def __init__(self, config: OncallConfig, maintainer_logins: frozenset[str]) -> None:
        self.config = config
        self.maintainers = maintainer_logins

    # -- the queue -------------------------------------------------------------------------
    def _untriaged(self, rotation: RotationConfig | None):  # type: ignore[no-untyped-def]
        """WHERE clauses selecting untriaged tracked items covered by ``rotation``."""
        has_label = lambda names: exists().where(  # noqa: E731
            and_(col(IssueLabel.issue_id) == TrackedIssue.id, col(IssueLabel.name).in_(list(names)))
        )
        clauses = [
            TrackedIssue.state == "open",
            col(TrackedIssue.removed_at).is_(None),
            col(OncallTriage.triaged_at).is_(None),
            or_(
                col(TrackedIssue.author_association).is_(None),
                col(TrackedIssue.author_association).not_in(MAINTAINER_ASSOCIATIONS),
            ),
            or_(
                col(TrackedIssue.author_login).is_(None),
                and_(
                    ~col(TrackedIssue.author_login).like("%[bot]"),
                    func.lower(TrackedIssue.author_login).not_in(sorted(self.maintainers) or [""]),
                ),
            ),
        ]
        if self.config.needs_triage_label:
            clauses.append(has_label([self.config.needs_triage_label]))
        elif self.config.triage_labels:
            clauses.append(~has_label(self.config.triage_labels))
        if rotation is not None:
            if rotation.repos:
                clauses.append(col(Repo.full_name_lower).in_([r.lower() for r in rotation.repos]))
            if rotation.labels:
                clauses.append(has_label(rotation.labels))
        return clauses

    def _base(self, rotation: RotationConfig | None):  # type: ignore[no-untyped-def]
        return (
            select(  # type: ignore[call-overload, misc]  # sqlmodel overloads stop at four columns
                TrackedIssue.id,
                TrackedIssue.number,
                TrackedIssue.title,
                TrackedIssue.html_url,
                TrackedIssue.is_pull_request,
                TrackedIssue.created_at,
                TrackedIssue.author_login,
                TrackedIssue.body_excerpt,
                Repo.full_name,
                OncallTriage.sections_requested_at,
            )
            .join(Repo, col(Repo.id) == TrackedIssue.repo_id)
            .outerjoin(
                OncallTriage,
                and_(
                    col(OncallTriage.repo) == Repo.full_name_lower,
                    col(OncallTriage.number) == TrackedIssue.number,
                ),
            )
            .where(*self._untriaged(rotation))
        )

    def queue(
        self, session: Session, rotation: RotationConfig | None, limit: int | None = None
    ) -> list[QueueItem]:
        """Untriaged items covered by ``rotation`` (all rotations when None), oldest first."""
        query = self._base(rotation).order_by(col(TrackedIssue.created_at), col(TrackedIssue.id))
        if limit is not None:
            query = query.limit(limit)
        rows = session.exec(query).all()
        ids = [row[0] for row in rows]
        labels: dict[int, list[str]] = {}
        if ids:
            for issue_id, name in session.exec(
                select(IssueLabel.issue_id, IssueLabel.name).where(col(IssueLabel.issue_id).in_(ids))
            ):
                labels.setdefault(issue_id, []).append(name)
        items = []
        for issue_id, number, title, url, is_pr, created, author, body, repo_name, requested_at in rows:
            items.append(
                QueueItem(
                    repo=repo_name,
                    number=number,
                    title=title,
                    url=url,
                    is_pull_request=is_pr,
                    opened_at=created,
                    author=author,
                    labels=tuple(sorted(labels.get(issue_id, []))),
                    missing_sections=tuple(
                        [] if is_pr else missing_sections(body, self.config.required_sections)
                    ),
                    sections_requested=requested_at is not None,
                )
            )
        return items

    def queue_size(self, session: Session, rotation: RotationConfig | None) -> int:
        query = self._base(rotation).with_only_columns(func.count()).order_by(None)
        return int(session.execute(query).scalar_one())

    # -- recording responses -----------------------------------------------------------------
    def _record(self, session: Session, event: RepoEvent) -> OncallTriage | None:
        repo = event.repo.lower()
        row = session.exec(
            select(OncallTriage).where(OncallTriage.repo == repo, OncallTriage.number == event.number)
        ).first()
        if row is not None:
            return row
        issue = session.exec(
            select(TrackedIssue)
            .join(Repo, col(Repo.id) == TrackedIssue.repo_id)
            .where(Repo.full_name_lower == repo, TrackedIssue.number == event.number)
        ).first()
        if issue is None:
            return None
        if self._by_maintainer_or_bot(issue.author_login, issue.author_association):
            return None
        labels = session.exec(select(IssueLabel.name).where(IssueLabel.issue_id == issue.id)).all()
        row = OncallTriage(
            repo=repo,
            number=event.number,
            rotation=rotation_for(self.config, repo, list(labels)),
            is_pull_request=issue.is_pull_request,
            author_login=issue.author_login,
            opened_at=issue.created_at,
            closed_at=issue.closed_at if issue.state == "closed" else None,
        )
        session.add(row)
        return row

    def _by_maintainer_or_bot(self, login: str | None, association: str | None) -> bool:
        if association in MAINTAINER_ASSOCIATIONS:
            return True
        return login is not None and (login.endswith("[bot]") or login.lower() in self.maintainers)

    def opened(self, session: Session, event: IssueOpened | PullRequestOpened) -> None:
        """Start tracking an item opened by someone who is neither a maintainer nor a bot."""
        if event.actor_is_maintainer or event.actor_is_bot:
            return
        if self._by_maintainer_or_bot(event.actor_login, None):
            return
        repo = event.repo.lower()
        exists_row = session.exec(
            select(OncallTriage).where(OncallTriage.repo == repo, OncallTriage.number == event.number)
        ).first()
        if exists_row is not None:
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
            changed = True
        if kind in RESPONSE_KINDS and row.first_response_at is None:
            row.first_response_at, row.first_response_by = event.at, event.actor_login
            changed = True
        if changed:
            session.add(row)
        return row

    def triaged_between(
        self, session: Session, rotation: str, start: datetime, end: datetime
    ) -> list[OncallTriage]:
        """Items of ``rotation`` triaged during [start, end)."""
        return list(
            session.exec(
                select(OncallTriage)
                .where(
                    OncallTriage.rotation == rotation,
                    col(OncallTriage.triaged_at) >= start,
                    col(OncallTriage.triaged_at) < end,
                )
                .order_by(col(OncallTriage.triaged_at))
            ).all()
        )

    def mark(self, session: Session, repo: str, number: int, opened_at: datetime, **values: object) -> None:
        """Set fields (escalated_at, sections_requested_at) on an item's record, creating it if needed."""
        row = session.exec(
            select(OncallTriage).where(OncallTriage.repo == repo.lower(), OncallTriage.number == number)
        ).first()
        if row is None:
            row = OncallTriage(repo=repo.lower(), number=number, opened_at=opened_at)
        for key, value in values.items():
            setattr(row, key, value)
        session.add(row)

    def escalated(self, session: Session, keys: Sequence[tuple[str, int]]) -> set[tuple[str, int]]:
        """Which of (repo, number) were escalated already."""
        if not keys:
            return set()
        rows = session.exec(
            select(OncallTriage.repo, OncallTriage.number).where(
                col(OncallTriage.escalated_at).is_not(None),
                col(OncallTriage.number).in_([n for _, n in keys]),
            )
        ).all()
        wanted = {(r.lower(), n) for r, n in keys}
        return {(r, n) for r, n in rows if (r, n) in wanted}
