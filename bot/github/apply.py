"""The single entry for issue JSON from any source (poll, reconcile, webhook, write response):
upsert it, derive events from what changed, commit, then publish."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.core.events import Event, EventBus
from bot.core.github_events import IssueOpened, IssueRemoved, PullRequestOpened
from bot.db.database import Database
from bot.db.models import Repo
from bot.github.batch import IssueRow, upsert_page
from bot.github.changes import EXPERIENCED, Source, derive_events
from bot.github.identity import Identity, merged_before
from bot.github.store import IssueStore


@dataclass
class Upserted:
    """What one upsert did: how many items changed, the events derived, and for each changed item the
    window its changes happened in (its previous `updated_at`, or `created_at` when new, to its new
    `updated_at`), which lets a poll find the issue events that explain them."""

    changed: int = 0
    events: list[Event] = field(default_factory=list)
    windows: dict[int, tuple[datetime, datetime]] = field(default_factory=dict)


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
        upserted = await self.db.run(self.upsert_items, repo_name, items, source)
        if publish:
            await self.publish(upserted.events)
        return upserted.changed

    def upsert_items(
        self, session: Session, repo_name: str, items: Sequence[Mapping[str, Any]], source: Source
    ) -> Upserted:
        """Upsert in `session`; returns what changed and the events derived. Callers publish after commit."""
        repo = self.store.upsert_repo(session, repo_name)
        self.identity.remember_accounts(session, _users(items))
        result = Upserted()
        payloads = {int(item["number"]): item for item in items}
        for change in upsert_page(session, self.store, repo, items):
            issue, before, after = change.row, change.before, change.after
            result.changed += 1
            result.windows[issue.number] = (change.previous_updated_at or issue.created_at, issue.updated_at)
            if source.baseline:
                continue
            first = False
            if after.merged and not (before and before.merged) and issue.author_login:
                experienced = (issue.author_association or "").upper() in EXPERIENCED
                first = not experienced and merged_before(session, issue.author_login, issue.id) == 0
            events = derive_events(repo.full_name, issue, before, after, source, first_contribution=first)
            if source.actor_login is None:
                events = [self._opened_by_author(e, issue, payloads[issue.number]) for e in events]
            result.events.extend(events)
        return result

    def _opened_by_author(self, event: Event, issue: IssueRow, item: Mapping[str, Any]) -> Event:
        """A poll can't see who did something, but an item is opened by its author: say so, as the
        `opened` webhook (sent by the author) does."""
        login = issue.author_login
        if not isinstance(event, IssueOpened | PullRequestOpened) or not login:
            return event
        is_bot = self.identity.is_bot(login) or (item.get("user") or {}).get("type") == "Bot"
        maintainer = self.identity.maintainer_hint(login, issue.author_association)
        return replace(event, actor_login=login, actor_is_maintainer=maintainer, actor_is_bot=is_bot)

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
