"""`push` and `pull_request` webhook payloads as the fake GitHub would send them, in GitHub's shape.

Field names follow GitHub's webhook documentation and the octokit/webhooks examples in
../shared/fixtures/github-webhooks/ (pull_request.opened): the pull request carries `head` (ref, sha,
repo — a fork's own repository) and `base` (ref, repo); a push names `ref` (refs/heads/...), the
`before`/`after` commits, `forced`, `deleted`, the commits with their added/modified/removed paths,
`head_commit`, the `pusher` and the `sender`.
"""

from __future__ import annotations

from typing import Any

from tests.fakes.github.server import FakeGitHub
from tests.fakes.github.state import user_object


def _repository(name: str, fork: bool = False) -> dict[str, Any]:
    owner = name.split("/", 1)[0]
    return {
        "id": abs(hash(name)) % 10**8,
        "name": name.split("/", 1)[1],
        "full_name": name,
        "owner": user_object(owner),
        "private": False,
        "fork": fork,
        "html_url": f"https://github.com/{name}",
        "default_branch": "main",
    }


def push_payload(
    fake: FakeGitHub, repo: str, branch: str, before: str, after: str, pusher: str, *, forced: bool = False
) -> dict[str, Any]:
    """The `push` event for `branch` moving from `before` to `after` (commits read from the fake)."""
    files = fake.git.repos[repo.lower()]
    commits = []
    sha: str | None = after
    while sha and sha != before:
        commit = files.commits[sha]
        parent = files.commits.get(commit.parent) if commit.parent else None
        old = parent.files if parent else {}
        commits.append(
            {
                "id": commit.sha,
                "message": commit.message,
                "timestamp": commit.date,
                "url": f"https://github.com/{repo}/commit/{commit.sha}",
                "author": {"name": commit.author, "email": "", "username": commit.author},
                "added": sorted(set(commit.files) - set(old)),
                "removed": sorted(set(old) - set(commit.files)),
                "modified": sorted(p for p in commit.files if p in old and old[p] != commit.files[p]),
            }
        )
        sha = commit.parent
        if forced:
            break  # GitHub lists only the pushed commits; after a force push the old ones are gone
    commits.reverse()
    return {
        "ref": f"refs/heads/{branch}",
        "before": before,
        "after": after,
        "created": False,
        "deleted": False,
        "forced": forced,
        "base_ref": None,
        "compare": f"https://github.com/{repo}/compare/{before[:12]}...{after[:12]}",
        "commits": commits,
        "head_commit": commits[-1] if commits else None,
        "repository": _repository(repo),
        "pusher": {"name": pusher, "email": f"{pusher}@users.noreply.github.com"},
        "sender": user_object(pusher),
    }


def pull_request_payload(
    repo: str,
    number: int,
    action: str,
    head_sha: str,
    *,
    author: str = "contributor",
    base_ref: str = "main",
    head_repo: str | None = None,
    title: str = "Update the community config",
) -> dict[str, Any]:
    """A `pull_request` event (opened, synchronize, reopened, ...); `head_repo` set: from a fork."""
    head_name = head_repo or repo
    created = "2026-01-01T00:00:00Z"
    pull = {
        "url": f"{fake_api(repo)}/pulls/{number}",
        "id": 10_000 + number,
        "number": number,
        "html_url": f"https://github.com/{repo}/pull/{number}",
        "state": "open",
        "title": title,
        "user": user_object(author),
        "body": "",
        "labels": [],
        "assignees": [],
        "created_at": created,
        "updated_at": created,
        "closed_at": None,
        "merged_at": None,
        "draft": False,
        "merged": False,
        "author_association": "CONTRIBUTOR" if head_repo else "MEMBER",
        "head": {
            "label": f"{head_name.split('/')[0]}:patch",
            "ref": "patch",
            "sha": head_sha,
            "user": user_object(head_name.split("/")[0]),
            "repo": _repository(head_name, fork=head_repo is not None),
        },
        "base": {
            "label": f"{repo.split('/')[0]}:{base_ref}",
            "ref": base_ref,
            "sha": "0" * 40,
            "user": user_object(repo.split("/")[0]),
            "repo": _repository(repo),
        },
    }
    return {
        "action": action,
        "number": number,
        "pull_request": pull,
        "repository": _repository(repo),
        "sender": user_object(author),
    }


def fake_api(repo: str) -> str:
    return f"https://api.github.com/repos/{repo}"
