"""Reads the ``oncall_change`` journal (migration 0020) from where the last read stopped."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, text
from sqlmodel import Session

from bot.db.models import TZDateTime

MOST = 5_000  # more entries than this since the last read: cheaper to start over than to follow them


@dataclass(frozen=True)
class Changes:
    """What the journal names since the last read: ``everything`` when it cannot say."""

    items: frozenset[int] = frozenset()  # tracked items whose backlog facts may have changed
    opened: tuple[datetime, ...] = ()  # opening times of the triage records written
    everything: bool = False


EVERYTHING = Changes(everything=True)

_SQLITE = text(
    "SELECT seq, issue_id, opened FROM oncall_change WHERE seq > :seen ORDER BY seq LIMIT :most"
).columns(seq=BigInteger, issue_id=Integer, opened=TZDateTime)
# Each end by a subquery of its own: SQLite answers min() or max() alone from the index, but scans the
# whole journal for both in one SELECT.
_ENDS = text("SELECT (SELECT min(seq) FROM oncall_change), (SELECT max(seq) FROM oncall_change)")
# One statement, so the snapshot whose oldest running transaction becomes the cursor is the one the
# entries were read on.
_POSTGRES = text(
    "WITH s AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin, "
    "(SELECT min(seq) FROM oncall_change) AS first, (SELECT max(seq) FROM oncall_change) AS last) "
    "SELECT s.xmin, s.first, s.last, c.seq, c.issue_id, c.opened FROM s LEFT JOIN LATERAL "
    "(SELECT seq, issue_id, opened FROM oncall_change WHERE xact >= :xmin LIMIT :most) c ON true"
).columns(
    xmin=BigInteger, first=BigInteger, last=BigInteger, seq=BigInteger, issue_id=Integer, opened=TZDateTime
)


class ChangeFeed:
    """A cursor over the journal: each :meth:`read` returns the entries written since the one before.

    The first read, a journal pruned past the cursor, or more than :data:`MOST` entries give
    :data:`EVERYTHING`. Read it before the data it describes: what commits in between is named again
    by the next read, never missed. On SQLite entries are numbered in commit order (one writer at a
    time; a number goes on from the highest, which pruning never removes), so the cursor is the last
    number read; on PostgreSQL numbers are drawn before commit, so the
    cursor is the oldest transaction still running when the entries were read.
    """

    def __init__(self) -> None:
        self._seq: int | None = None  # the highest entry read
        self._xmin: int | None = None  # PostgreSQL: the oldest transaction running at the last read

    def read(self, session: Session) -> Changes:
        """The changes since the last read, on ``session``'s snapshot."""
        conn = session.connection()
        if conn.dialect.name == "sqlite":
            return self._read_sqlite(session)
        # Before the first read there is no cursor: no entry is read, the cursor starts at this snapshot.
        cursor = self._xmin if self._xmin is not None else 2**62
        rows = conn.execute(_POSTGRES, {"xmin": cursor, "most": MOST + 1}).all()
        head = rows[0]
        # A restored or replaced database numbers transactions and entries anew: start over.
        started = self._xmin is not None and head.xmin >= self._xmin and (head.last or 0) >= (self._seq or 0)
        found = [(row.issue_id, row.opened) for row in rows if row.seq is not None]
        behind = started and self._pruned(head.first)
        self._xmin, self._seq = head.xmin, head.last  # every entry visible here has been read
        if not started or behind or len(found) > MOST:
            return EVERYTHING
        return _changes(found)

    def _read_sqlite(self, session: Session) -> Changes:
        conn = session.connection()
        first, last = conn.execute(_ENDS).one()
        # No cursor yet, or a restored or replaced database that numbers its entries anew.
        if self._seq is None or (last or 0) < self._seq:
            self._seq = last or 0
            return EVERYTHING
        rows = conn.execute(_SQLITE, {"seen": self._seq, "most": MOST + 1}).all()
        behind = self._pruned(first)
        self._seq = last or 0  # what this read returns covers the journal up to here
        if behind or len(rows) > MOST:
            return EVERYTHING
        return _changes((row.issue_id, row.opened) for row in rows)

    def _pruned(self, first: int | None) -> bool:
        """Whether entries after the last one read were pruned before this read saw them."""
        return self._seq is not None and first is not None and first > self._seq + 1


def _changes(rows: Iterable[tuple[Any, Any]]) -> Changes:
    items: set[int] = set()
    opened: list[datetime] = []
    for issue_id, when in rows:
        if issue_id is None and when is None:
            return EVERYTHING  # a repo renamed or removed
        if issue_id is not None:
            items.add(issue_id)
        if when is not None:
            opened.append(when)
    return Changes(frozenset(items), tuple(opened))
