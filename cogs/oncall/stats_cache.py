"""Keeps what /oncall stats computed and recomputes only what the change journal names.

A report covers up to eight weeks of triage records and every item that waited at one of the weeks'
ends: thousands of records and item lookups, tens of milliseconds of database work, while between
two calls a handful of items change. :class:`StatsCache` keeps, per report shape,

- the grouped response times of each week (:class:`ResponseWeeks`): a week is read again when a
  triage record opened in it was written; the current week is read on every call;
- each item's share of the backlog (:class:`BacklogShares`): the positions among the instants of when
  it started and stopped waiting. Items the journal names (their times, author, labels or record
  changed) are read again, and so are items with a time after the last call's now.

Everything is read afresh for a new week, after a config reload (new rules), when the journal names
too much, or when it cannot say (first call, journal pruned past the cursor, repo renamed).
"""

from __future__ import annotations

import asyncio
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam
from sqlmodel import Session, col

from bot.db.bulk import chunks, one_of_named
from bot.db.database import Database
from bot.db.models import TrackedIssue, TZDateTime
from cogs.oncall.change_feed import MOST, ChangeFeed, Changes
from cogs.oncall.config import RotationConfig
from cogs.oncall.stats import (
    Report,
    ResponseRow,
    backlog_instants,
    report_from_rows,
    response_rows,
    week_starts,
)
from cogs.oncall.triage import TriageStore
from cogs.oncall.untriaged import SPANS, UntriagedFilter, backlog_from_steps
from cogs.oncall.waiting import WaitingRules

ENTRIES = 8  # report shapes kept (time zones x rotations x week counts in use)


class ResponseWeeks:
    """The grouped response times of one report shape's weeks, read again week by week as needed."""

    def __init__(self, starts: Sequence[datetime]) -> None:
        self.starts = tuple(starts)
        self.rows: dict[int, list[ResponseRow]] = {}
        self.dirty_from = 0  # weeks from this index on are read again (all, until the first read)
        self.read_at: datetime | None = None

    def note(self, changes: Changes) -> None:
        """Mark the weeks of the records the journal names."""
        if changes.everything:
            self.dirty_from = 0
            return
        for opened in changes.opened:
            if opened >= self.starts[0]:
                self.dirty_from = min(self.dirty_from, _week_of(self.starts, opened))

    def read(self, session: Session, now: datetime, rotation: RotationConfig | None) -> list[ResponseRow]:
        """Every week's rows, reading the marked weeks and the current one."""
        if self.read_at is not None and now < self.read_at:
            self.dirty_from = 0  # the weeks were read up to a later now (a report of the past)
        # The current week always: it grows until now, and its records' responses are bounded by now.
        first = min(self.dirty_from, len(self.starts) - 1)
        fresh = response_rows(session, now, self.starts, rotation, first)
        for week in range(first, len(self.starts)):
            self.rows[week] = []
        for row in fresh:
            self.rows[row.week].append(row)
        # A group with a time after now is read again next call: its figures change as now moves on.
        later = [row.week for row in fresh if row.later]
        self.dirty_from = min(later, default=len(self.starts))
        self.read_at = now
        return [row for week in range(len(self.starts)) for row in self.rows[week]]


def _week_of(starts: Sequence[datetime], moment: datetime) -> int:
    """The index of the week ``moment`` (not before the first start) falls in."""
    return bisect_right(starts, moment) - 1


