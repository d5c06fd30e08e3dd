"""The fake GitHub's files, commits, check runs and commit statuses (what config as code talks to).

From GitHub's REST docs (PLATFORM-NOTES F): `GET /repos/{o}/{r}/contents/{path}?ref=` answers a file as
base64 `content` with its blob `sha` (a weak ETag like every GET here, so a repeat costs nothing);
above 1 MB the content is not inlined (`encoding: "none"`, empty `content`). `GET .../commits?sha=&path=`
lists the commits reachable from `sha` that changed `path`, newest first. Check runs
(`POST .../check-runs`, `PATCH .../check-runs/{id}`) take at most 50 annotations per request, each with
path, start_line, end_line, annotation_level (notice|warning|failure) and message; PATCHed annotations
are appended. A token that may not create check runs (a personal access token) gets 403 "Resource not
accessible by integration"; commit statuses (`POST .../statuses/{sha}`, state error|failure|pending|
success) work for it. Comments on a pull request are issue comments; `PATCH .../issues/comments/{id}`
edits one in place.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.fakes.github.server import FakeGitHub

INLINE_LIMIT = 1024 * 1024  # GitHub inlines file contents up to 1 MB
ANNOTATIONS_PER_REQUEST = 50
LEVELS = {"notice", "warning", "failure"}
CONCLUSIONS = {
    "action_required",
    "cancelled",
    "failure",
    "neutral",
    "success",
    "skipped",
    "stale",
    "timed_out",
}
STATES = {"error", "failure", "pending", "success"}
FORBIDDEN = {
    "message": "Resource not accessible by integration",
    "documentation_url": "https://docs.github.com",
}


@dataclass
class Commit:
    """One commit: the whole tree as path -> bytes, its parent and author."""

    sha: str
    parent: str | None
    files: dict[str, bytes]
    author: str
    message: str
    date: str


@dataclass
class RepoFiles:
    """Commits and branches of one repository."""

    commits: dict[str, Commit] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeGitData:
    """Files, branches, check runs and statuses; tests change them through these methods."""

    repos: dict[str, RepoFiles] = field(default_factory=dict)
    check_runs: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[dict[str, Any]] = field(default_factory=list)
    # True: the token is not an App's, so check runs are refused with 403 (commit statuses still work).
    checks_forbidden: bool = False
    _ids: Any = field(default_factory=lambda: itertools.count(7_000_000))

    def _repo(self, name: str) -> RepoFiles:
        return self.repos.setdefault(name.lower(), RepoFiles())

    def commit(
        self,
        repo: str,
        changes: dict[str, str | bytes | None],
        *,
        branch: str | None = "main",
        parent: str | None = None,
        author: str = "octocat",
        message: str = "Update",
        date: str = "2026-01-01T00:00:00Z",
    ) -> str:
        """Commit `changes` (None deletes a file) on top of `parent` (default: the branch head); the
        branch (None: none, like a fork's commit reachable through the pull request) moves to it."""
        files_of = self._repo(repo)
        base_sha = parent if parent is not None else (files_of.branches.get(branch) if branch else None)
        files = dict(files_of.commits[base_sha].files) if base_sha else {}
        for path, content in changes.items():
            if content is None:
                files.pop(path, None)
            else:
                files[path] = content.encode() if isinstance(content, str) else content
        seed = f"{base_sha}:{sorted(files.items())}:{message}:{next(self._ids)}"
        sha = hashlib.sha1(seed.encode()).hexdigest()
        files_of.commits[sha] = Commit(sha, base_sha, files, author, message, date)
        if branch:
            files_of.branches[branch] = sha
        return sha

    def force_push(self, repo: str, branch: str, sha: str) -> None:
        """Point `branch` at `sha` (an earlier or unrelated commit), as `git push --force` does."""
        self._repo(repo).branches[branch] = sha

    def resolve(self, repo: str, ref: str | None) -> Commit | None:
        files_of = self.repos.get(repo.lower())
        if files_of is None:
            return None
        sha = files_of.branches.get(ref or "main", ref or "")
        return files_of.commits.get(sha)


def blob_sha(content: bytes) -> str:
    """Git's blob id: sha1 of "blob <size>\\0" + content."""
    return hashlib.sha1(b"blob %d\x00" % len(content) + content).hexdigest()


def _name(m: re.Match[str]) -> str:
    return f"{m['owner']}/{m['name']}"


def get_contents(fake: FakeGitHub, m: re.Match[str], q: dict[str, str], data: Any, base: str) -> Any:
    from tests.fakes.github.server import Reply

    commit = fake.git.resolve(_name(m), q.get("ref"))
    path = m["path"]
    if commit is None or path not in commit.files:
        return Reply(404, {"message": "Not Found", "documentation_url": "https://docs.github.com"})
    content = commit.files[path]
    inline = len(content) <= INLINE_LIMIT
    url = f"{base}/repos/{_name(m)}/contents/{path}?ref={q.get('ref') or 'main'}"
    return Reply(
        200,
        {
            "type": "file",
            "encoding": "base64" if inline else "none",
            "size": len(content),
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "content": base64.encodebytes(content).decode() if inline else "",
            "sha": blob_sha(content),
            "url": url,
            "html_url": f"https://github.com/{_name(m)}/blob/{commit.sha}/{path}",
            "download_url": f"{base}/raw/{_name(m)}/{commit.sha}/{path}",
        },
    )


def _commit_object(repo: str, commit: Commit) -> dict[str, Any]:
    person = {
        "name": commit.author,
        "email": f"{commit.author}@users.noreply.github.com",
        "date": commit.date,
    }
    return {
        "sha": commit.sha,
        "html_url": f"https://github.com/{repo}/commit/{commit.sha}",
        "commit": {"message": commit.message, "author": person, "committer": person},
        "author": {"login": commit.author, "type": "User"},
        "committer": {"login": commit.author, "type": "User"},
        "parents": [{"sha": commit.parent}] if commit.parent else [],
    }


def list_commits(fake: FakeGitHub, m: re.Match[str], q: dict[str, str], data: Any, base: str) -> Any:
    from tests.fakes.github.server import Reply

    files_of = fake.git.repos.get(_name(m).lower())
    commit = fake.git.resolve(_name(m), q.get("sha"))
    if files_of is None or commit is None:
        return Reply(404, {"message": "Not Found"})
    path = q.get("path")
    found = []
    while commit is not None:
        parent = files_of.commits.get(commit.parent) if commit.parent else None
        before = parent.files.get(path) if parent and path else None
        if path is None or commit.files.get(path) != before:
            found.append(_commit_object(_name(m), commit))
        commit = parent
    return Reply(200, found[: min(int(q.get("per_page", 30)), 100)])


def _annotation_error(annotations: Any) -> str | None:
    if not isinstance(annotations, list):
        return "annotations must be a list"
    if len(annotations) > ANNOTATIONS_PER_REQUEST:
        return f"at most {ANNOTATIONS_PER_REQUEST} annotations per request"
    for item in annotations:
        required = ("path", "start_line", "end_line", "annotation_level", "message")
        if not isinstance(item, dict) or any(item.get(key) in (None, "") for key in required):
            return "annotation is missing a required field"
        if item["annotation_level"] not in LEVELS or item["start_line"] > item["end_line"]:
            return "annotation has an invalid level or line range"
    return None


def _apply_output(run: dict[str, Any], output: Any) -> str | None:
    if output is None:
        return None
    if not isinstance(output, dict) or not output.get("title") or not output.get("summary"):
        return "output needs a title and a summary"
    if len(str(output["summary"])) > 65535 or len(str(output.get("text") or "")) > 65535:
        return "output summary and text are limited to 65535 characters"
    error = _annotation_error(output.get("annotations", []))
    if error:
        return error
    run["output"].update({k: output[k] for k in ("title", "summary", "text") if k in output})
    run["annotations"].extend(output.get("annotations", []))  # appended, as GitHub does
    run["output"]["annotations_count"] = len(run["annotations"])
    return None


def _invalid(message: str) -> Any:
    from tests.fakes.github.server import Reply

    return Reply(422, {"message": "Validation Failed", "errors": [message]})


def create_check_run(fake: FakeGitHub, m: re.Match[str], q: dict[str, str], data: Any, base: str) -> Any:
    from tests.fakes.github.server import Reply

    if fake.git.checks_forbidden:
        return Reply(403, FORBIDDEN)
    data = data or {}
    if not data.get("name") or not data.get("head_sha"):
        return _invalid("name and head_sha are required")
    run_id = next(fake.git._ids)
    run: dict[str, Any] = {
        "id": run_id,
        "repo": _name(m).lower(),
        "name": data["name"],
        "head_sha": data["head_sha"],
        "status": data.get("status", "queued"),
        "conclusion": data.get("conclusion"),
        "output": {"title": None, "summary": None, "text": None, "annotations_count": 0},
        "annotations": [],
        "html_url": f"https://github.com/{_name(m)}/runs/{run_id}",
    }
    error = _check_fields(data) or _apply_output(run, data.get("output"))
    if error:
        return _invalid(error)
    fake.git.check_runs.append(run)
    return Reply(201, {k: v for k, v in run.items() if k not in ("annotations", "repo")})


def _check_fields(data: dict[str, Any]) -> str | None:
    if data.get("conclusion") is not None and data["conclusion"] not in CONCLUSIONS:
        return "unknown conclusion"
    if data.get("status") == "completed" and not data.get("conclusion"):
        return "a completed check run needs a conclusion"
    return None


def update_check_run(fake: FakeGitHub, m: re.Match[str], q: dict[str, str], data: Any, base: str) -> Any:
    from tests.fakes.github.server import Reply

    if fake.git.checks_forbidden:
        return Reply(403, FORBIDDEN)
    run = next((r for r in fake.git.check_runs if r["id"] == int(m["run_id"])), None)
    if run is None or run["repo"] != _name(m).lower():
        return Reply(404, {"message": "Not Found"})
    data = data or {}
    error = _check_fields(data)
    if error:
        return _invalid(error)
    before = (run["status"], run["conclusion"], dict(run["output"]), list(run["annotations"]))
    run.update({k: data[k] for k in ("status", "conclusion", "name") if k in data})
    error = _apply_output(run, data.get("output"))
    if error:
        run["status"], run["conclusion"], run["output"], run["annotations"] = before
        return _invalid(error)
    return Reply(200, {k: v for k, v in run.items() if k not in ("annotations", "repo")})


def create_status(fake: FakeGitHub, m: re.Match[str], q: dict[str, str], data: Any, base: str) -> Any:
    from tests.fakes.github.server import Reply

    data = data or {}
    if data.get("state") not in STATES:
        return _invalid("state must be one of error, failure, pending, success")
    status = {
        "id": next(fake.git._ids),
        "repo": _name(m).lower(),
        "sha": m["sha"],
        "state": data["state"],
        "context": data.get("context") or "default",
        "description": data.get("description"),
        "target_url": data.get("target_url"),
    }
    fake.git.statuses.append(status)
    return Reply(201, {k: v for k, v in status.items() if k != "repo"})


def edit_issue_comment(fake: FakeGitHub, m: re.Match[str], q: dict[str, str], data: Any, base: str) -> Any:
    from tests.fakes.github.server import Reply

    body = str((data or {}).get("body") or "")
    if not body.strip():
        return _invalid("body is required")
    try:
        return Reply(200, fake.state.edit_comment(_name(m), int(m["comment_id"]), body))
    except KeyError:
        return Reply(404, {"message": "Not Found"})


REPO = r"/repos/(?P<owner>[^/]+)/(?P<name>[^/]+)"
ROUTES: list[tuple[str, str, Any]] = [
    ("GET", f"{REPO}/contents/(?P<path>.+)", get_contents),
    ("GET", f"{REPO}/commits", list_commits),
    ("POST", f"{REPO}/check-runs", create_check_run),
    ("PATCH", rf"{REPO}/check-runs/(?P<run_id>\d+)", update_check_run),
    ("POST", f"{REPO}/statuses/(?P<sha>[0-9a-f]{{40}})", create_status),
    ("PATCH", rf"{REPO}/issues/comments/(?P<comment_id>\d+)", edit_issue_comment),
]
