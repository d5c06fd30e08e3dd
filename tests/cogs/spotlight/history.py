"""A synthetic GitHub history for spotlight tests, written through the real IssueStore."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from bot.db.database import Database
from bot.db.models import Member
from bot.github.store import IssueStore

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # FakeClock's default start (a Monday)


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def pr(number: int, login: str, merged_at: datetime | None, repo: str = "acme/widgets") -> dict[str, Any]:
    """A pull request in the shape of GET /repos/{owner}/{repo}/issues."""
    opened = (merged_at or NOW) - timedelta(days=2)
    closed = merged_at or (NOW - timedelta(days=1))
    return {
        "id": 5_000_000_000 + number,
        "number": number,
        "title": f"Change #{number}",
        "state": "closed",
        "labels": [],
        "assignees": [],
        "user": {"login": login, "type": "Bot" if login.endswith("[bot]") else "User"},
        "author_association": "CONTRIBUTOR",
        "comments": 0,
        "body": "",
        "html_url": f"https://github.com/{repo}/pull/{number}",
        "created_at": _iso(opened),
        "updated_at": _iso(closed),
        "closed_at": _iso(closed),
        "pull_request": {
            "url": f"https://api.github.com/repos/{repo}/pulls/{number}",
            "merged_at": merged_at and _iso(merged_at),
        },
    }


def seed_history(db: Database, now: datetime = NOW) -> None:
    """Who did what:

    - ``newbie-dev``: first PR ever merged five days ago (a first-time contributor);
    - ``veteran``: three merged PRs in the last weeks across two repos, a first one 400 days ago;
    - ``old-timer``: one PR merged a year ago yesterday, nothing since (an anniversary);
    - ``dependabot[bot]``: ten merged PRs (a bot: never proposed);
    - ``ghost`` and ``some-reviewer``: a PR closed without merging each (not a contribution; known logins).
    """
    store = IssueStore()
    items: list[tuple[str, dict[str, Any]]] = [
        ("acme/widgets", pr(101, "newbie-dev", now - timedelta(days=5))),
        ("acme/widgets", pr(10, "veteran", now - timedelta(days=400))),
        ("acme/widgets", pr(102, "veteran", now - timedelta(days=20))),
        ("acme/widgets", pr(103, "Veteran", now - timedelta(days=12))),
        ("acme/docs", pr(7, "veteran", now - timedelta(days=3), repo="acme/docs")),
        ("acme/widgets", pr(5, "old-timer", now - timedelta(days=366))),
        ("acme/widgets", pr(104, "ghost", None)),
        ("acme/widgets", pr(105, "some-reviewer", None)),
    ]
    items += [
        ("acme/widgets", pr(200 + i, "dependabot[bot]", now - timedelta(days=i + 1))) for i in range(10)
    ]

    def write(session: Session) -> None:
        for repo_name, payload in items:
            repo = store.upsert_repo(session, repo_name)
            session.flush()
            store.upsert_issue(session, repo, payload)

    db.call(write)


def link_github(db: Database, display_name: str, login: str, when: datetime = NOW) -> None:
    """Mark a chat member's GitHub login as verified (the /link command comes with another feature)."""

    def write(session: Session) -> None:
        member = session.exec(select(Member).where(Member.display_name == display_name)).one()
        member.github_login = login
        member.github_login_lower = login.lower()
        member.github_verified_at = when
        session.add(member)

    db.call(write)
