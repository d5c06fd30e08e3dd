"""History from day one: a repository's closed issues and merged PRs of the last months, read once.

The first sync reads open items only, so without this everyone starts as a newcomer (claim limits),
and spotlight look-backs and first-contribution checks find nothing. After a repository's first sync,
its closed items updated within ``github.history_months`` are paged in, oldest change first, a few
pages per poll so that polls, people's requests and the rate-limit reserve come first. Paging resumes
from the stored next-page URL after a restart. The read is silent (no events: it is the past) and
stops at the first sync's start: what changed after that is the polls' to see, with its events.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from bot.db.database import Database
from bot.github.apply import IssueApplier
from bot.github.changes import Source
from bot.github.client import PER_PAGE, GitHubClient
from bot.github.models import HistoryBackfill
from bot.github.pages import PageReader, last_page
from bot.github.store import parse_github_time, since_param
from bot.github.sync import Progress

log = logging.getLogger(__name__)
SILENT = Source(baseline=True)
DAYS_PER_MONTH = 30.44  # a calendar month on average
# Pages stored per transaction. A commit writes every index page the rows touched, and with 100k
# items stored a commit per page cost about a quarter of the read's CPU; five pages share one. A crash
# reads at most the pages not yet stored again.
STORE_EVERY = 5


@dataclass
class HistoryStep:
    """What one step of a backfill did."""

    repo: str
    requests: int = 0
    items: int = 0
    done: bool = False


class HistoryReader:
    """Pages a repository's closed history into the tracked issues, resumably."""

    def __init__(self, db: Database, client: GitHubClient, applier: IssueApplier) -> None:
        self.db = db
        self.client = client
        self.applier = applier

    async def step(
        self, name: str, months: int, *, max_pages: int | None = None, progress: Progress | None = None
    ) -> HistoryStep:
        """Read up to ``max_pages`` pages (None: to the end) of ``name``'s history within ``months``."""
        result = HistoryStep(name)
        state = await self.db.run(self._state, name, months)
        if state is None or state.done_at is not None:
            result.done = state is not None
            return result
        if state.next_url is not None:
            resp = await self.client.request("GET", state.next_url)
        else:
            params = {
                "state": "closed",
                "sort": "updated",
                "direction": "asc",
                "since": since_param(state.window_start),
                "per_page": PER_PAGE,
            }
            resp = await self.client.request("GET", f"/repos/{name}/issues", params=params)
            await self.db.run(self._total, name, last_page(resp))
        result.requests += 1
        pages, saved, until = 0, state, state.until
        pending: list[list[dict[str, object]]] = []  # pages read, not yet stored
        next_url: str | None = None
        async with PageReader(self.client, resp) as reader:
            try:
                async for page in reader:
                    pages += 1
                    items = list(page.data or [])
                    past = [i for i in items if (updated := _updated(i)) is not None and updated < until]
                    finished = len(past) < len(items) or page.next_url is None
                    pending.append(past)
                    next_url = None if finished else page.next_url
                    stop = finished or (max_pages is not None and pages >= max_pages)
                    if stop or len(pending) >= STORE_EVERY:
                        saved = await self._store(name, pending, next_url, result, progress)
                    if finished:
                        await self.db.run(self._finish, name)
                        result.done = True
                        break
                    if stop:
                        break
            except Exception:
                if pending:  # what was read before the failure is kept: a retry goes on after it
                    await self._store(name, pending, next_url, result, progress)
                raise
        result.requests += reader.fetched
        if result.done:
            log.info("history of %s read: %d items", name, saved.items)
        return result

    async def _store(
        self,
        name: str,
        pending: list[list[dict[str, object]]],
        next_url: str | None,
        result: HistoryStep,
        progress: Progress | None,
    ) -> HistoryBackfill:
        """Store the pages read so far in one transaction, taking them out of ``pending`` first (a
        failed store is not tried again by the caller's error path)."""
        pages = pending[:]
        pending.clear()
        saved = await self.db.run(self._store_pages, name, pages, next_url)
        result.items += sum(len(items) for items in pages)
        if progress is not None:
            progress(name, saved.pages, saved.total_pages)
        return saved

    def _state(self, session: Session, name: str, months: int) -> HistoryBackfill | None:
        """The backfill of ``name``, begun now when the repository had its first sync (None: not yet)."""
        state = session.get(HistoryBackfill, name.lower())
        if state is not None or months <= 0:
            return state
        repo = self.applier.store.get_repo(session, name)
        if repo is None or repo.last_full_sync_at is None:
            return None  # the first sync has not finished: its start is not known yet
        until = repo.since_high_water or repo.last_full_sync_at
        state = HistoryBackfill(
            repo_lower=name.lower(), window_start=until - timedelta(days=months * DAYS_PER_MONTH), until=until
        )
        session.add(state)
        return state

    def _total(self, session: Session, name: str, total: int | None) -> None:
        state = session.get(HistoryBackfill, name.lower())
        if state is not None:
            state.total_pages = total or 1
            session.add(state)

    def _store_pages(
        self, session: Session, name: str, pages: list[list[dict[str, object]]], next_url: str | None
    ) -> HistoryBackfill:
        """Upsert some pages and move the cursor past them, in one transaction: a restart resumes after
        them. Returns the backfill as it now stands."""
        items = [item for page in pages for item in page]
        if items:
            self.applier.upsert_items(session, name, items, SILENT)
        state = session.get(HistoryBackfill, name.lower())
        assert state is not None
        state.pages += len(pages)
        state.items += len(items)
        state.next_url = next_url
        session.add(state)
        return state

    def _finish(self, session: Session, name: str) -> None:
        state = session.get(HistoryBackfill, name.lower())
        assert state is not None
        state.done_at = self.client.clock.now()
        state.next_url = None
        session.add(state)


def _updated(item: dict[str, object]) -> datetime | None:
    value = item.get("updated_at")
    return parse_github_time(value) if isinstance(value, str) else None


def history_report(session: Session) -> list[dict[str, object]]:
    """Each repository's backfill, for `steward status`."""
    rows = session.exec(select(HistoryBackfill).order_by(col(HistoryBackfill.repo_lower))).all()
    return [
        {
            "repo": row.repo_lower,
            "pages": row.pages,
            "total_pages": row.total_pages,
            "items": row.items,
            "done": row.done_at is not None,
        }
        for row in rows
    ]


def describe_history(rows: list[dict[str, object]]) -> str:
    """One line of `steward status`: done, or pages read of the total."""
    parts = []
    for row in rows:
        if row["done"]:
            parts.append(f"{row['repo']} done ({row['items']} items)")
        else:
            parts.append(f"{row['repo']} {row['pages']}/{row['total_pages'] or '?'} pages")
    return "; ".join(parts) or "not started"
