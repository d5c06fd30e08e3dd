"""Offline demo data: load config/demo/github.json into the database through the real IssueStore.

The file was generated once, so its dates age. At load every timestamp moves by the same amount, so
that the last activity in it is "now": whatever the day, the demo shows the same recent history (new
issues waiting for triage, PRs merged this week, eight weeks of on-call response times).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session

from bot.core.github_events import IssueCommented
from bot.db.database import Database
from bot.github.store import IssueStore, parse_github_time

# Timestamp fields of issue-list items and issue comments (GitHub REST), and where they sit.
ITEM_TIMES = ("created_at", "updated_at", "closed_at")
MAINTAINER_ASSOCIATIONS = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})


@dataclass(frozen=True)
class DemoSummary:
    """What a demo data file holds, and how many repos/issues a load actually changed."""

    repos: int
    issues: int
    pull_requests: int
    changed: int
    shift: timedelta = timedelta(0)
    people: frozenset[str] = frozenset()  # every GitHub login in the data (authors, assignees, commenters)
    activity: tuple[IssueCommented, ...] = field(default=(), repr=False, compare=False)


def default_demo_path() -> Path:
    """`config/demo/github.json` of a source checkout (the file is not part of the installed package)."""
    return Path(__file__).resolve().parents[1] / "config" / "demo" / "github.json"


def _time(value: str) -> datetime:
    moment = parse_github_time(value)
    assert moment is not None
    return moment


def _format(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _timestamps(data: dict[str, Any]) -> Iterator[tuple[MutableMapping[str, Any], str]]:
    """Every (object, key) holding a timestamp in the data: items, their PR part, comments."""
    for repo in data.get("repos") or []:
        for item in repo.get("issues") or []:
            for key in ITEM_TIMES:
                yield item, key
            if isinstance(item.get("pull_request"), dict):
                yield item["pull_request"], "merged_at"
        for comment in repo.get("comments") or []:
            yield comment, "created_at"
            yield comment, "updated_at"


def reanchor(data: dict[str, Any], now: datetime) -> timedelta:
    """Move every timestamp in ``data`` (in place) by one offset so the latest is ``now``; whole
    seconds, as GitHub writes them. Returns the offset."""
    found = [_time(obj[key]) for obj, key in _timestamps(data) if obj.get(key)]
    if not found:
        return timedelta(0)
    shift = timedelta(seconds=int((now - max(found)).total_seconds()))
    for obj, key in _timestamps(data):
        if obj.get(key):
            obj[key] = _format(_time(obj[key]) + shift)
    return shift


def maintainer_responses(data: dict[str, Any]) -> list[IssueCommented]:
    """The data's comments as the events a webhook or poll would publish for them, oldest first."""
    events: list[IssueCommented] = []
    for repo in data.get("repos") or []:
        items = {item["url"]: item for item in repo.get("issues") or []}
        for comment in repo.get("comments") or []:
            item = items.get(comment.get("issue_url"))
            if item is None:
                continue
            user = comment.get("user") or {}
            login = str(user.get("login") or "")
            events.append(
                IssueCommented(
                    repo=repo["full_name"],
                    number=int(item["number"]),
                    at=_time(comment["created_at"]),
                    actor_login=login,
                    actor_is_maintainer=comment.get("author_association") in MAINTAINER_ASSOCIATIONS,
                    actor_is_bot=user.get("type") == "Bot",
                    is_pull_request="pull_request" in item,
                    comment_id=int(comment["id"]),
                    commenter_is_author=login.lower() == str(item["user"]["login"]).lower(),
                    body_excerpt=str(comment.get("body") or "")[:200],
                )
            )
    events.sort(key=lambda e: e.at)
    return events


def people(data: dict[str, Any]) -> frozenset[str]:
    """The GitHub logins the demo data mentions: its offline GitHub knows exactly these people."""
    found: set[str] = set()
    for repo in data.get("repos") or []:
        for item in repo.get("issues") or []:
            found.add(item["user"]["login"])
            found.update(user["login"] for user in item.get("assignees") or [])
        found.update(comment["user"]["login"] for comment in repo.get("comments") or [])
    return frozenset(found)


def apply_demo_data(session: Session, data: dict[str, Any], store: IssueStore | None = None) -> DemoSummary:
    """Upsert every repo and issue of a parsed demo file; unchanged rows are left alone."""
    store = store or IssueStore()
    issues = pull_requests = changed = 0
    repos = data.get("repos") or []
    for entry in repos:
        repo = store.upsert_repo(session, entry["full_name"], github_id=entry.get("id"))
        for item in entry.get("issues") or []:
            _, did_change = store.upsert_issue(session, repo, item)
            changed += did_change
            if "pull_request" in item:
                pull_requests += 1
            else:
                issues += 1
    return DemoSummary(repos=len(repos), issues=issues, pull_requests=pull_requests, changed=changed)


def load_demo_data(db: Database, path: Path, now: datetime) -> DemoSummary:
    """Load the demo file at `path` in one transaction, its timeline moved to end at ``now``; loading
    it again at the same ``now`` changes nothing. The summary carries the maintainers' responses for
    the caller to publish once the features listen (they make the on-call statistics)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    shift = reanchor(data, now)
    with db.session() as session:
        summary = apply_demo_data(session, data)
    return DemoSummary(
        repos=summary.repos,
        issues=summary.issues,
        pull_requests=summary.pull_requests,
        changed=summary.changed,
        shift=shift,
        people=people(data),
        activity=tuple(maintainer_responses(data)),
    )
