"""Notices, in this process, every committed write to chosen tables: lets in-memory copies of
small, hot tables (who someone is) stay exact without a database read per use."""

from __future__ import annotations

import re
import threading
from typing import Any

from sqlalchemy import Engine, event

_WRITE = re.compile(r'\s*(?:update|insert\s+into|delete\s+from)\s+"?(\w+)"?', re.IGNORECASE)
_TOUCHED = "steward_watched_write"


class TableWatch:
    """A generation number that moves whenever a transaction that wrote one of ``tables`` ends.

    A copy tagged with the generation read *before* fetching it is current while the number
    stands still: a write that commits meanwhile moves it, so a copy of the older state is never
    trusted. Writes from other processes are not seen; copies must also age out.
    """

    def __init__(self, engine: Engine, tables: frozenset[str]) -> None:
        self.tables = tables
        self._generation = 0
        self._lock = threading.Lock()
        event.listen(engine, "after_cursor_execute", self._executed)
        # Moved again when the connection goes back to the pool, which is after its commit (or
        # rollback) has finished: the engine's "commit" event fires before the commit is visible.
        event.listen(engine, "checkin", self._returned)

    @property
    def generation(self) -> int:
        """The current generation; compare with the one a copy was made under."""
        return self._generation

    def bump(self) -> None:
        """Declare every copy stale (a write this watch cannot see, e.g. a raw connection)."""
        with self._lock:
            self._generation += 1

    def _executed(self, conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        match = _WRITE.match(statement)
        if match is not None and match.group(1).lower() in self.tables:
            conn.info[_TOUCHED] = True
            # Moved at the write as well as at the end: a copy read during the transaction from
            # another connection is older than the commit that follows.
            self.bump()

    def _returned(self, dbapi_connection: Any, record: Any) -> None:
        if record is None or record.info.pop(_TOUCHED, False):
            self.bump()