class BacklogShares:
    """Each item's share of the backlog at fixed past instants and a moving now.

    An item waits at instant i when start <= i < stop (positions among the instants, now last). Items
    only move when written (then the journal names them) or when one of their times lies after the
    now they were read at (kept in ``later`` and read on every call).
    """

    def __init__(self, past: Sequence[datetime]) -> None:
        self.past = tuple(past)
        self.n = len(self.past) + 1
        self.shares: dict[int, tuple[int, int]] = {}
        self.steps = [0] * (self.n + 1)
        self.later: set[int] = set()
        self.pending: set[int] = set()
        self.stale = True
        self.read_at: datetime | None = None
        self._queries: dict[str, Any] = {}  # built once: building one costs milliseconds

    def note(self, changes: Changes) -> None:
        """Remember the items the journal names (or that all must be read)."""
        if changes.everything or len(self.pending) + len(changes.items) > MOST:
            self.stale = True
            self.pending.clear()
        elif not self.stale:
            self.pending |= changes.items

    def read(
        self, session: Session, flt: UntriagedFilter, rotation: RotationConfig | None, now: datetime
    ) -> list[int]:
        """The steps of the backlog at the past instants and ``now`` (see ``backlog_from_steps``)."""
        try:
            self._read(session, flt, rotation, now)
        except BaseException:
            self.stale = True  # part of the items may have been taken out and not put back
            raise
        return list(self.steps)

    def _read(
        self, session: Session, flt: UntriagedFilter, rotation: RotationConfig | None, now: datetime
    ) -> None:
        params: dict[str, Any] = {f"t{i}": t for i, t in enumerate([*self.past, now])}
        conn = session.connection()
        if self.stale or self.read_at is None or now < self.read_at:
            self._reset()
            for kind in (*SPANS, "ahead"):
                self._put_rows(conn.execute(self._query(flt, rotation, kind, conn.dialect.name), params))
            self.stale = False
        else:
            query = self._query(flt, rotation, "ids", conn.dialect.name)
            for part in chunks(sorted(self.pending | self.later)):
                for item in part:
                    self._drop(item)
                self._put_rows(conn.execute(query, {**params, "ids": part}))
        self.pending.clear()
        self.read_at = now

    def _query(self, flt: UntriagedFilter, rotation: RotationConfig | None, kind: str, dialect: str) -> Any:
        """The statement of ``kind``: a span's items, the items created after now, or given ids."""
        key = f"{kind}:{dialect}"
        query = self._queries.get(key)
        if query is not None:
            return query
        if kind in SPANS:
            query = flt.span_items(self.n, rotation, kind, ids=True)
        elif kind == "ahead":
            # Items created after now are in neither span; they start waiting as now passes them.
            query = flt.span_items(self.n, rotation, None, ids=True).where(
                col(TrackedIssue.state).in_(("open", "closed")),
                col(TrackedIssue.is_pull_request).in_((False, True)),
                col(TrackedIssue.created_at) > bindparam(f"t{self.n - 1}", type_=TZDateTime),
            )
        else:
            ids = one_of_named(col(TrackedIssue.id), "ids", dialect)
            query = flt.span_items(self.n, rotation, None, ids=True).where(ids)
        self._queries[key] = query
        return query

    def _reset(self) -> None:
        self.shares.clear()
        self.later.clear()
        self.steps = [0] * (self.n + 1)

    def _drop(self, item: int) -> None:
        self.later.discard(item)
        share = self.shares.pop(item, None)
        if share is not None:
            self.steps[share[0]] -= 1
            self.steps[share[1]] += 1

    def _put_rows(self, rows: Any) -> None:
        for start, closed, removed, triaged, item, later in rows:
            if later:
                self.later.add(item)
            stop = min(closed, removed, triaged)
            if start < stop and item not in self.shares:
                self.shares[item] = (start, stop)
                self.steps[start] += 1
                self.steps[stop] -= 1


_Entry = TypeVar("_Entry", ResponseWeeks, BacklogShares)


class StatsCache:
    """The response times and backlog of /oncall stats, kept per report shape (see the module)."""

    def __init__(self, entries: int = ENTRIES) -> None:
        self._feed = ChangeFeed()
        self._size = entries
        self._responses: OrderedDict[Hashable, ResponseWeeks] = OrderedDict()
        self._backlogs: OrderedDict[Hashable, BacklogShares] = OrderedDict()
        self._lock = asyncio.Lock()

    async def report(
        self,
        db: Database,
        store: TriageStore,
        now: datetime,
        tz: ZoneInfo,
        weeks: int = 8,
        rotation: RotationConfig | None = None,
    ) -> Report:
        """What ``gather_report`` computes, from what is kept plus what changed."""
        starts = week_starts(now, weeks, tz)
        instants = backlog_instants(starts, now)
        scope = (
            (rotation.name, tuple(rotation.repos), tuple(rotation.labels)) if rotation is not None else None
        )
        async with self._lock:  # one refresh at a time: entries are not shared between threads
            changes = await db.read(self._feed.read)  # before the data it describes
            for weeks_kept in self._responses.values():
                weeks_kept.note(changes)
            for shares in self._backlogs.values():
                shares.note(changes)
            responses = self._entry(self._responses, (tuple(starts), scope), lambda: ResponseWeeks(starts))
            rules = WaitingRules.of(store.filter)
            backlog = self._entry(
                self._backlogs, (tuple(instants[:-1]), scope, rules), lambda: BacklogShares(instants[:-1])
            )
            rows, steps = await asyncio.gather(
                db.read(responses.read, now, rotation), db.read(backlog.read, store.filter, rotation, now)
            )
        report = report_from_rows(starts, rows)
        report.backlog = backlog_from_steps(instants, [steps])
        return report

    def _entry(self, entries: OrderedDict[Hashable, _Entry], key: Hashable, make: Any) -> _Entry:
        entry = entries.get(key)
        if entry is None:
            entry = entries[key] = make()
            while len(entries) > self._size:
                entries.popitem(last=False)
        entries.move_to_end(key)
        return entry
