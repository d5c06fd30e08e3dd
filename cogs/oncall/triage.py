"""The untriaged queue over the synced issue tables: what waits, how many, what was triaged when.

What counts as waiting for triage is decided in :mod:`cogs.oncall.untriaged` (shared with the
backlog); this module only reads. Recording the first response and the triage by a maintainer,
escalations and requests to the author is :mod:`cogs.oncall.triage_record`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from bot.db.database import Database
from bot.db.models import IssueLabel, Repo, TrackedIssue
from cogs.oncall.config import OncallConfig, RotationConfig
from cogs.oncall.models import OncallTriage
from cogs.oncall.sections import missing_sections
from cogs.oncall.triage_record import TriageRecorder
from cogs.oncall.untriaged import UntriagedFilter
from cogs.oncall.waiting import WaitingIndex, count, rebuild


@dataclass(frozen=True)
class QueueItem:
    """One untriaged issue or PR, oldest first in a queue."""

    repo: str
    number: int
    title: str
    url: str | None
    is_pull_request: bool
    opened_at: datetime
    author: str | None
    labels: tuple[str, ...]
    missing_sections: tuple[str, ...]
    sections_requested: bool

    def age(self, now: datetime) -> timedelta:
        return now - self.opened_at

    def breached(self, now: datetime, sla: timedelta) -> bool:
        return self.age(now) > sla


class TriageStore:
    """Reads the queue, its size over time and the triage records; every method takes a session."""

    def __init__(
        self,
        config: OncallConfig,
        maintainer_logins: Iterable[str],
        bot_logins: Iterable[str] = (),
        waiting_ready: bool = False,
    ) -> None:
        self.config = config
        self.filter = UntriagedFilter(config, maintainer_logins, bot_logins)
        self.waiting_ready = waiting_ready  # oncall_waiting follows these rules: count it

    # -- the queue -------------------------------------------------------------------------
    def _base(self, rotation: RotationConfig | None):  # type: ignore[no-untyped-def]
        query = select(  # type: ignore[call-overload]  # sqlmodel overloads stop at four columns
            TrackedIssue.id,
            TrackedIssue.number,
            TrackedIssue.title,
            TrackedIssue.html_url,
            TrackedIssue.is_pull_request,
            TrackedIssue.created_at,
            TrackedIssue.author_login,
            TrackedIssue.body_excerpt,
            Repo.full_name,
            self.filter.record_field(OncallTriage.sections_requested_at),
        )
        return self.filter.joined(query).where(*self.filter.eligible(rotation), *self.filter.waiting_now())

    def _oldest_first(self, rotation: RotationConfig | None):  # type: ignore[no-untyped-def]
        return self._base(rotation).order_by(col(TrackedIssue.created_at), col(TrackedIssue.id))

    def queue(
        self, session: Session, rotation: RotationConfig | None, limit: int | None = None
    ) -> list[QueueItem]:
        """Untriaged items covered by ``rotation`` (all rotations when None), oldest first."""
        query = self._oldest_first(rotation)
        if limit is not None:
            query = query.limit(limit)
        return self._items(session, session.exec(query).all())

    def queue_page(
        self, session: Session, rotation: RotationConfig | None, limit: int
    ) -> tuple[list[QueueItem], int]:
        """The first ``limit`` items of :meth:`queue` and how many there are, in one pass: the count
        rides on the listing as a window over every row (two statements read each open item's triage
        record and labels twice)."""
        query = self._oldest_first(rotation).add_columns(func.count().over().label("total")).limit(limit)
        rows = session.exec(query).all()
        if not rows:
            return [], 0
        return self._items(session, [row[:-1] for row in rows]), int(rows[0][-1])

    def _items(self, session: Session, rows: Sequence[Any]) -> list[QueueItem]:
        ids = [row[0] for row in rows]
        labels: dict[int, list[str]] = {}
        if ids:
            for issue_id, name in session.exec(
                select(IssueLabel.issue_id, IssueLabel.name).where(col(IssueLabel.issue_id).in_(ids))
            ):
                labels.setdefault(issue_id, []).append(name)
        items = []
        for issue_id, number, title, url, is_pr, created, author, body, repo_name, requested_at in rows:
            items.append(
                QueueItem(
                    repo=repo_name,
                    number=number,
                    title=title,
                    url=url,
                    is_pull_request=is_pr,
                    opened_at=created,
                    author=author,
                    labels=tuple(sorted(labels.get(issue_id, []))),
                    missing_sections=tuple(
                        [] if is_pr else missing_sections(body, self.config.required_sections)
                    ),
                    sections_requested=requested_at is not None,
                )
            )
        return items

    def queue_size(self, session: Session, rotation: RotationConfig | None) -> int:
        """How many items ``queue`` lists.

        For every rotation (None) it is a count of ``oncall_waiting`` once that table follows the
        running rules (see :mod:`cogs.oncall.waiting`); otherwise the queue's own query, counted.
        Each item's triage record and labels are probed one by one. An aggregate with NOT EXISTS
        (an anti-join on PostgreSQL) was tried: 2x faster when most tracked items wait, but 2x slower
        when the triage history dwarfs the open items, as it does in a mature project (the join
        hashes every triaged record); SQLite probes per item either way.
        """
        if rotation is None and self.waiting_ready:
            return count(session)
        query = self._base(rotation).with_only_columns(func.count()).order_by(None)
        return int(session.execute(query).scalar_one())

    def backlog_series(
        self, session: Session, instants: Sequence[datetime], rotation: RotationConfig | None = None
    ) -> list[tuple[datetime, int]]:
        """The size of the queue of ``rotation`` at each instant (at "now" it is ``queue_size``)."""
        return self.filter.backlog_series(session, instants, rotation)

    def backlog_steps(
        self, session: Session, instants: Sequence[datetime], rotation: RotationConfig | None, span: str
    ) -> list[int]:
        """One span of ``backlog_series`` (see :meth:`UntriagedFilter.backlog_steps`)."""
        return self.filter.backlog_steps(session, instants, rotation, span)

    def triaged_between(
        self, session: Session, rotation: str, start: datetime, end: datetime
    ) -> list[OncallTriage]:
        """Items of ``rotation`` triaged during [start, end)."""
        return list(
            session.exec(
                select(OncallTriage)
                .where(
                    OncallTriage.rotation == rotation,
                    col(OncallTriage.triaged_at) >= start,
                    col(OncallTriage.triaged_at) < end,
                )
                .order_by(col(OncallTriage.triaged_at))
            ).all()
        )

    def escalated(self, session: Session, keys: Sequence[tuple[str, int]]) -> set[tuple[str, int]]:
        """Which of (repo, number) were escalated already."""
        if not keys:
            return set()
        rows = session.exec(
            select(OncallTriage.repo, OncallTriage.number).where(
                col(OncallTriage.escalated_at).is_not(None),
                col(OncallTriage.number).in_([n for _, n in keys]),
            )
        ).all()
        wanted = {(r.lower(), n) for r, n in keys}
        return {(r, n) for r, n in rows if (r, n) in wanted}


class TriageAccess:
    """Builds the queue reader and the recorder with the current section, maintainers and bot accounts.

    Each is built on use: a reload may change the rotations, the maintainers or the bot logins.
    """

    def __init__(
        self,
        section: Callable[[], OncallConfig],
        maintainers: Callable[[], Iterable[str]],
        bots: Callable[[], Iterable[str]],
    ) -> None:
        self.section = section
        self.maintainers = maintainers
        self.bots = bots
        self.waiting = WaitingIndex(lambda: UntriagedFilter(self.section(), self.maintainers(), self.bots()))

    def store(self) -> TriageStore:
        """The queue and the triage records, read-only."""
        return TriageStore(self.section(), self.maintainers(), self.bots(), self.waiting.ready())

    async def ensure_waiting(self, db: Database) -> None:
        """Rebuild ``oncall_waiting`` when this process has not built it for the running rules yet."""
        flt = self.waiting.stale_for()
        if flt is not None:
            await db.run(rebuild, flt)
            self.waiting.rebuilt(flt)

    def recorder(self) -> TriageRecorder:
        """Records responses, marks and repairs on the triage records."""
        return TriageRecorder(self.section(), self.maintainers(), self.bots())
