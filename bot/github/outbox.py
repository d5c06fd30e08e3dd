"""The durable outbox: GitHub writes are stored first and retried until done or clearly impossible.

A GitHub outage never loses a user's action: the row survives restarts. `dedupe_key` makes a
request idempotent (queued once). The outcome is published as GitHubActionDone/GitHubActionFailed.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.core.clock import Clock
from bot.core.events import EventBus
from bot.core.github_events import GitHubActionDone, GitHubActionFailed
from bot.db.database import Database
from bot.github.client import GitHubError, GitHubUnavailable
from bot.github.models import OutboxItem

log = logging.getLogger(__name__)
KINDS = frozenset({"comment", "assign", "unassign", "add_labels"})
MAX_BACKOFF = timedelta(hours=1)
# While one instance executes an item, the others see it as due only after this lease: every
# instance runs a worker, and a write must reach GitHub once. A crash mid-write retries after it.
LEASE = timedelta(minutes=10)


class ActionImpossible(Exception):
    """The write can never succeed; `reason` is a catalog key suffix (github.action_failed.<reason>)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason


# Runs one outbox item against GitHub (or offline); returns a reference such as a comment id.
Executor = Callable[[OutboxItem], Awaitable[str | None]]


def failure_reason(exc: GitHubError) -> str:
    """The reason code of a permanent GitHub error."""
    return {401: "unauthorized", 403: "forbidden", 404: "not_found", 410: "not_found", 422: "invalid"}.get(
        exc.status, "invalid"
    )


