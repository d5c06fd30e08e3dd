"""The fake GitHub's endpoints: (verb, path regex, handler)."""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any

from tests.fakes.github.repo_files import ROUTES as REPO_FILE_ROUTES
from tests.fakes.github.server import FakeGitHub, Reply, link_header
from tests.fakes.github.state import FakeRepo, iso, user_object

REPO = r"/repos/(?P<owner>[^/]+)/(?P<name>[^/]+)"
NUM = r"(?P<number>\d+)"
NOT_FOUND = Reply(404, {"message": "Not Found"})
# The account the fake's token belongs to: its writes are done (and recorded as events) in this name.
TOKEN_USER = "steward-bot"


def _repo(fake: FakeGitHub, m: re.Match[str]) -> FakeRepo | None:
    groups = m.groupdict()
    if groups.get("repo_id"):
        return fake.state.repo_by_id(int(groups["repo_id"]))
    return fake.state.repos.get(f"{groups['owner']}/{groups['name']}".lower())


def list_issues(fake: FakeGitHub, m: re.Match[str], q: dict[str, str], data: Any, base: str) -> Reply:
    repo = _repo(fake, m)
    if repo is None:
        return NOT_FOUND
    items = list(repo.issues.values())
    state = q.get("state", "open")
    if state != "all":
        items = [i for i in items if i["state"] == state]
    if q.get("labels"):
        wanted = {n.strip().lower() for n in q["labels"].split(",")}
        items = [i for i in items if wanted <= {lab["name"].lower() for lab in i["labels"]}]
    if q.get("since"):
        since = datetime.fromisoformat(q["since"].replace("Z", "+00:00"))
        items = [i for i in items if i["updated_at"] >= iso(since)]
    key = "updated_at" if q.get("sort") == "updated" else "created_at"
    items.sort(key=lambda i: (i[key], i["number"]), reverse=q.get("direction", "desc") == "desc")
    per_page = min(int(q.get("per_page", 30)), 100)
    page = max(int(q.get("page", 1)), 1)
    last = max(math.ceil(len(items) / per_page), 1)
    chunk = items[(page - 1) * per_page : page * per_page]
    keep = {k: v for k, v in q.items() if k != "page"}
    links = link_header(base, repo.id, keep, page, last)
    return Reply(200, chunk, {"Link": links} if links else {})


def _page(
    items: list[Any], q: dict[str, str], base: str, repo: FakeRepo, path: str
) -> tuple[list[Any], dict[str, str]]:
    """One page of `items` (`per_page` max 100) and GitHub's Link header for the others."""
    per_page = min(int(q.get("per_page", 30)), 100)
    page = max(int(q.get("page", 1)), 1)
    last = max(math.ceil(len(items) / per_page), 1)
    keep = {k: v for k, v in q.items() if k != "page"}
    links = link_header(base, repo.id, keep, page, last, path)
    return items[(page - 1) * per_page : page * per_page], {"Link": links} if links else {}


def list_repo_comments(fake: FakeGitHub, m: re.Match[str], q: dict[str, str], data: Any, base: str) -> Reply:
    """`GET /repos/{o}/{r}/issues/comments`: every issue/PR conversation comment of the repository.

    GitHub: `since` keeps comments updated at or after it; `sort` is created (default) or updated,
    `direction` asc or desc and ignored without `sort`; without `sort`, ascending id.
    """
    repo = _repo(fake, m)
    if repo is None:
        return NOT_FOUND
    comments = [c for per_issue in repo.comments.values() for c in per_issue]
    if q.get("since"):
        since = iso(datetime.fromisoformat(q["since"].replace("Z", "+00:00")))
        comments = [c for c in comments if c["updated_at"] >= since]
    if q.get("sort") in ("created", "updated"):
        key = "updated_at" if q["sort"] == "updated" else "created_at"
        comments.sort(key=lambda c: (c[key], c["id"]), reverse=q.get("direction", "desc") == "desc")
    else:
        comments.sort(key=lambda c: c["id"])
    chunk, headers = _page(comments, q, base, repo, "issues/comments")
    return Reply(200, chunk, headers)


