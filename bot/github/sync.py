"""Polling: a first sync of everything open, cheap incremental polls, and the periodic reconcile.

Cost model (GitHub bills every non-304 response one point):
- first sync: ceil(open/100) list pages, then one incremental poll that stores the list ETag;
- incremental poll: `GET /repos/{r}/issues?state=all&sort=updated&direction=desc&since=<high water>`
  with `If-None-Match`; unchanged -> 304, free. Sorting newest-first means any change lands on page 1,
  so page 1's ETag stands for the whole result. `since` stays put (same URL, so the ETag stays
  valid) until ADVANCE_AFTER items are behind it; re-upserting unchanged items is a no-op;
- reconcile: the open list again; only items that vanished from it are fetched one by one (to tell
  closed from deleted/transferred).
- activity (activity.py), after a poll whose list changed: the repository's issue events when
  changes need an actor (usually one request), its comment list when a commented item changed
  (a free 304 when no comment is new). Nothing more after a 304.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from bot.db.database import Database
from bot.db.models import Repo, TrackedIssue
from bot.github.activity import PollBatch, RepoActivity
from bot.github.apply import IssueApplier
from bot.github.changes import Source
from bot.github.client import PER_PAGE, GitHubClient, GitHubError, RateLimited
from bot.github.pages import PageReader, last_page, listed_items
from bot.github.store import IssueStore, since_param

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int | None], None]  # (repo, pages done, pages total if known)
# At most this many vanished items are looked up one by one per repo and reconcile; the rest wait.
MAX_VANISHED_LOOKUPS = 50
# A poll moves its `since` mark forward only once this many changed items pile up behind it.
ADVANCE_AFTER = 50
# Pages a sync may fetch before they are stored; those that arrive while a page is being stored go
# into the database together, in one transaction (on PostgreSQL, each commit is a flush to disk).
SYNC_AHEAD = 4


@dataclass
class SyncResult:
    """What one repo's sync did."""

    repo: str
    requests: int = 0
    not_modified: bool = False
    items: int = 0
    changed: int = 0
    removed: int = 0
    comments: int = 0  # IssueCommented published from the comment list
    attributed: int = 0  # derived events given their actor by an issue event


