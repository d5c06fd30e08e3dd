"""Issue comments as core events: one builder for webhook deliveries and polls, and the poll's
reader of a repository's comment list.

The reader asks `GET /repos/{r}/issues/comments?sort=updated&direction=asc&since=<mark>` with
`If-None-Match`. Like the issues poll, the mark stays put (same URL, so an unchanged list is a free
304) until ADVANCE_AFTER comments are behind it, then moves to the newest comment read (minus a
minute, in case GitHub lists a comment a little after a newer one); comments listed twice are
recognised by the ledger.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.core.github_events import IssueCommented
from bot.github.client import PER_PAGE, GitHubClient
from bot.github.identity import Identity
from bot.github.store import parse_github_time, since_param

EXCERPT_CHARS = 280
# The mark moves once this many comments are behind it; at most this many pages are read per poll
# (the rest is read by the next poll, which the cursor's `comments_due` forces).
ADVANCE_AFTER = 50
MAX_PAGES = 10
MARK_OVERLAP = timedelta(minutes=1)


def comment_event(
    repo: str,
    number: int,
    comment: Mapping[str, Any],
    identity: Identity,
    *,
    issue_author: str | None,
    is_pull_request: bool,
    delivery: str | None = None,
    fallback_at: datetime | None = None,
) -> IssueCommented:
    """The IssueCommented for a comment object (the shape webhooks and the REST lists share)."""
    user = comment.get("user") or {}
    login = user.get("login")
    at = parse_github_time(comment.get("created_at")) or fallback_at
    assert at is not None, "a comment has a created_at"
    body = str(comment.get("body") or "")
    return IssueCommented(
        repo=repo,
        number=number,
        at=at,
        actor_login=login,
        actor_is_maintainer=identity.maintainer_hint(login, comment.get("author_association")),
        actor_is_bot=bool(login and identity.is_bot(login)) or user.get("type") == "Bot",
        is_pull_request=is_pull_request,
        delivery=delivery,
        comment_id=int(comment.get("id") or 0),
        commenter_is_author=bool(login and issue_author and str(login).lower() == issue_author.lower()),
        body_excerpt=body[:EXCERPT_CHARS],
    )


def issue_number(comment: Mapping[str, Any]) -> int | None:
    """The issue/PR number a listed comment belongs to (from its `issue_url`)."""
    tail = str(comment.get("issue_url") or "").rstrip("/").rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else None


@dataclass
class CommentRead:
    """One read of the comment list: the comments, where the mark goes next, and whether it got to
    the end (False: pages are left for the next poll)."""

    comments: list[Mapping[str, Any]] = field(default_factory=list)
    since: datetime | None = None
    etag: str | None = None
    complete: bool = True
    requests: int = 0
    server_time: datetime | None = None


async def read_comments(client: GitHubClient, name: str, since: datetime, etag: str | None) -> CommentRead:
    """Comments of `name` updated at or after `since`, oldest first; `etag` makes "no change" free."""
    params = {"sort": "updated", "direction": "asc", "since": since_param(since), "per_page": PER_PAGE}
    headers = {"If-None-Match": etag} if etag else {}
    resp = await client.request("GET", f"/repos/{name}/issues/comments", params=params, headers=headers)
    read = CommentRead(since=since, etag=etag, requests=1, server_time=resp.date)
    if resp.status == 304:
        return read
    read.etag = resp.etag
    pages = 1
    while True:
        read.comments.extend(resp.data or [])
        if resp.next_url is None:
            break
        if pages >= MAX_PAGES:
            read.complete = False
            break
        resp = await client.request("GET", resp.next_url)
        read.requests += 1
        pages += 1
    if len(read.comments) >= ADVANCE_AFTER or not read.complete:
        times = [parse_github_time(c.get("updated_at")) for c in read.comments]
        newest = max((t for t in times if t is not None), default=since)
        # A new URL: the ETag belongs to the old one.
        read.since, read.etag = max(since, newest - MARK_OVERLAP), None
    return read