def list_issue_events(fake: FakeGitHub, m: re.Match[str], q: dict[str, str], data: Any, base: str) -> Reply:
    """`GET /repos/{o}/{r}/issues/events`: the repository's issue events, newest first, each with its
    issue as it is now (GitHub offers no `since` here)."""
    repo = _repo(fake, m)
    if repo is None:
        return NOT_FOUND
    events = []
    for record in reversed(repo.issue_events):
        event = {k: v for k, v in record.items() if k != "_number"}
        issue = repo.issues.get(record["_number"])
        event["issue"] = issue
        events.append(event)
    chunk, headers = _page(events, q, base, repo, "issues/events")
    return Reply(200, chunk, headers)


def get_issue(fake: FakeGitHub, m: re.Match[str], q: dict[str, str], data: Any, base: str) -> Reply:
    repo = _repo(fake, m)
    if repo is None:
        return NOT_FOUND
    number = int(m["number"])
    if number in repo.deleted:
        return Reply(410, {"message": "This issue was deleted"})
    if number in repo.transferred:
        target = fake.state.repo(repo.transferred[number])
        return Reply(
            301,
            {"message": "Moved Permanently"},
            {"Location": f"{base}/repositories/{target.id}/issues/{number}"},
        )
    item = repo.issues.get(number)
    return Reply(200, item) if item else NOT_FOUND


def get_issue_by_repo_id(
    fake: FakeGitHub, m: re.Match[str], q: dict[str, str], data: Any, base: str
) -> Reply:
    repo = _repo(fake, m)
    item = repo.issues.get(int(m["number"])) if repo else None
    return Reply(200, item) if item else NOT_FOUND


def list_comments(fake: FakeGitHub, m: re.Match[str], q: dict[str, str], data: Any, base: str) -> Reply:
    repo = _repo(fake, m)
    if repo is None or int(m["number"]) not in repo.issues:
        return NOT_FOUND
    comments = repo.comments.get(int(m["number"]), [])
    if q.get("since"):
        comments = [c for c in comments if c["updated_at"] >= q["since"]]
    return Reply(200, comments[: min(int(q.get("per_page", 30)), 100)])


def create_comment(fake: FakeGitHub, m: re.Match[str], q: dict[str, str], data: Any, base: str) -> Reply:
    repo = _repo(fake, m)
    if repo is None or int(m["number"]) not in repo.issues:
        return NOT_FOUND
    if not data or not str(data.get("body") or "").strip():
        return Reply(
            422, {"message": "Validation Failed", "errors": [{"field": "body", "code": "missing_field"}]}
        )
    return Reply(201, fake.state.add_comment(repo.full_name, int(m["number"]), TOKEN_USER, data["body"]))


def change_assignees(
    fake: FakeGitHub, m: re.Match[str], q: dict[str, str], data: Any, base: str, add: bool
) -> Reply:
    repo = _repo(fake, m)
    number = int(m["number"])
    if repo is None or number not in repo.issues:
        return NOT_FOUND
    item = repo.issues[number]
    current = [a["login"] for a in item["assignees"]]
    logins = [str(x) for x in (data or {}).get("assignees") or []]
    if add:
        # Real GitHub answers 201 and silently leaves out people who can't be assigned.
        allowed = [x for x in logins if fake.state.can_be_assigned(repo.full_name, number, x)]
        new = current + [x for x in allowed if x.lower() not in {c.lower() for c in current}]
    else:
        drop = {x.lower() for x in logins}
        new = [c for c in current if c.lower() not in drop]
    if new != current:
        fake.state.update_issue(repo.full_name, number, actor=TOKEN_USER, assignees=new)
    return Reply(201 if add else 200, item)


def add_assignees(fake: FakeGitHub, m: re.Match[str], q: dict[str, str], data: Any, base: str) -> Reply:
    return change_assignees(fake, m, q, data, base, add=True)


def remove_assignees(fake: FakeGitHub, m: re.Match[str], q: dict[str, str], data: Any, base: str) -> Reply:
    return change_assignees(fake, m, q, data, base, add=False)


def add_labels(fake: FakeGitHub, m: re.Match[str], q: dict[str, str], data: Any, base: str) -> Reply:
    repo = _repo(fake, m)
    number = int(m["number"])
    if repo is None or number not in repo.issues:
        return NOT_FOUND
    labels = (data or {}).get("labels")
    if not isinstance(labels, list) or not labels:
        return Reply(422, {"message": 'Invalid request.\n\nNo subschema in "anyOf" matched.'})
    item = repo.issues[number]
    names = [lab["name"] for lab in item["labels"]]
    names += [str(n) for n in labels if str(n) not in names]
    fake.state.update_issue(repo.full_name, number, actor=TOKEN_USER, labels=names)
    return Reply(200, item["labels"])