class Outbox:
    """Queue and worker in one: `enqueue` stores, `run_due` executes what is due, `run` loops."""

    def __init__(self, db: Database, clock: Clock, bus: EventBus, executor: Executor) -> None:
        self.db = db
        self.clock = clock
        self.bus = bus
        self.executor = executor
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def enqueue(
        self,
        kind: str,
        repo: str,
        number: int,
        payload: Mapping[str, Any],
        *,
        requested_by: int | None = None,
        dedupe_key: str | None = None,
        context: Mapping[str, str] | None = None,
    ) -> int:
        """Store a write; returns its id (the existing one when `dedupe_key` was queued before)."""
        if kind not in KINDS:
            raise ValueError(f"unknown outbox kind {kind!r}")
        item = OutboxItem(
            kind=kind,
            repo=repo,
            number=number,
            payload=dict(payload),
            dedupe_key=dedupe_key,
            requested_by_member_id=requested_by,
            context=dict(context or {}),
            next_attempt_at=self.clock.now(),
            created_at=self.clock.now(),
        )
        item_id = await self.db.run(_insert_once, item)
        self._wake.set()
        return item_id

    async def run_due(self, limit: int = 20) -> int:
        """Execute up to `limit` due items, oldest first; returns how many were attempted."""
        now = self.clock.now()
        query = (
            select(OutboxItem)
            .where(OutboxItem.status == "pending", col(OutboxItem.next_attempt_at) <= now)
            .order_by(col(OutboxItem.next_attempt_at), col(OutboxItem.id))
            .limit(limit)
        )
        due = await self.db.run(lambda s: list(s.exec(query).all()))
        attempted = 0
        for item in due:
            if not await self.db.run(_lease, item, now, now + LEASE):
                continue  # another instance took it between our read and now
            attempted += 1
            await self._attempt(item)
        return attempted

    async def _attempt(self, item: OutboxItem) -> None:
        assert item.id is not None
        try:
            ref = await self.executor(item)
        except ActionImpossible as exc:
            await self._finish(item, "failed", error=str(exc))
            await self.bus.publish(self._failed(item, exc.reason))
        except GitHubError as exc:
            if exc.permanent:
                await self._finish(item, "failed", error=str(exc))
                await self.bus.publish(self._failed(item, failure_reason(exc)))
                return
            ambiguous = isinstance(exc, GitHubUnavailable) and exc.ambiguous
            await self._retry_later(item, exc, ambiguous=ambiguous)
        except Exception as exc:  # a bug or an unexpected library error: keep the action, retry later
            log.exception("outbox item %s (%s) raised", item.id, item.kind)
            await self._retry_later(item, exc, ambiguous=True)
        else:
            await self._finish(item, "done", ref=ref)
            await self.bus.publish(
                GitHubActionDone(
                    outbox_id=item.id,
                    kind=item.kind,
                    repo=item.repo,
                    number=item.number,
                    requested_by_member_id=item.requested_by_member_id,
                    context=dict(item.context),
                )
            )

    def _failed(self, item: OutboxItem, reason: str) -> GitHubActionFailed:
        assert item.id is not None
        return GitHubActionFailed(
            outbox_id=item.id,
            kind=item.kind,
            repo=item.repo,
            number=item.number,
            reason=reason,
            requested_by_member_id=item.requested_by_member_id,
            context=dict(item.context),
        )

    async def _retry_later(self, item: OutboxItem, exc: Exception, *, ambiguous: bool) -> None:
        now = self.clock.now()
        retry_at = getattr(exc, "retry_at", None)
        if retry_at is None:
            base = min(MAX_BACKOFF, timedelta(seconds=30) * 2 ** min(item.attempts, 10))
            retry_at = now + base / 2 + base / 2 * random.random()
        log.warning(
            "GitHub %s on %s#%s failed (%s); retrying at %s", item.kind, item.repo, item.number, exc, retry_at
        )

        def work(session: Session) -> None:
            row = session.get(OutboxItem, item.id)
            assert row is not None
            row.attempts += 1
            row.next_attempt_at = retry_at
            row.last_error = ("ambiguous: " if ambiguous else "") + str(exc)[:500]
            session.add(row)

        await self.db.run(work)

    async def _finish(
        self, item: OutboxItem, status: str, *, ref: str | None = None, error: str | None = None
    ) -> None:
        def work(session: Session) -> None:
            row = session.get(OutboxItem, item.id)
            assert row is not None
            row.status = status
            row.attempts += 1
            row.result_ref = ref
            row.last_error = error[:500] if error else row.last_error
            row.finished_at = self.clock.now()
            session.add(row)

        await self.db.run(work)

    async def run(self, idle: float = 5.0) -> None:
        """Work until cancelled; wakes on `enqueue` and otherwise checks every `idle` seconds."""
        while True:
            # Cleared before the pass, not after: an `enqueue` during the pass (a claim queues its
            # comment while its assignment is being sent) must start another pass, not wait `idle`.
            self._wake.clear()
            try:
                await self.run_due()
            except Exception:  # the database being briefly away must not kill the worker
                log.exception("outbox worker pass failed")
            try:
                await asyncio.wait_for(self._wake.wait(), idle)
            except TimeoutError:
                pass

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self.run(), name="github-outbox")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None


def _lease(session: Session, item: OutboxItem, now: datetime, until: datetime) -> bool:
    """Take ``item`` for this instance: one conditional UPDATE, so of two instances only one wins."""
    result = session.execute(
        update(OutboxItem)
        .where(
            col(OutboxItem.id) == item.id,
            col(OutboxItem.status) == "pending",
            col(OutboxItem.next_attempt_at) <= now,
        )
        .values(next_attempt_at=until)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def _insert_once(session: Session, item: OutboxItem) -> int:
    if item.dedupe_key is not None:
        existing = session.exec(select(OutboxItem.id).where(OutboxItem.dedupe_key == item.dedupe_key)).first()
        if existing is not None:
            return existing
    try:
        with session.begin_nested():
            session.add(item)
            session.flush()
    except IntegrityError:  # the same key queued concurrently
        session.expunge(item)
        existing = session.exec(select(OutboxItem.id).where(OutboxItem.dedupe_key == item.dedupe_key)).first()
        if existing is None:
            raise
        return existing
    assert item.id is not None
    return item.id
