"""Notices, in this process, every committed write to chosen tables: lets in-memory copies of
small, hot tables (who someone is) stay exact without a database read per use."""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, event

from bot.db.change_count import ChangeCount

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


class ForeignCommits:
    """A number that moves whenever a connection other than its own commits to a SQLite file: another
    process (the ``steward`` command line), or this process's pool. ``TableWatch`` sees only this
    process's writes; this sees the rest, at one ``PRAGMA data_version`` (a few µs) per look.

    With ``counter`` (a table that triggers keep counting the writes to the watched tables, see
    ``bot/db/change_count.py``), the number is that count: it moves only for commits that wrote the
    watched tables, so the scheduler's lease renewal every second does not drop what is kept. The
    count is read only when data_version has moved. Without the triggers (a database not migrated
    yet), any commit moves the number.

    An in-memory database has no other process: the number never moves. A failed look counts as a
    change, so a copy is never trusted on a guess.
    """

    def __init__(self, engine: Engine, counter: ChangeCount | None = None) -> None:
        self._lock = threading.Lock()
        self._failures = 0
        self._conn: Any = None
        self._counter = counter
        self._counted: bool | None = None  # whether the counter's triggers exist (known once open)
        self._seen: tuple[int, int] | None = None  # (data_version, count) at the last count read
        self._connect: Callable[[], Any] | None = None
        database = engine.url.database or ""
        if engine.dialect.name != "sqlite" or database in ("", ":memory:") or "mode=memory" in database:
            return
        cargs, cparams = engine.dialect.create_connect_args(engine.url)
        dbapi = engine.dialect.loaded_dbapi
        # Its own connection, not one from the pool: data_version ignores the asking connection's
        # own commits, and this one never writes. Opened at the first look, as the engine's are: a
        # command that never reads members must not create the database file.
        self._connect = lambda: dbapi.connect(
            *cargs, **{**cparams, "check_same_thread": False, "isolation_level": None}
        )

    def version(self) -> int:
        """Compare with an earlier value: different means someone committed in between."""
        if self._connect is None:
            return 0
        with self._lock:
            try:
                if self._conn is None:
                    self._conn = self._connect()
                    weakref.finalize(self, self._conn.close)
                version = int(self._conn.execute("PRAGMA data_version").fetchone()[0])
                return version if self._counter is None else self._count(version)
            except Exception:  # e.g. the file is locked by a restore, or not there yet: assume a change
                self._failures += 1
                return -self._failures

    def _count(self, version: int) -> int:
        assert self._counter is not None
        if self._counted is None:
            self._counted = self._counter.installed(self._conn)
        if not self._counted:
            return version
        if self._seen is None or self._seen[0] != version:
            # data_version was read first: a commit landing before this read is in the count, and
            # moves data_version again, so the next look reads the count again.
            count = self._counter.read(self._conn)
            if count is None:
                raise LookupError(f"{self._counter.table} has no row")
            self._seen = (version, count)
        return self._seen[1]
