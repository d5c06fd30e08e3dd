"""First come, first served turns at an SQLite database for the threads of one process.

SQLite lets one writer in at a time, and every Steward transaction on SQLite is a writer (it begins
IMMEDIATE). Left to SQLite's busy handler, waiting threads sleep and retry with back-off, so a
thread that commits and begins again at once (a large first sync writing page after page) keeps
winning, and a command queued behind it runs out of busy timeout with "database is locked". Threads
here wait in arrival order instead; the busy timeout still covers other processes (CLI, shards).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import OperationalError


class TurnTimeout(OperationalError):
    """A thread waited longer than the busy timeout for its turn (reported as SQLite would)."""

    def __init__(self, waited: float) -> None:
        super().__init__(f"waited {waited:.0f} s for a turn", None, Exception("database is locked"))


class Turns:
    """A re-entrant FIFO lock: a thread holding a turn may open nested sessions without waiting."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._cond = threading.Condition()
        self._queue: deque[int] = deque()
        self._owner: int | None = None
        self._depth = 0

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the database for the block; waits (in arrival order) at most ``timeout`` seconds."""
        me = threading.get_ident()
        with self._cond:
            if self._owner == me:
                self._depth += 1
            else:
                self._queue.append(me)
                granted = self._cond.wait_for(
                    lambda: self._owner is None and self._queue[0] == me, self.timeout
                )
                if not granted:
                    self._queue.remove(me)
                    self._cond.notify_all()  # the next in line may be free to go now
                    raise TurnTimeout(self.timeout)
                self._queue.popleft()
                self._owner, self._depth = me, 1
        try:
            yield
        finally:
            with self._cond:
                self._depth -= 1
                if self._depth == 0:
                    self._owner = None
                    self._cond.notify_all()
