"""The post log as a ledger of claims: who may send which post, and how far each post got.

A claim is written before the first attempt and carries the post's key, so every attempt (in this
process or a later one) sends the same keys. Claims and marks are fenced: an instance that led the
scheduler under an older lease epoch, or whose claim was taken over, may no longer write either.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.core.clock import Clock
from bot.core.post_keys import Fenced, KeyedSend, post_key
from bot.db.database import Database
from bot.db.models import PostLog

log = logging.getLogger(__name__)
Key = tuple[str, str, str, str]  # job, period, platform, channel
# The epoch of the scheduler lease as the database has it now (None: no lease row), read in a session.
LeaseEpoch = Callable[[Session], "int | None"]
# Posts whose attempt began this long before ours may still have sent their messages after it began.
TAKEN_LOOKBACK = timedelta(hours=1)


@dataclass(frozen=True)
class Due:
    """When a post was due and how late it may still go out (a handoff missed while the bot was down).

    ``setting`` names the config option of ``grace``, for the log line that says why it was skipped.
    """

    at: datetime
    grace: timedelta
    setting: str = ""

    def too_late(self, now: datetime) -> bool:
        return now - self.at > self.grace


@dataclass(frozen=True)
class Claim:
    """A post this instance may send now."""

    key: str  # the post's key; part keys derive from it
    done: int  # parts already on the platform
    look_since: datetime | None  # wall time an earlier attempt began, when one may have delivered
    first_ref: str | None  # the platform ref of part 0, when it is already there


class PostLedger:
    """Claims, part marks and final marks in ``post_log``, fenced by the scheduler lease epoch."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        instance_id: str,
        is_leader: Callable[[], bool],
        epoch: Callable[[], int | None] = lambda: None,
        lease_epoch: LeaseEpoch = lambda session: None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.instance_id = instance_id
        self.is_leader = is_leader
        self.epoch = epoch  # the lease epoch this instance leads under, None when it does not lead
        self.lease_epoch = lease_epoch

    async def claim(self, key: Key, due: Due | None = None) -> Claim | None:
        """Claim ``key`` (None: sent already, another live instance has it, or too late); raises Fenced.

        With ``due``, a post not yet on the platform that is past its grace is recorded as skipped
        (logged once, with the reason) and never sent, now or by a later attempt.
        """
        return await self.db.run(self._claim, key, due)

    def keyed_send(
        self, key: Key, claim: Claim, in_doubt: Callable[[int, str], Awaitable[None]]
    ) -> KeyedSend:
        """What an adapter needs to send the claimed post part by part."""

        async def confirm(index: int, ref: str) -> None:
            await self.db.run(self._confirm, key, index, ref)

        async def check() -> None:
            await self.db.run(self._check, key)

        async def taken() -> set[str]:
            return await self.db.run(self._taken, key, claim.look_since)

        return KeyedSend(claim.key, claim.done, claim.look_since, confirm, check, in_doubt, taken)

    async def finish(self, key: Key, status: str, ref: str | None, error: str | None) -> None:
        """Mark the claimed post sent or failed; raises Fenced when the claim is no longer ours."""
        await self.db.run(self._finish, key, status, ref, error)

    # -- in a session ------------------------------------------------------
    def _row(self, session: Session, key: Key) -> PostLog | None:
        job, period, platform, channel = key
        return session.exec(
            select(PostLog).where(
                PostLog.job == job,
                PostLog.period == period,
                PostLog.platform == platform,
                PostLog.channel == channel,
            )
        ).first()

    def _fence(self, session: Session) -> int | None:
        """This instance's epoch if it leads; Fenced when the database has moved to a newer one."""
        mine = self.epoch()
        if mine is None:
            return None
        current = self.lease_epoch(session)
        if current is not None and current != mine:
            raise Fenced(f"scheduler lease epoch is {current}, this instance led under {mine}")
        return mine

    def _claim(self, session: Session, key: Key, due: Due | None = None) -> Claim | None:
        mine = self._fence(session)
        now = self.clock.now()
        # Platform history is kept in real time, whatever clock the bot was given.
        wall = datetime.now(UTC)
        row = self._row(session, key)
        if due is not None and due.too_late(now) and (row is None or row.status == "failed"):
            # Nothing of it is on the platform (a failed post sent no part: parts_done says so).
            if row is None or row.parts_done == 0:
                self._skip(session, key, row, due, now, mine)
                return None
        if row is not None:
            taken_over = row.status == "claimed" and row.owner != self.instance_id and self.is_leader()
            if row.status != "failed" and not taken_over:
                return None
            if taken_over:
                log.warning("taking over post %s left claimed by instance %s", key, row.owner)
            look_since = row.attempt_at or row.claimed_at
            row.status = "claimed"
            row.owner = self.instance_id
            row.attempts += 1
            row.claimed_at = now
            row.attempt_at = wall
            row.epoch = mine
            row.post_key = row.post_key or post_key(*key)
            session.add(row)
            return Claim(row.post_key, row.parts_done, look_since, row.message_ref)
        job, period, platform, channel = key
        try:
            with session.begin_nested():
                session.add(
                    PostLog(
                        job=job,
                        period=period,
                        platform=platform,
                        channel=channel,
                        status="claimed",
                        owner=self.instance_id,
                        attempts=1,
                        claimed_at=now,
                        attempt_at=wall,
                        epoch=mine,
                        post_key=post_key(*key),
                    )
                )
        except IntegrityError:
            # Another instance claimed the same key a moment ago: it posts, we don't.
            return None
        return Claim(post_key(*key), 0, None, None)

    def _skip(
        self, session: Session, key: Key, row: PostLog | None, due: Due, now: datetime, epoch: int | None
    ) -> None:
        """Record ``key`` as skipped, too late to be useful; the log line says why, once."""
        job, period, platform, channel = key
        setting = f" ({due.setting})" if due.setting else ""
        reason = f"due at {due.at.isoformat()}, {now - due.at} late: beyond its grace of {due.grace}{setting}"
        if row is None:
            row = PostLog(job=job, period=period, platform=platform, channel=channel, status="skipped")
        row.status = "skipped"
        row.owner = self.instance_id
        row.claimed_at = now
        row.epoch = epoch
        row.error = reason
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            return  # another instance recorded it a moment ago (and said why)
        log.warning("post %s/%s to %s channel %s skipped: %s", job, period, platform, channel, reason)

    def _owned(self, session: Session, key: Key) -> PostLog:
        mine = self._fence(session)
        row = self._row(session, key)
        if row is None or row.owner != self.instance_id or row.status != "claimed":
            raise Fenced(f"post {key} was taken over by instance {row.owner if row else '?'}")
        if mine is not None and row.epoch is not None and row.epoch != mine:
            raise Fenced(f"post {key} was claimed under epoch {row.epoch}, not {mine}")
        return row

    def _check(self, session: Session, key: Key) -> None:
        self._owned(session, key)

    def _taken(self, session: Session, key: Key, since: datetime | None) -> set[str]:
        """Refs of the parts other posts to the same channel sent around and after ``since``."""
        job, period, platform, channel = key
        query = select(PostLog).where(PostLog.platform == platform, PostLog.channel == channel)
        if since is not None:
            query = query.where(PostLog.attempt_at >= since - TAKEN_LOOKBACK)  # type: ignore[operator]
        refs: set[str] = set()
        for row in session.exec(query):
            if (row.job, row.period) != (job, period):
                refs.update((row.part_refs or "").split())
                refs.update([row.message_ref] if row.message_ref else [])
        return refs

    def _confirm(self, session: Session, key: Key, index: int, ref: str) -> None:
        row = self._owned(session, key)
        row.parts_done = max(row.parts_done, index + 1)
        row.part_refs = " ".join([*(row.part_refs or "").split(), ref])
        if index == 0:
            row.message_ref = ref
        session.add(row)

    def _finish(self, session: Session, key: Key, status: str, ref: str | None, error: str | None) -> None:
        row = self._owned(session, key)
        row.status = status
        row.message_ref = row.message_ref or ref
        row.error = error
        if status == "sent":
            row.sent_at = self.clock.now()
        session.add(row)
