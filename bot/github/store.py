"""Mirror GitHub issues and pull requests (REST JSON items) into `repo`, `tracked_issue`, `issue_label`.

Works on plain dicts in the shape of `GET /repos/{owner}/{repo}/issues` items, so polling, webhooks
and the offline demo data all feed the same code. Deliberately free of PyGithub.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from bot.db.database import mark_changed
from bot.db.models import ISSUES_TOPIC, IssueLabel, Repo, TrackedIssue

BODY_EXCERPT_CHARS = 2000

# GitHub's closing keywords (docs: "Linking a pull request to an issue"), then `#N`,
# `owner/repo#N` or an issue URL. The owner/repo part is checked against the issue's own repo.
_CLOSING_REF = re.compile(
    r"\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b:?\s+"
    r"(?:(?P<url>https?://github\.com/(?P<url_repo>[\w.-]+/[\w.-]+)/(?:issues|pull)/(?P<url_num>\d+))"
    r"|(?P<repo>[\w.-]+/[\w.-]+)?#(?P<num>\d+))",
    re.IGNORECASE,
)

# Fields copied from a payload onto TrackedIssue and compared to decide whether anything changed.
COMPARED_FIELDS = (
    "github_id", "title", "state", "state_reason", "is_pull_request", "draft", "author_login",
    "author_association", "assignees", "comments", "html_url", "body_excerpt", "linked_numbers",
    "created_at", "updated_at", "closed_at", "merged_at", "merged", "removed_at",
)  # fmt: skip


def parse_github_time(value: str | None) -> datetime | None:
    """Parse GitHub's ISO-8601 timestamps (`2024-09-16T14:19:35Z`) into aware datetimes."""
    if not value:
        return None
    return datetime.fromisoformat(value)  # Python 3.11 reads the trailing Z as UTC