class RepoSync:
    """Brings the tracked issues of watched repos up to date, spending as few API points as possible."""

    def __init__(self, db: Database, client: GitHubClient, applier: IssueApplier) -> None:
        self.db = db
        self.client = client
        self.applier = applier
        self.store: IssueStore = applier.store
        self.activity = RepoActivity(db, client, applier.identity, applier.store)

    def _repo(self, session: Session, name: str) -> Repo:
        return self.store.upsert_repo(session, name)

    async def sync(self, name: str, *, full: bool = False, progress: Progress | None = None) -> SyncResult:
        """A first sync if `name` was never synced (or `full`), else an incremental poll."""
        repo = await self.db.run(self._repo, name)
        if full or repo.since_high_water is None:
            result = await self.full_sync(name, progress=progress)
            # Stores the list ETag (so the next poll can be a free 304) and catches what changed
            # during a long sync; after a first sync that is still part of the silent baseline.
            poll = await self.poll(name, publish=repo.since_high_water is not None)
            result.requests += poll.requests
            result.changed += poll.changed
            return result
        return await self.poll(name)

    async def poll(self, name: str, *, publish: bool = True) -> SyncResult:
        """Ask only for what changed since the high-water mark, conditionally on the stored ETag;
        then (when publishing) the activity behind the changes, and publish it all oldest first."""
        result = SyncResult(name)
        repo = await self.db.run(self._repo, name)
        high_water = repo.since_high_water
        assert high_water is not None, "poll() after a first sync"
        params = {
            "state": "all",
            "sort": "updated",
            "direction": "desc",
            "since": since_param(high_water),
            "per_page": PER_PAGE,
        }
        headers = {"If-None-Match": repo.list_etag} if repo.list_etag else {}
        resp = await self.client.request("GET", f"/repos/{name}/issues", params=params, headers=headers)
        result.requests += 1
        now = self.client.clock.now()
        batch = PollBatch()
        if resp.status == 304:
            result.not_modified = True
            await self.db.run(self._bookmark, name, now=now)
            if publish:  # nothing changed, but a comment read may be left over from the last poll
                await self._settle(name, batch, result)
            return result
        etag = resp.etag
        # Whole seconds on both sides: activity in the response's second counts as after it.
        started = resp.date or now
        source = Source(opened_after=high_water)
        newest = high_water
        try:
            async with PageReader(self.client, resp, ahead=SYNC_AHEAD) as pages:
                async for group in pages.groups():
                    items = listed_items(group)
                    result.items += len(items)
                    upserted = await self.db.run(self.applier.upsert_items, name, items, source)
                    result.changed += upserted.changed
                    batch.add(upserted, items)
                    if batch.newest_listed is not None and batch.newest_listed > newest:
                        newest = batch.newest_listed
            result.requests += pages.fetched
        except Exception:
            if publish:  # stored already: publish what changed, as it was (the actors stay unknown)
                await self.applier.publish(batch.events)
            raise
        if not publish or not await self.activity.following(name):
            # The silent baseline (or the first poll since activity is followed): from here on.
            await self.activity.baseline(name, started)
        else:
            await self.activity.note_comments(name, batch)
        if result.items < ADVANCE_AFTER or batch.at_newest >= ADVANCE_AFTER:
            # Same URL next time, so the ETag just received makes an unchanged repo a free 304. Also
            # when most of the answer shares its newest second (a bulk edit): `since` is inclusive, so
            # moving it there would list them all again, with no ETag, on every poll.
            await self.db.run(self._bookmark, name, now=now, etag=etag)
        else:
            # The answer is getting long: move `since` up. The new URL has no ETag yet, so the next
            # poll costs one point; that is cheaper than re-reading a growing list on every change.
            await self.db.run(self._bookmark, name, now=now, high=newest)
        if publish:
            await self._settle(name, batch, result)
        return result

    async def _settle(self, name: str, batch: PollBatch, result: SyncResult) -> None:
        """Attribute and complete `batch` with the repo's activity, publish, and re-raise a rate limit
        (so the caller backs off); other GitHub errors were logged and the reads are retried later."""
        outcome = await self.activity.settle(name, batch)
        result.requests += outcome.requests
        result.comments += outcome.comments
        result.attributed += outcome.attributed
        await self.applier.publish(outcome.events)
        if isinstance(outcome.error, RateLimited):
            raise outcome.error

    async def full_sync(self, name: str, *, progress: Progress | None = None) -> SyncResult:
        """Page through every open item; items no longer open here are checked one by one."""
        result = SyncResult(name)
        repo = await self.db.run(self._repo, name)
        first_time = repo.since_high_water is None
        # The first sync is a baseline import: no events for 2,000 "new" issues.
        source = Source(opened_after=repo.since_high_water, baseline=first_time)
        seen: set[int] = set()
        started: datetime | None = None
        newest: datetime | None = None
        resp = await self.client.request(
            "GET", f"/repos/{name}/issues", params={"state": "open", "per_page": PER_PAGE}
        )
        total = last_page(resp) or 1
        page = 0
        # Changes a reconcile finds are published at the end, with their actors (activity.py).
        batch = PollBatch()
        try:
            result.requests += 1
            async with PageReader(self.client, resp, ahead=SYNC_AHEAD) as pages:
                async for group in pages.groups():
                    page += len(group)
                    started = started or group[0].server_time
                    items = listed_items(group)
                    result.items += len(items)
                    seen.update(int(i["number"]) for i in items)
                    upserted = await self.db.run(self.applier.upsert_items, name, items, source)
                    result.changed += upserted.changed
                    batch.add(upserted, items)
                    if progress is not None:
                        progress(name, page, max(total, page))
            result.requests += pages.fetched
            newest = batch.newest_listed
            vanished = await self.db.run(_open_numbers_not_in, name, seen)
            if vanished:
                looked_up, removed = await self._look_up_vanished(
                    name, vanished[:MAX_VANISHED_LOOKUPS], source, batch
                )
                result.requests += looked_up
                result.removed = removed
        except Exception:
            if not first_time:
                await self.applier.publish(batch.events)
            raise
        if not first_time:
            # New comments are found by the poll that follows a reconcile (see `sync`).
            await self._settle(name, batch, result)
        now = self.client.clock.now()
        # Everything updated after the first page was served is caught by the next poll.
        high = repo.since_high_water or started or newest or now
        await self.db.run(self._bookmark, name, now=now, high=high, full=True)
        return result

    async def _look_up_vanished(
        self, name: str, numbers: list[int], source: Source, batch: PollBatch
    ) -> tuple[int, int]:
        """Fetch items that left the open list: closed ones are upserted (their events go to `batch`),
        deleted/moved ones removed."""
        gone: list[int] = []
        requests = 0
        for number in numbers:
            requests += 1
            try:
                resp = await self.client.request("GET", f"/repos/{name}/issues/{number}")
            except GitHubError as exc:
                if exc.status in (404, 410):  # deleted (410 Gone) or no longer visible
                    gone.append(number)
                    continue
                raise
            item = resp.data or {}
            # A transferred issue redirects (301, followed by PyGithub) to its new repository.
            if not str(item.get("repository_url") or "").lower().endswith(f"/repos/{name.lower()}"):
                gone.append(number)
                continue
            batch.add(await self.db.run(self.applier.upsert_items, name, [item], source), [])
        removed = await self.applier.remove(name, gone, self.client.clock.now(), source)
        return requests, removed

    def _bookmark(
        self,
        session: Session,
        name: str,
        *,
        now: datetime,
        etag: str | None = None,
        high: datetime | None = None,
        full: bool = False,
    ) -> None:
        repo = self._repo(session, name)
        repo.last_polled_at = now
        if high is not None:
            if high != repo.since_high_water:
                repo.list_etag = None  # the stored ETag belongs to the old URL
            repo.since_high_water = high
        if etag is not None:
            repo.list_etag = etag
        if full:
            repo.last_full_sync_at = now
        session.add(repo)


def _open_numbers_not_in(session: Session, name: str, seen: set[int]) -> list[int]:
    query = (
        select(TrackedIssue.number)
        .join(Repo, col(Repo.id) == TrackedIssue.repo_id)
        .where(
            Repo.full_name_lower == name.lower(),
            TrackedIssue.state == "open",
            col(TrackedIssue.removed_at).is_(None),
        )
        .order_by(col(TrackedIssue.number))
    )
    return [n for n in session.exec(query) if n not in seen]


def describe(result: SyncResult) -> Mapping[str, Any]:
    """A log-friendly summary."""
    return {
        "repo": result.repo,
        "requests": result.requests,
        "304": result.not_modified,
        "items": result.items,
        "changed": result.changed,
        "removed": result.removed,
        "comments": result.comments,
        "attributed": result.attributed,
    }