def permission(fake: FakeGitHub, m: re.Match[str], q: dict[str, str], data: Any, base: str) -> Reply:
    repo = _repo(fake, m)
    login = m["login"]
    if repo is None or (login.lower() not in fake.state.users and login.lower() not in repo.collaborators):
        return NOT_FOUND
    perm = repo.collaborators.get(login.lower(), "read")
    # REST shows "maintain" as permission "write" with role_name "maintain".
    shown = "write" if perm == "maintain" else perm
    return Reply(200, {"permission": shown, "role_name": perm, "user": user_object(login)})


def team_membership(fake: FakeGitHub, m: re.Match[str], q: dict[str, str], data: Any, base: str) -> Reply:
    members = fake.state.teams.get(f"{m['org']}/{m['slug']}".lower())
    if members is None or m["login"].lower() not in members:
        return NOT_FOUND
    return Reply(200, {"state": "active", "role": "member", "url": ""})


def get_user(fake: FakeGitHub, m: re.Match[str], q: dict[str, str], data: Any, base: str) -> Reply:
    user = fake.state.users.get(m["login"].lower())
    return Reply(200, user) if user else NOT_FOUND


def list_gists(fake: FakeGitHub, m: re.Match[str], q: dict[str, str], data: Any, base: str) -> Reply:
    if m["login"].lower() not in fake.state.users:
        return NOT_FOUND
    gists = fake.state.gists.get(m["login"].lower(), [])[: min(int(q.get("per_page", 30)), 100)]
    # Like GitHub, the list carries file names and sizes but not the contents.
    listed = [
        {**g, "files": {n: {k: v for k, v in f.items() if k != "content"} for n, f in g["files"].items()}}
        for g in gists
    ]
    return Reply(200, listed)


def get_gist(fake: FakeGitHub, m: re.Match[str], q: dict[str, str], data: Any, base: str) -> Reply:
    for gists in fake.state.gists.values():
        for gist in gists:
            if gist["id"] == m["gist_id"]:
                return Reply(200, gist)
    return NOT_FOUND


def rate_limit(fake: FakeGitHub, m: re.Match[str], q: dict[str, str], data: Any, base: str) -> Reply:
    core = {
        "limit": fake.rate.limit,
        "remaining": fake.rate.remaining,
        "reset": fake.rate.reset,
        "used": fake.rate.limit - fake.rate.remaining,
    }
    return Reply(200, {"resources": {"core": core}, "rate": core})


ROUTES: list[tuple[str, str, Any]] = [
    ("GET", f"{REPO}/issues", list_issues),
    ("GET", r"/repositories/(?P<repo_id>\d+)/issues", list_issues),
    ("GET", rf"/repositories/(?P<repo_id>\d+)/issues/{NUM}", get_issue_by_repo_id),
    ("GET", f"{REPO}/issues/comments", list_repo_comments),
    ("GET", r"/repositories/(?P<repo_id>\d+)/issues/comments", list_repo_comments),
    ("GET", f"{REPO}/issues/events", list_issue_events),
    ("GET", r"/repositories/(?P<repo_id>\d+)/issues/events", list_issue_events),
    ("GET", f"{REPO}/issues/{NUM}", get_issue),
    ("GET", f"{REPO}/issues/{NUM}/comments", list_comments),
    ("POST", f"{REPO}/issues/{NUM}/comments", create_comment),
    ("POST", f"{REPO}/issues/{NUM}/assignees", add_assignees),
    ("DELETE", f"{REPO}/issues/{NUM}/assignees", remove_assignees),
    ("POST", f"{REPO}/issues/{NUM}/labels", add_labels),
    ("GET", f"{REPO}/collaborators/(?P<login>[^/]+)/permission", permission),
    ("GET", r"/orgs/(?P<org>[^/]+)/teams/(?P<slug>[^/]+)/memberships/(?P<login>[^/]+)", team_membership),
    ("GET", r"/users/(?P<login>[^/]+)", get_user),
    ("GET", r"/users/(?P<login>[^/]+)/gists", list_gists),
    ("GET", r"/gists/(?P<gist_id>[^/]+)", get_gist),
    ("GET", r"/rate_limit", rate_limit),
    *REPO_FILE_ROUTES,
]
