"""The fake GitHub's data: repos with issues/PRs/comments/collaborators, users, gists, teams.

Items are built in the shape of `GET /repos/{owner}/{repo}/issues` (see the recorded list in
../shared/fixtures/github-rest/). Every change bumps `updated_at` by a fake clock that ticks one
second per mutation, so `since` and `sort=updated` behave deterministically. As on GitHub, a
label, assignment or state change also records an issue event (`labeled`, `unlabeled`,
`assigned`, `unassigned`, `closed`, `reopened`, `merged`) with its actor, served newest first by
`GET /repos/{owner}/{repo}/issues/events`; comments are not issue events.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

WRITE_PERMISSIONS = frozenset({"admin", "maintain", "write"})


def iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def user_object(login: str, kind: str = "User") -> dict[str, Any]:
    return {
        "login": login,
        "id": abs(hash(login)) % 10**8,
        "type": kind,
        "site_admin": False,
        "url": f"https://api.github.com/users/{login}",
    }


@dataclass
class FakeRepo:
    """One repository: items by number, comments by number, collaborators (login -> permission)."""

    full_name: str
    id: int
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    collaborators: dict[str, str] = field(default_factory=dict)
    deleted: set[int] = field(default_factory=set)
    transferred: dict[int, str] = field(default_factory=dict)  # number -> new repo full name
    # Issue events, oldest first; each keeps its issue's number under "_number" (the route embeds
    # the issue object as it is when listed, as GitHub does).
    issue_events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def owner(self) -> str:
        return self.full_name.split("/", 1)[0]


class FakeGitHubState:
    """Mutable state the server serves; tests and benchmarks change it through these methods."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 1, 1, tzinfo=UTC)
        # Set by FakeGitHub: `url` fields must point at the fake (PyGithub refuses other hosts).
        self.api_base = "https://api.github.com"
        self.repos: dict[str, FakeRepo] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.gists: dict[str, list[dict[str, Any]]] = {}
        self.teams: dict[str, set[str]] = {}  # "org/slug" -> member logins (lower)
        self._ids = itertools.count(1_000_000)

    def tick(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now

    # --- repos and items ---------------------------------------------------------------------------
    def add_repo(self, full_name: str, collaborators: dict[str, str] | None = None) -> FakeRepo:
        repo = FakeRepo(full_name, 3_000_000 + len(self.repos), collaborators=dict(collaborators or {}))
        self.repos[full_name.lower()] = repo
        return repo

    def repo(self, full_name: str) -> FakeRepo:
        return self.repos[full_name.lower()]

    def repo_by_id(self, repo_id: int) -> FakeRepo | None:
        return next((r for r in self.repos.values() if r.id == repo_id), None)

    def add_issue(
        self,
        repo_name: str,
        *,
        title: str = "An issue",
        author: str = "someone",
        author_type: str = "User",
        labels: list[str] | None = None,
        assignees: list[str] | None = None,
        state: str = "open",
        pull_request: bool = False,
        body: str | None = None,
        association: str = "NONE",
        draft: bool = False,
    ) -> dict[str, Any]:
        """Create an issue (or PR) with the next number; returns the stored item."""
        repo = self.repo(repo_name)
        number = len(repo.issues) + len(repo.deleted) + 1
        when = self.tick()
        base = f"{self.api_base}/repos/{repo.full_name}"
        kind_path = "pull" if pull_request else "issues"
        item: dict[str, Any] = {
            "url": f"{base}/issues/{number}",
            "repository_url": base,
            "html_url": f"https://github.com/{repo.full_name}/{kind_path}/{number}",
            "id": next(self._ids),
            "node_id": f"I_{number}",
            "number": number,
            "title": title,
            "user": user_object(author, author_type),
            "labels": [{"id": abs(hash(n)) % 10**6, "name": n, "color": "ededed"} for n in labels or []],
            "state": state,
            "locked": False,
            "assignee": None,
            "assignees": [],
            "milestone": None,
            "comments": 0,
            "created_at": iso(when),
            "updated_at": iso(when),
            "closed_at": iso(when) if state == "closed" else None,
            "author_association": association,
            "active_lock_reason": None,
            "body": body,
            "state_reason": "completed" if state == "closed" else None,
        }
        if pull_request:
            item["draft"] = draft
            item["pull_request"] = {
                "url": f"{base}/pulls/{number}",
                "html_url": item["html_url"],
                "merged_at": None,
            }
        repo.issues[number] = item
        self._set_assignees(item, assignees or [])
        # GitHub records labels and assignees given at creation as events by the author.
        for name in labels or []:
            self._record_event(repo, number, "labeled", author, when, label=name)
        for login in assignees or []:
            self._record_event(repo, number, "assigned", author, when, assignee=login)
        return item

    def _set_assignees(self, item: dict[str, Any], logins: list[str]) -> None:
        item["assignees"] = [user_object(login) for login in logins]
        item["assignee"] = item["assignees"][0] if item["assignees"] else None

    def update_issue(
        self, repo_name: str, number: int, *, actor: str | None = None, **changes: Any
    ) -> dict[str, Any]:
        """Change fields (`labels` as names, `assignees` as logins, `state`, `merged`) and bump updated_at.

        `actor` is who does it on GitHub (default: the repository's owner account); label,
        assignee and state changes are recorded as issue events in that name.
        """
        repo = self.repo(repo_name)
        item = repo.issues[number]
        who = actor or repo.owner
        when = self.tick()
        for key, value in changes.items():
            if key == "labels":
                old = [lab["name"] for lab in item["labels"]]
                item["labels"] = [{"id": abs(hash(n)) % 10**6, "name": n, "color": "ededed"} for n in value]
                for name in [n for n in value if n not in old]:
                    self._record_event(repo, number, "labeled", who, when, label=name)
                for name in [n for n in old if n not in value]:
                    self._record_event(repo, number, "unlabeled", who, when, label=name)
            elif key == "assignees":
                old = [a["login"] for a in item["assignees"]]
                self._set_assignees(item, list(value))
                for login in [x for x in value if x not in old]:
                    self._record_event(repo, number, "assigned", who, when, assignee=login)
                for login in [x for x in old if x not in value]:
                    self._record_event(repo, number, "unassigned", who, when, assignee=login)
            elif key == "state":
                if value != item["state"]:
                    self._record_event(repo, number, "closed" if value == "closed" else "reopened", who, when)
                item["state"] = value
                item["closed_at"] = iso(when) if value == "closed" else None
                item["state_reason"] = "completed" if value == "closed" else "reopened"
            elif key == "merged":
                item["state"], item["closed_at"], item["state_reason"] = "closed", iso(when), None
                item["pull_request"]["merged_at"] = iso(when)
                self._record_event(repo, number, "merged", who, when)
                self._record_event(repo, number, "closed", who, when)
            else:
                item[key] = value
        item["updated_at"] = iso(when)
        return item

    def _record_event(
        self,
        repo: FakeRepo,
        number: int,
        event: str,
        actor: str,
        when: datetime,
        *,
        label: str | None = None,
        assignee: str | None = None,
    ) -> dict[str, Any]:
        """One issue event in the shape of GitHub's "List issue events for a repository" items."""
        event_id = next(self._ids)
        record: dict[str, Any] = {
            "id": event_id,
            "node_id": f"IE_{event_id}",
            "url": f"{self.api_base}/repos/{repo.full_name}/issues/events/{event_id}",
            "actor": user_object(actor, self._kind_of(actor)),
            "event": event,
            "commit_id": None,
            "commit_url": None,
            "created_at": iso(when),
            "performed_via_github_app": None,
            "_number": number,
        }
        if label is not None:
            record["label"] = {"name": label, "color": "ededed"}
        if assignee is not None:
            record["assignee"] = user_object(assignee)
            record["assigner"] = record["actor"]
        repo.issue_events.append(record)
        return record

    def delete_issue(self, repo_name: str, number: int) -> None:
        repo = self.repo(repo_name)
        repo.issues.pop(number)
        repo.deleted.add(number)

    def transfer_issue(self, repo_name: str, number: int, to_repo: str) -> None:
        repo = self.repo(repo_name)
        repo.issues.pop(number)
        repo.transferred[number] = to_repo

    # --- comments, people ---------------------------------------------------------------------------
    def add_comment(self, repo_name: str, number: int, author: str, body: str) -> dict[str, Any]:
        """A comment in the shape of the `comment` of an `issue_comment` webhook (and of the REST lists);
        like GitHub, it bumps the issue's comment count and `updated_at`."""
        repo = self.repo(repo_name)
        when = self.tick()
        comment_id = next(self._ids)
        item = repo.issues[number]
        if author.lower() == repo.owner.lower():
            association = "OWNER"
        elif author.lower() in {c.lower() for c in repo.collaborators}:
            association = "COLLABORATOR"
        elif author.lower() == item["user"]["login"].lower():
            association = item["author_association"]
        else:
            association = "NONE"
        comment = {
            "url": f"{self.api_base}/repos/{repo.full_name}/issues/comments/{comment_id}",
            "html_url": f"{item['html_url']}#issuecomment-{comment_id}",
            "issue_url": f"{self.api_base}/repos/{repo.full_name}/issues/{number}",
            "id": comment_id,
            "node_id": f"IC_{comment_id}",
            "user": user_object(author, self._kind_of(author)),
            "created_at": iso(when),
            "updated_at": iso(when),
            "author_association": association,
            "performed_via_github_app": None,
            "body": body,
        }
        repo.comments.setdefault(number, []).append(comment)
        item["comments"] += 1
        item["updated_at"] = iso(when)
        return comment

    def edit_comment(self, repo_name: str, comment_id: int, body: str) -> dict[str, Any]:
        """Edit a comment: its `updated_at` moves (so `since` finds it again), the issue's does not."""
        for comments in self.repo(repo_name).comments.values():
            for comment in comments:
                if comment["id"] == comment_id:
                    comment["body"] = body
                    comment["updated_at"] = iso(self.tick())
                    return comment
        raise KeyError(comment_id)

    def _kind_of(self, login: str) -> str:
        """An added user's type, else Bot for `name[bot]` (how GitHub Apps act) and User otherwise."""
        known = self.users.get(login.lower())
        if known is not None:
            return str(known["type"])
        return "Bot" if login.lower().endswith("[bot]") else "User"

    def can_be_assigned(self, repo_name: str, number: int, login: str) -> bool:
        """GitHub's rule: collaborators, and anyone who has commented on the issue."""
        repo = self.repo(repo_name)
        if login.lower() in {c.lower() for c in repo.collaborators}:
            return True
        return any(c["user"]["login"].lower() == login.lower() for c in repo.comments.get(number, []))

    def add_user(self, login: str, *, bio: str | None = None, kind: str = "User") -> dict[str, Any]:
        user = {**user_object(login, kind), "bio": bio, "name": login.title()}
        self.users[login.lower()] = user
        return user

    def add_gist(self, login: str, files: dict[str, str], description: str = "") -> dict[str, Any]:
        gist = {
            "id": f"g{next(self._ids)}",
            "description": description,
            "public": True,
            "owner": user_object(login),
            "files": {
                name: {"filename": name, "content": text, "size": len(text)} for name, text in files.items()
            },
            "created_at": iso(self.tick()),
        }
        self.gists.setdefault(login.lower(), []).insert(0, gist)
        return gist