def since_param(when: datetime) -> str:
    """GitHub's `since` format in UTC (PyGithub would strftime a local time unconverted)."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def linked_issue_numbers(body: str | None, repo_full_name: str, own_number: int | None = None) -> list[int]:
    """Issue numbers a body says it closes (`fixes #12`, `closes owner/repo#12` of the same repo), sorted."""
    if not body:
        return []
    same_repo = repo_full_name.lower()
    found: set[int] = set()
    for match in _CLOSING_REF.finditer(body):
        if match.group("url"):
            other, number = match.group("url_repo"), match.group("url_num")
        else:
            other, number = match.group("repo"), match.group("num")
        if other is not None and other.lower() != same_repo:
            continue
        found.add(int(number))
    found.discard(own_number or -1)
    return sorted(found)


def label_names(payload: Mapping[str, Any]) -> set[str]:
    # Webhook and REST items carry label objects; be lenient with bare strings too.
    names: set[str] = set()
    for label in payload.get("labels") or ():
        name = label.get("name") if isinstance(label, Mapping) else label
        if name:
            names.add(str(name))
    return names


def issue_values(repo: Repo, payload: Mapping[str, Any]) -> dict[str, Any]:
    """TrackedIssue column values for one REST item (issues-list shape, or the pulls shape)."""
    pr_part = payload.get("pull_request")
    # The issues endpoint marks PRs with a `pull_request` object; the pulls endpoint has `head`.
    is_pr = pr_part is not None or "head" in payload
    merged_at_raw = pr_part.get("merged_at") if isinstance(pr_part, Mapping) else payload.get("merged_at")
    merged_at = parse_github_time(merged_at_raw)
    user = payload.get("user") or {}
    body: str | None = payload.get("body")
    created_at = parse_github_time(payload.get("created_at"))
    updated_at = parse_github_time(payload.get("updated_at")) or created_at
    if created_at is None or updated_at is None:
        raise ValueError(f"issue payload #{payload.get('number')} has no created_at/updated_at")
    return {
        "github_id": payload.get("id"),
        "title": payload.get("title") or "",
        "state": payload.get("state") or "open",
        "state_reason": payload.get("state_reason"),
        "is_pull_request": is_pr,
        "draft": bool(payload.get("draft") or False),
        "author_login": user.get("login"),
        "author_association": payload.get("author_association"),
        "assignees": [a["login"] for a in payload.get("assignees") or () if a and a.get("login")],
        "comments": payload.get("comments"),  # absent in the pulls shape: keep what we have
        "html_url": payload.get("html_url"),
        "body_excerpt": body[:BODY_EXCERPT_CHARS] if body else None,
        "linked_numbers": linked_issue_numbers(body, repo.full_name, payload.get("number")),
        "created_at": created_at,
        "updated_at": updated_at,
        "closed_at": parse_github_time(payload.get("closed_at")),
        "merged_at": merged_at,
        "merged": bool(payload.get("merged")) or merged_at is not None,
        "removed_at": None,  # seen on GitHub again, so it is not removed
    }


# Built once: every page a sync stores looks its repo up, and building the query each time cost
# about as much as running it.
_REPO_BY_NAME = select(Repo).where(col(Repo.full_name_lower) == bindparam("name"))


class IssueStore:
    """Upserts repos and issues from GitHub REST JSON; stale updates are no-ops."""

    def get_repo(self, session: Session, full_name: str) -> Repo | None:
        """The repo named `full_name` (case-insensitive), if tracked."""
        return session.exec(_REPO_BY_NAME, params={"name": full_name.lower()}).first()

    def upsert_repo(self, session: Session, full_name: str, *, github_id: int | None = None) -> Repo:
        """Return the repo named `full_name` (case-insensitive), creating it if needed."""
        repo = self.get_repo(session, full_name)
        if repo is None:
            repo = Repo(full_name=full_name, full_name_lower=full_name.lower(), github_id=github_id)
            try:
                # A savepoint, so losing an insert race to another instance doesn't poison the session.
                with session.begin_nested():
                    session.add(repo)
            except IntegrityError:
                session.expunge(repo)
                found = self.get_repo(session, full_name)
                if found is None:
                    raise
                repo = found
        if github_id is not None and repo.github_id != github_id:
            repo.github_id = github_id
            session.add(repo)
        return repo

    def get_issue(self, session: Session, repo: Repo, number: int) -> TrackedIssue | None:
        """The tracked issue or PR `number` of `repo`, if any."""
        query = select(TrackedIssue).where(TrackedIssue.repo_id == repo.id, TrackedIssue.number == number)
        return session.exec(query).first()

    def labels(self, session: Session, issue: TrackedIssue) -> list[str]:
        """The issue's label names, sorted."""
        query = select(IssueLabel.name).where(IssueLabel.issue_id == issue.id).order_by(col(IssueLabel.name))
        return list(session.exec(query).all())

    def upsert_issue(
        self, session: Session, repo: Repo, payload: Mapping[str, Any]
    ) -> tuple[TrackedIssue, bool]:
        """Insert or update one issue/PR from a REST item; the bool says whether anything changed.

        A payload older (by `updated_at`) than what is stored is ignored, so a late poll can't undo a
        newer webhook or vice versa.
        """
        number = int(payload["number"])
        values = issue_values(repo, payload)
        labels = label_names(payload)
        issue = self.get_issue(session, repo, number)
        if issue is None:
            assert repo.id is not None, "upsert_repo() before upsert_issue()"
            if values["comments"] is None:
                values["comments"] = 0
            issue = TrackedIssue(repo_id=repo.id, number=number, **values)
            try:
                with session.begin_nested():
                    session.add(issue)
                    session.flush()
                    issue_id = issue.id
                    assert issue_id is not None
                    session.add_all(IssueLabel(issue_id=issue_id, name=name) for name in sorted(labels))
                mark_changed(session, ISSUES_TOPIC, [issue_id])
                return issue, True
            except IntegrityError:
                # Someone else inserted it first; fall through and treat ours as an update.
                session.expunge(issue)
                found = self.get_issue(session, repo, number)
                if found is None:
                    raise
                issue = found
        if values["updated_at"] < issue.updated_at:
            return issue, False
        if values["comments"] is None:
            values["comments"] = issue.comments
        changed = False
        for field in COMPARED_FIELDS:
            if getattr(issue, field) != values[field]:
                setattr(issue, field, values[field])
                changed = True
        if changed:
            session.add(issue)
        changed |= self._replace_labels(session, issue, labels)
        if changed:
            mark_changed(session, ISSUES_TOPIC, [issue.id])
        return issue, changed

    def mark_removed(self, session: Session, repo: Repo, numbers: Iterable[int], now: datetime) -> int:
        """Flag issues a reconcile no longer finds on GitHub (deleted/transferred); returns how many."""
        wanted = set(numbers)
        if not wanted:
            return 0
        query = select(TrackedIssue).where(
            TrackedIssue.repo_id == repo.id,
            col(TrackedIssue.number).in_(wanted),
            col(TrackedIssue.removed_at).is_(None),
        )
        count = 0
        for issue in session.exec(query):
            issue.removed_at = now
            session.add(issue)
            mark_changed(session, ISSUES_TOPIC, [issue.id])
            count += 1
        return count

    def _replace_labels(self, session: Session, issue: TrackedIssue, wanted: set[str]) -> bool:
        issue_id = issue.id
        assert issue_id is not None
        current = set(self.labels(session, issue))
        if current == wanted:
            return False
        stale = current - wanted
        if stale:
            session.exec(
                delete(IssueLabel).where(
                    col(IssueLabel.issue_id) == issue_id, col(IssueLabel.name).in_(stale)
                )
            )
        session.add_all(IssueLabel(issue_id=issue_id, name=name) for name in sorted(wanted - current))
        return True
