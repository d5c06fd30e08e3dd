"""The single entry for issue JSON from any source (poll, reconcile, webhook, write response):
upsert it, derive events from what changed, commit, then publish."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.core.events import Event, EventBus
from bot.core.github_events import IssueRemoved
from bot.db.database import Database
from bot.db.models import Repo
from bot.github.changes import EXPERIENCED, IssueState, Source, derive_events
from bot.github.identity import Identity, merged_before
from bot.github.store import IssueStore


class IssueApplier:
    """Feeds REST/webhook issue objects through `IssueStore` and publishes the resulting events."""

    def __init__(
        self, db: Database, bus: EventBus, identity: Identity, store: IssueStore | None = None
    ) -> None:
        self.db = db
        self.bus = bus
        self.identity = identity
        self.store = store or IssueStore()

    async def apply(
        self, repo_name: str, items: Sequence[Mapping[str, Any]], source: Source, *, publish: bool = True
    ) -> int:
        """Upsert `items` in one transaction, then publish their events; returns how many changed."""
        changed, events = await self.db.run(self.upsert_items, repo_name, items, source)
        if publish:
            await self.publish(events)
        return changed

    def upsert_items(
        self, session: Session, repo_name: str, items: Sequence[Mapping[str, Any]], source: Source
    ) -> tuple[int, list[Event]]:
        """Upsert in `session`; returns (items changed, events derived). Callers publish after commit."""
        repo = self.store.upsert_repo(session, repo_name)
        self.identity.remember_accounts(session, _users(items))
        events: list[Event] = []
        changed = 0
        for item in items:
            existing = self.store.get_issue(session, repo, int(item["number"]))
            before = IssueState.of(existing, self.store.labels(session, existing)) if existing else None
            issue, did_change = self.store.upsert_issue(session, repo, item)
            if not did_change:
                continue
            changed += 1
            after = IssueState.of(issue, self.store.labels(session, issue))
            first = False
            if after.merged and not (before and before.merged) and issue.author_login:
                experienced = (issue.author_association or "").upper() in EXPERIENCED
                first = not experienced and merged_before(session, issue.author_login, issue.id) == 0
            events.extend(
                derive_events(repo.full_name, issue, before, after, source, first_contribution=first)
            )
        return changed, events

    async def remove(self, repo_name: str, numbers: Iterable[int], now: datetime, source: Source) -> int:
        """Flag items as deleted/transferred away and publish IssueRemoved for each newly flagged one."""
        wanted = sorted(set(numbers))

        def work(session: Session) -> list[Event]:
            repo: Repo = self.store.upsert_repo(session, repo_name)
            events: list[Event] = []
            for number in wanted:
                issue = self.store.get_issue(session, repo, number)
                if issue is None or issue.removed_at is not None:
                    continue
                self.store.mark_removed(session, repo, [number], now)
                events.append(
                    IssueRemoved(
                        repo=repo.full_name,
                        number=number,
                        at=now,
                        is_pull_request=issue.is_pull_request,
                        actor_login=source.actor_login,
                        delivery=source.delivery,
                    )
                )
            return events

        events = await self.db.run(work)
        await self.publish(events)
        return len(events)

    async def publish(self, events: Iterable[Event]) -> None:
        for event in events:
            await self.bus.publish(event)


def _users(items: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any] | None]:
    for item in items:
        yield item.get("user")
        yield from item.get("assignees") or ()
