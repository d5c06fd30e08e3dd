"""Exactly one scheduler leader at a time: a lease row the leader renews, with a fencing epoch.

The leader holds the ``leader_lease`` row until ``expires_at`` and renews it every ``renew_seconds``
in one short committed transaction (never a connection left "idle in transaction"). Followers check
as often; one takes the lease over when it has expired (the leader died, froze or lost its
database), and every takeover increments ``epoch``. Posts are claimed and marked under the epoch
their leader holds (:mod:`bot.core.post_ledger`), so a leader that wakes up after being replaced
cannot post or mark anything: the database has moved to a newer epoch.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, insert, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.core.post_keys import Fenced
from bot.scheduling.models import LeaderLease

log = logging.getLogger(__name__)
LEASE_NAME = "scheduler"
# The leader renews (and followers check) this often; a lease not renewed for LEASE_SECONDS is over.
RENEW_SECONDS = 1.0
LEASE_SECONDS = 5.0


TABLE: Table = LeaderLease.__table__  # type: ignore[attr-defined]


def lease_epoch(session: Session) -> int | None:
    """The current epoch (a plain read: a lock here would queue lease renewals behind slow claims)."""
    query = select(TABLE.c.epoch).where(TABLE.c.name == LEASE_NAME)
    value = session.execute(query).scalar()
    return None if value is None else int(value)


def require_epoch(session: Session, mine: int | None) -> None:
    """Raise Fenced when this instance leads under ``mine`` but the database has moved on."""
    current = lease_epoch(session)
    if mine is not None and current is not None and current != mine:
        raise Fenced(f"scheduler lease epoch is {current}, this instance led under {mine}")


def lease_holder(conn: Connection) -> tuple[str | None, datetime | None, int]:
    """(holder, expires_at, epoch) of the scheduler lease as the database has it now."""
    row = conn.execute(
        select(TABLE.c.holder, TABLE.c.expires_at, TABLE.c.epoch).where(TABLE.c.name == LEASE_NAME)
    ).first()
    return (None, None, 0) if row is None else (row[0], row[1], int(row[2]))


def database_now(conn: Connection) -> datetime:
    """The database's clock on PostgreSQL (instances on several hosts agree on it), else this host's."""
    if conn.dialect.name == "postgresql":
        value = conn.execute(text("SELECT now()")).scalar()
        assert isinstance(value, datetime)
        return value.astimezone(UTC)
    return datetime.now(UTC)


class LeaderElection:
    """Holds leadership while this process renews its lease; followers check every ``renew_seconds``."""

    def __init__(
        self,
        engine: Engine,
        renew_seconds: float = RENEW_SECONDS,
        lease_seconds: float = LEASE_SECONDS,
        instance_id: str | None = None,
    ) -> None:
        self.engine = engine
        self.renew_seconds = renew_seconds
        self.lease = timedelta(seconds=lease_seconds)
        self.instance_id = instance_id or uuid.uuid4().hex[:12]
        self.is_leader = False
        self.epoch: int | None = None  # the epoch this instance leads under
        self._task: asyncio.Task[None] | None = None
        self._listeners: list[Any] = []
        self._stopped = False
        self._announced = False
        self._lock = asyncio.Lock()
        # Listeners' coroutines (a catch-up may post for minutes) run here, in order, outside the
        # lock: renewing the lease must never wait for them, or a long catch-up would lose it.
        self._pending: asyncio.Queue[Any] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def on_change(self, callback: Any) -> None:
        """``callback(is_leader: bool)`` (sync or async) runs whenever leadership changes."""
        self._listeners.append(callback)

    def leading_epoch(self) -> int | None:
        """The epoch to fence claims with: this instance's while it leads, else None."""
        return self.epoch if self.is_leader else None

    async def start(self) -> None:
        await self._attempt()
        self._task = asyncio.create_task(self._loop(), name="leader-election")

    async def stop(self) -> None:
        self._stopped = True
        for task in (self._task, self._worker):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self.is_leader:
            # Hand over at once instead of making the others wait for the lease to run out.
            with contextlib.suppress(Exception):
                await asyncio.to_thread(self._release)
        self.is_leader = False
        self.epoch = None

    def fenced(self) -> None:
        """A claim or mark was refused under this instance's epoch: stop leading, check again soon."""
        if self.is_leader:
            log.warning(
                "scheduler lease epoch %s is over (another instance leads); stepping down", self.epoch
            )
        self.is_leader = False
        if not self._stopped:
            with contextlib.suppress(RuntimeError):  # no running loop: the next check notices anyway
                asyncio.get_running_loop().create_task(self._attempt(), name="leader-recheck")

    async def _loop(self) -> None:
        while not self._stopped:
            await asyncio.sleep(self.renew_seconds)
            try:
                await self._attempt()
            except Exception:
                log.exception("leader election check failed")

    async def _attempt(self) -> None:
        async with self._lock:
            try:
                leading, epoch = await asyncio.to_thread(self._renew_or_acquire)
            except Exception:
                # Without the database this instance cannot know it still leads: it must not act as if.
                if self.is_leader:
                    log.warning("could not renew the scheduler lease; not leading until it can")
                self.is_leader, self.epoch = False, None
                leading, epoch = False, None
                await self._announce(False)
                raise
            self.is_leader, self.epoch = leading, epoch
            await self._announce(leading)

    async def _announce(self, leading: bool) -> None:
        if leading == self._announced:
            return
        self._announced = leading
        log.info(
            "scheduler leadership %s by instance %s (epoch %s)",
            "acquired" if leading else "lost",
            self.instance_id,
            self.epoch,
        )
        for callback in self._listeners:
            result = callback(leading)
            if asyncio.iscoroutine(result):
                self._pending.put_nowait(result)
                if self._worker is None or self._worker.done():
                    self._worker = asyncio.create_task(self._run_pending(), name="leader-listeners")

    async def _run_pending(self) -> None:
        while not self._pending.empty():
            try:
                await self._pending.get_nowait()
            except Exception:
                log.exception("a scheduler leadership listener failed")

    async def settled(self) -> None:
        """Wait until the listeners of every change so far have finished (tests, start-up)."""
        while self._worker is not None and not self._worker.done():
            await asyncio.shield(self._worker)

    def _renew_or_acquire(self) -> tuple[bool, int | None]:
        # One short transaction per check, committed at once: nothing stays open between checks.
        with self.engine.begin() as conn:
            now = database_now(conn)
            expires = now + self.lease
            table = TABLE
            renewed = conn.execute(
                update(table)
                .where(table.c.name == LEASE_NAME, table.c.holder == self.instance_id)
                .values(expires_at=expires, renewed_at=now)
            ).rowcount
            if renewed == 0:
                if self.is_leader:
                    log.warning(
                        "the scheduler lease was taken over while this instance led (epoch %s)", self.epoch
                    )
                taken = conn.execute(
                    update(table)
                    .where(table.c.name == LEASE_NAME)
                    .where(table.c.holder.is_(None) | (table.c.expires_at < now))
                    .values(
                        holder=self.instance_id, epoch=table.c.epoch + 1, expires_at=expires, renewed_at=now
                    )
                ).rowcount
                if taken == 0:
                    if lease_holder(conn)[1] is not None or not self._insert(conn, now, expires):
                        return False, None
            holder, _, epoch = lease_holder(conn)
            return holder == self.instance_id, epoch

    def _insert(self, conn: Connection, now: datetime, expires: datetime) -> bool:
        """Create the lease row (first start on this database); False when another instance did."""
        try:
            with conn.begin_nested():
                conn.execute(
                    insert(TABLE).values(
                        name=LEASE_NAME, holder=self.instance_id, epoch=1, expires_at=expires, renewed_at=now
                    )
                )
        except IntegrityError:
            return False
        return True

    def _release(self) -> None:
        with self.engine.begin() as conn:
            table = TABLE
            conn.execute(
                update(table)
                .where(
                    table.c.name == LEASE_NAME,
                    table.c.holder == self.instance_id,
                    table.c.epoch == self.epoch,
                )
                .values(holder=None, expires_at=database_now(conn))
            )
