"""Who made the label, assignment and state changes a poll notices, from GitHub's issue events.

A poll sees a change as the difference between the stored and the listed issue (changes.py): it
knows what changed, not who changed it or exactly when. `GET /repos/{r}/issues/events` lists the
repository's issue events newest first (no `since`), each with its actor and time. An event explains
a change when it is of the same kind (labeled X, assigned Y, closed, ...) on the same item and
happened inside the change's window (after the item's previous `updated_at`, at or before its new
one); the newest such event wins, as it is the one that left the item in its listed state.

Events only ever lend their actor and time to an event derived from a change, so a change is
published once whether a webhook or a poll saw it first; the ledger makes sure an issue event
lends itself once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from bot.core.events import Event
from bot.core.github_events import (
    IssueAssigned,
    IssueClosed,
    IssueLabeled,
    IssueReopened,
    IssueUnassigned,
    IssueUnlabeled,
    PullRequestMerged,
    RepoEvent,
)
from bot.github.client import PER_PAGE, GitHubClient
from bot.github.store import parse_github_time

MAX_PAGES = 5
Key = tuple[int, str, str]  # (number, GitHub event name, label name or assignee login, casefolded)


def key_of(event: Event) -> Key | None:
    """What issue event would explain `event`; None for kinds issue events don't explain."""
    if isinstance(event, IssueLabeled | IssueUnlabeled):
        name = "labeled" if isinstance(event, IssueLabeled) else "unlabeled"
        return (event.number, name, event.label.casefold())
    if isinstance(event, IssueAssigned | IssueUnassigned):
        name = "assigned" if isinstance(event, IssueAssigned) else "unassigned"
        return (event.number, name, event.assignee.casefold())
    if isinstance(event, PullRequestMerged):
        return (event.number, "merged", "")
    if isinstance(event, IssueClosed):
        return (event.number, "closed", "")
    if isinstance(event, IssueReopened):
        return (event.number, "reopened", "")
    return None


_NAMES = frozenset({"labeled", "unlabeled", "assigned", "unassigned", "merged", "closed", "reopened"})


@dataclass(frozen=True)
class IssueEventRecord:
    """The part of one issue event that attribution needs (also what the cursor caches of page 1)."""

    id: int
    key: Key
    actor: str | None
    actor_type: str | None
    at: datetime

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> IssueEventRecord | None:
        name = str(data.get("event") or "")
        issue = data.get("issue") or {}
        at = parse_github_time(data.get("created_at"))
        if name not in _NAMES or not issue.get("number") or at is None:
            return None
        if name in ("labeled", "unlabeled"):
            value = str((data.get("label") or {}).get("name") or "")
        elif name in ("assigned", "unassigned"):
            value = str((data.get("assignee") or {}).get("login") or "")
        else:
            value = ""
        actor = data.get("actor") or {}  # null for deleted accounts ("ghost")
        key = (int(issue["number"]), name, value.casefold())
        return cls(int(data["id"]), key, actor.get("login"), actor.get("type"), at)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "key": list(self.key), "actor": self.actor, "type": self.actor_type,
                "at": self.at.isoformat()}  # fmt: skip

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> IssueEventRecord:
        number, name, value = data["key"]
        key = (int(number), str(name), str(value))
        at = datetime.fromisoformat(data["at"])
        return cls(int(data["id"]), key, data.get("actor"), data.get("type"), at)


@dataclass
class EventPage:
    """The relevant events of one page, the time of its oldest event of any kind, and the next URL."""

    records: list[IssueEventRecord]
    oldest: datetime | None
    next_url: str | None

    @classmethod
    def from_api(cls, items: Sequence[Mapping[str, Any]], next_url: str | None) -> EventPage:
        records = [r for r in (IssueEventRecord.from_api(i) for i in items) if r is not None]
        times = [t for t in (parse_github_time(i.get("created_at")) for i in items) if t is not None]
        return cls(records, min(times, default=None), next_url)

    def to_json(self) -> dict[str, Any]:
        oldest = self.oldest.isoformat() if self.oldest else None
        return {"records": [r.to_json() for r in self.records], "oldest": oldest, "next": self.next_url}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> EventPage:
        oldest = datetime.fromisoformat(data["oldest"]) if data.get("oldest") else None
        records = [IssueEventRecord.from_json(r) for r in data.get("records") or ()]
        return cls(records, oldest, data.get("next"))


@dataclass
class Attribution:
    """Derived events waiting for the issue events that explain them."""

    windows: Mapping[int, tuple[datetime, datetime]]
    wanted: dict[int, Key] = field(default_factory=dict)  # index in the event list -> key
    found: dict[int, IssueEventRecord] = field(default_factory=dict)

    @classmethod
    def of(cls, events: Sequence[Event], windows: Mapping[int, tuple[datetime, datetime]]) -> Attribution:
        wanted = {}
        for index, event in enumerate(events):
            key = key_of(event)
            if key is not None and key[0] in windows:
                wanted[index] = key
        return cls(windows, wanted)

    @property
    def open(self) -> list[int]:
        return [i for i in self.wanted if i not in self.found]

    def oldest_needed(self) -> datetime | None:
        """The earliest instant an unexplained change may have happened."""
        return min((self.windows[self.wanted[i][0]][0] for i in self.open), default=None)

    def offer(self, records: Sequence[IssueEventRecord]) -> None:
        """Match records (newest first) to the changes still unexplained."""
        taken = {r.id for r in self.found.values()}
        by_key: dict[Key, list[IssueEventRecord]] = {}
        for record in records:
            by_key.setdefault(record.key, []).append(record)
        for index in self.open:
            key = self.wanted[index]
            after, until = self.windows[key[0]]
            for record in by_key.get(key, ()):
                if record.id not in taken and after <= record.at <= until:
                    self.found[index] = record
                    taken.add(record.id)
                    break

    def wants_more(self, page: EventPage) -> bool:
        """Whether the page after `page` may still explain something."""
        needed = self.oldest_needed()
        if needed is None or page.next_url is None:
            return False
        return page.oldest is None or page.oldest >= needed


async def read_pages(
    client: GitHubClient, name: str, attribution: Attribution, etag: str | None, cached: EventPage | None
) -> tuple[EventPage, str | None, int]:
    """Offer issue events to `attribution`, newest first, until nothing is left to explain; returns
    page 1 (to cache), its ETag, and the number of requests made."""
    headers = {"If-None-Match": etag} if etag and cached is not None else {}
    params = {"per_page": PER_PAGE}
    resp = await client.request("GET", f"/repos/{name}/issues/events", params=params, headers=headers)
    requests = 1
    if resp.status == 304 and cached is not None:
        first = cached
    else:
        first, etag = EventPage.from_api(list(resp.data or []), resp.next_url), resp.etag
    page = first
    attribution.offer(page.records)
    while attribution.wants_more(page) and requests < MAX_PAGES:
        assert page.next_url is not None
        resp = await client.request("GET", page.next_url)
        requests += 1
        page = EventPage.from_api(list(resp.data or []), resp.next_url)
        attribution.offer(page.records)
    return first, etag, requests


def attributed(event: Event, record: IssueEventRecord, is_maintainer: bool, is_bot: bool) -> Event:
    """`event` with the actor and time of the issue event that explains it."""
    assert isinstance(event, RepoEvent)
    return replace(
        event, actor_login=record.actor, actor_is_maintainer=is_maintainer, actor_is_bot=is_bot, at=record.at
    )
