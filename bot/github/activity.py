"""A poll's second look: who made the changes it found, and the comments written since the last one.

Webhooks tell who did what; a poll of the issues list only sees that something changed. So after
a poll whose list changed, and only for what needs it:

- changes derived from the list (labels, assignees, close/reopen/merge) borrow actor and time from
  the repository's issue events (issue_events.py): one request, usually;
- when a listed item that has comments was updated since comments were last read, the repository's
  comment list is read (comments.py; a free 304 when nothing is new) and each comment not yet
  published (by a webhook or an earlier poll: the ledger) becomes an IssueCommented.

A 304 on the issues list means no item changed, hence no new comment or issue event, so it costs
nothing more; `comments_due` carries an unfinished comment read over to the next poll regardless.
Activity before the repository's first poll after its silent baseline sync is never published.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from bot.core.events import Event
from bot.core.github_events import RepoEvent
from bot.db.bulk import one_of
from bot.db.database import Database
from bot.db.models import TrackedIssue
from bot.github import ledger
from bot.github.apply import Upserted
from bot.github.client import GitHubClient, GitHubError
from bot.github.comments import CommentRead, comment_event, issue_number, read_comments
from bot.github.identity import Identity
from bot.github.issue_events import Attribution, EventPage, attributed, read_pages
from bot.github.models import ActivityCursor
from bot.github.store import IssueStore, parse_github_time

log = logging.getLogger(__name__)
# Comments and issue events older than this are neither published nor remembered.
RETENTION = timedelta(days=30)


@dataclass
class PollBatch:
    """What a poll (or reconcile) collected before publishing: derived events, the change windows of
    the changed items, and the newest `updated_at` listed (of any item, and of items with comments)."""

    events: list[Event] = field(default_factory=list)
    windows: dict[int, tuple[datetime, datetime]] = field(default_factory=dict)
    newest_listed: datetime | None = None
    newest_commented: datetime | None = None
    at_newest: int = 0  # how many listed items have `newest_listed` as their `updated_at`

    def add(self, upserted: Upserted, items: Iterable[Mapping[str, Any]]) -> None:
        self.events.extend(upserted.events)
        self.windows.update(upserted.windows)
        for item in items:
            updated = parse_github_time(item.get("updated_at"))
            if updated is None:
                continue
            if self.newest_listed is None or updated > self.newest_listed:
                self.newest_listed, self.at_newest = updated, 1
            elif updated == self.newest_listed:
                self.at_newest += 1
            if item.get("comments"):
                self.newest_commented = max(updated, self.newest_commented or updated)


@dataclass
class ActivityOutcome:
    """The events to publish (oldest first), what reading cost, and the GitHub error that cut it short."""

    events: list[Event]
    requests: int = 0
    comments: int = 0
    attributed: int = 0
    error: GitHubError | None = None


def _when(event: Event) -> datetime:
    assert isinstance(event, RepoEvent)
    return event.at


class RepoActivity:
    """Reads a repository's comments and issue events after a poll and turns them into events."""

    def __init__(self, db: Database, client: GitHubClient, identity: Identity, store: IssueStore) -> None:
        self.db = db
        self.client = client
        self.identity = identity
        self.store = store

    async def baseline(self, name: str, started: datetime) -> None:
        """Start following `name`'s activity at `started` (GitHub's clock), unless already following."""

        def work(session: Session) -> None:
            if session.get(ActivityCursor, name.lower()) is None:
                session.add(
                    ActivityCursor(
                        repo_lower=name.lower(),
                        started_at=started,
                        comments_since=started,
                        comments_read_to=started,
                    )
                )

        await self.db.run(work)

    async def following(self, name: str) -> bool:
        return await self.db.run(lambda s: s.get(ActivityCursor, name.lower()) is not None)

    async def note_comments(self, name: str, batch: PollBatch) -> None:
        """Mark a comment read due when a listed item with comments changed since the last read.
        Stored before the issues list's ETag, so a crash in between still reads them next time."""

        def work(session: Session) -> None:
            cursor = session.get(ActivityCursor, name.lower())
            newest = batch.newest_commented
            # >=: a comment in the same second as the last read's newest item may be newer than it.
            if cursor is not None and newest is not None and newest >= cursor.comments_read_to:
                cursor.comments_due = True
                session.add(cursor)

        await self.db.run(work)

    async def settle(self, name: str, batch: PollBatch) -> ActivityOutcome:
        """Attribute the batch's changes and read the comments due; the events come back oldest first.
        A GitHub error stops the reading (and is returned); what was gathered is still returned."""
        outcome = ActivityOutcome(list(batch.events))
        cursor = await self.db.run(lambda s: s.get(ActivityCursor, name.lower()))
        if cursor is not None:
            try:
                await self._attribute(name, cursor, batch, outcome)
                if cursor.comments_due:
                    await self._comments(name, cursor, batch, outcome)
            except GitHubError as exc:
                log.warning("reading the activity of %s failed: %s", name, exc)
                outcome.error = exc
        outcome.events.sort(key=_when)
        return outcome

    # -- issue events --------------------------------------------------------------------------
    async def _attribute(
        self, name: str, cursor: ActivityCursor, batch: PollBatch, outcome: ActivityOutcome
    ) -> None:
        attribution = Attribution.of(outcome.events, batch.windows)
        if not attribution.wanted:
            return
        cached = EventPage.from_json(cursor.events_page) if cursor.events_page else None
        first, etag, requests = await read_pages(self.client, name, attribution, cursor.events_etag, cached)
        outcome.requests += requests
        outcome.events, outcome.attributed = await self.db.run(
            self._lend, name, attribution, first, etag, outcome.events
        )

    def _lend(
        self,
        session: Session,
        name: str,
        attribution: Attribution,
        first: EventPage,
        etag: str | None,
        events: Sequence[Event],
    ) -> tuple[list[Event], int]:
        found = attribution.found
        created = {record.id: record.at for record in found.values()}
        won = ledger.claim(session, ledger.ISSUE_EVENT, name, created, self.client.clock.now())
        self.identity.remember_accounts(
            session, [{"login": r.actor, "type": r.actor_type} for r in found.values() if r.actor]
        )
        result = list(events)
        for index, record in found.items():
            if record.id not in won:
                continue
            login = record.actor
            # Like the webhook path (translate.py), which has no association for these either.
            maintainer = self.identity.maintainer_hint(login, None)
            is_bot = bool(login and self.identity.is_bot(login)) or record.actor_type == "Bot"
            result[index] = attributed(events[index], record, maintainer, is_bot)
        cursor = session.get(ActivityCursor, name.lower())
        if cursor is not None:
            cursor.events_etag, cursor.events_page = etag, first.to_json()
            session.add(cursor)
        if first.records:
            ledger.prune(session, max(r.at for r in first.records) - RETENTION)
        return result, len([i for i, r in found.items() if r.id in won])

    # -- comments ------------------------------------------------------------------------------
    async def _comments(
        self, name: str, cursor: ActivityCursor, batch: PollBatch, outcome: ActivityOutcome
    ) -> None:
        read = await read_comments(self.client, name, cursor.comments_since, cursor.comments_etag)
        outcome.requests += read.requests
        events = await self.db.run(self._record_comments, name, read, batch.newest_listed)
        outcome.comments = len(events)
        outcome.events.extend(events)

    def _record_comments(
        self, session: Session, name: str, read: CommentRead, newest_listed: datetime | None
    ) -> list[Event]:
        cursor = session.get(ActivityCursor, name.lower())
        assert cursor is not None
        github_now = read.server_time or self.client.clock.now()
        cutoff = max(cursor.started_at, github_now - RETENTION)
        candidates: dict[int, tuple[int, datetime, Mapping[str, Any]]] = {}
        for comment in read.comments:
            number, created = issue_number(comment), parse_github_time(comment.get("created_at"))
            # Older comments are the baseline's, or edits of comments the ledger no longer remembers.
            if number is not None and created is not None and created >= cutoff and comment.get("id"):
                candidates[int(comment["id"])] = (number, created, comment)
        issues = self._issues(session, name, {number for number, _, _ in candidates.values()})
        self.identity.remember_accounts(session, [c.get("user") for _, _, c in candidates.values()])
        # A comment on an item not synced (yet) has nobody to compare with: left for a later read.
        times = {cid: when for cid, (number, when, _) in candidates.items() if number in issues}
        won = ledger.claim(session, ledger.COMMENT, name, times, self.client.clock.now())
        events: list[Event] = []
        for cid in sorted(won):
            number, _, comment = candidates[cid]
            author, is_pull_request = issues[number]
            events.append(
                comment_event(
                    name, number, comment, self.identity, issue_author=author, is_pull_request=is_pull_request
                )
            )
        cursor.comments_since = read.since or cursor.comments_since
        cursor.comments_etag = read.etag
        cursor.comments_due = not read.complete
        if newest_listed is not None and newest_listed > cursor.comments_read_to:
            cursor.comments_read_to = newest_listed
        session.add(cursor)
        ledger.prune(session, github_now - RETENTION)
        return events

    def _issues(self, session: Session, name: str, numbers: set[int]) -> dict[int, tuple[str | None, bool]]:
        """number -> (author login, is a pull request) of the synced items among `numbers`."""
        repo = self.store.get_repo(session, name)
        if repo is None or not numbers:
            return {}
        query = select(TrackedIssue.number, TrackedIssue.author_login, TrackedIssue.is_pull_request).where(
            TrackedIssue.repo_id == repo.id,
            one_of(TrackedIssue.number, sorted(numbers), session.connection().dialect),
        )
        return {number: (author, is_pr) for number, author, is_pr in session.exec(query)}
