"""Exactly one scheduler leader at a time: a PostgreSQL advisory lock, or a file lock for SQLite."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
from pathlib import Path
from typing import IO, Any

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)
# An arbitrary 64-bit key that names "the Steward scheduler" among advisory locks.
ADVISORY_LOCK_KEY = 0x5374657761726401


class LeaderElection:
    """Holds leadership while this process can; followers retry every ``retry_seconds``."""

    def __init__(
        self, engine: Engine, retry_seconds: float = 2.0, sqlite_lock_path: Path | None = None
    ) -> None:
        self.engine = engine
        self.retry_seconds = retry_seconds
        self.sqlite_lock_path = sqlite_lock_path
        self.is_leader = False
        self._conn: Connection | None = None
        self._file: IO[Any] | None = None
        self._task: asyncio.Task[None] | None = None
        self._listeners: list[Any] = []
        self._stopped = False

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def on_change(self, callback: Any) -> None:
        """``callback(is_leader: bool)`` (sync or async) runs whenever leadership changes."""
        self._listeners.append(callback)

    async def start(self) -> None:
        await self._attempt()
        self._task = asyncio.create_task(self._loop(), name="leader-election")

    async def stop(self) -> None:
        self._stopped = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await asyncio.to_thread(self._release)
        self.is_leader = False

    async def _loop(self) -> None:
        while not self._stopped:
            await asyncio.sleep(self.retry_seconds)
            try:
                await self._attempt()
            except Exception:
                log.exception("leader election check failed")

    async def _attempt(self) -> None:
        was = self.is_leader
        now = await asyncio.to_thread(self._check_or_acquire)
        self.is_leader = now
        if now != was:
            log.info("scheduler leadership %s", "acquired" if now else "lost")
            for callback in self._listeners:
                result = callback(now)
                if asyncio.iscoroutine(result):
                    await result

    def _check_or_acquire(self) -> bool:
        if self.backend == "postgresql":
            return self._postgres()
        return self._file_lock()

    def _postgres(self) -> bool:
        # The lock lives as long as this one session: if the process dies, PostgreSQL frees it.
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT 1"))
                return True
            except Exception:
                log.warning("lost the database session holding the scheduler lock")
                with contextlib.suppress(Exception):
                    self._conn.close()
                self._conn = None
        conn = self.engine.connect()
        try:
            got = bool(
                conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY}).scalar()
            )
            conn.commit()
        except Exception:
            conn.close()
            raise
        if got:
            self._conn = conn
            return True
        conn.close()
        return False

    def _file_lock(self) -> bool:
        if self._file is not None:
            return True
        if self.sqlite_lock_path is None:  # in-memory database: a single process by definition
            return True
        handle = open(self.sqlite_lock_path, "a+")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle
        return True

    def _release(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK_KEY})
                self._conn.close()
            self._conn = None
        if self._file is not None:
            with contextlib.suppress(Exception):
                fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
                self._file.close()
            self._file = None
