"""Greeting newcomers: each join is recorded first, then greeted once in the channel and once by DM.

Channel greetings are batched: every run of the ``onboarding_greetings`` job gathers the people
who joined since the last one into one message per platform (naming the first few). Welcome DMs go
through a queue in the ``onboarding_newcomer`` table that a background worker drains at the pace
the adapters allow. A restart continues from the table; nobody is greeted twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from bot.core.cog import Services
from bot.core.events import MemberJoined
from bot.core.messages import Message
from bot.db.models import Member
from cogs.onboarding.models import GreetingBatch, Newcomer

log = logging.getLogger(__name__)
JOB = "onboarding_greetings"
JOIN_BATCH = 100  # joins written per transaction during a burst
JOIN_WRITE_ATTEMPTS = 5
DM_CHUNK = 25  # DMs claimed (and marked sent) per round trip to the database
DM_CONCURRENCY = 8  # DMs in flight at once; the adapter paces the requests themselves
STALE_CLAIM = timedelta(minutes=5)  # a claim this old by another instance belongs to a dead one


@dataclass(frozen=True)
class Greeted:
    """Who a channel greeting names (platform user ids and names) and how many more it counts."""

    platform: str
    named: tuple[tuple[str, str], ...]
    more: int


ChannelGreeting = Callable[[Greeted], Message]
WelcomeDm = Callable[[str | None], Message]  # the member's locale (None: the project's) -> the DM


def greeting_enabled(services: Services, platform: str) -> bool:
    """Greetings can be turned off per platform (``discord/slack.greet_new_members``)."""
    section = getattr(services.config, platform, None)
    return bool(getattr(section, "greet_new_members", True))


class Greeter:
    """Records joins, posts the batched channel greetings and drains the welcome-DM queue."""

    def __init__(
        self,
        services: Services,
        welcome_channel: Callable[[], str],
        max_names: Callable[[], int],
        channel_greeting: ChannelGreeting,
        welcome_dm: WelcomeDm,
    ) -> None:
        self.services = services
        self.welcome_channel = welcome_channel
        self.max_names = max_names
        self.channel_greeting = channel_greeting
        self.welcome_dm = welcome_dm
        self.owner = services.poster.instance_id
        self._wake = asyncio.Event()
        self._stopping = False
        self._worker: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._idle.set()
        self._joins: list[tuple[MemberJoined, asyncio.Future[bool]]] = []
        self._writer: asyncio.Task[None] | None = None
        self._recording = 0  # joins being written: the queue is not idle while any is

    # -- joins ----------------------------------------------------------
    async def record(self, event: MemberJoined) -> bool:
        """Remember a join (once per person); True when this is someone new to greet.

        Joins arriving together (a burst after a conference talk) are written in one transaction;
        each caller returns once its join is committed.
        """
        if event.is_bot or not greeting_enabled(self.services, event.platform):
            return False
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        # Not idle from here on: a drain() between the commit and the wake-up must not return early.
        self._recording += 1
        self._idle.clear()
        self._joins.append((event, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(self._write_joins())
        try:
            return await done
        finally:
            self._recording -= 1
            self._wake.set()

    async def _write_joins(self) -> None:
        while self._joins:
            await asyncio.sleep(0)  # let the joins of this burst queue up behind the first one
            batch, self._joins = self._joins[:JOIN_BATCH], self._joins[JOIN_BATCH:]
            now = self.services.clock.now()
            events = [e for e, _ in batch]
            for attempt in range(1, JOIN_WRITE_ATTEMPTS + 1):
                try:
                    results = await self.services.db.run(_record_joins, self.services, events, now)
                    break
                except OperationalError as exc:
                    # SQLite under a burst can stay busy past its timeout; a join must not be lost.
                    if attempt == JOIN_WRITE_ATTEMPTS:
                        for _, done in batch:
                            done.set_exception(exc)
                        results = []
                        break
                    log.warning("onboarding: recording %d joins failed (%s), retrying", len(batch), exc)
                    await asyncio.sleep(0.1 * attempt)
            if not results:
                continue
            for (_, done), new in zip(batch, results, strict=True):
                done.set_result(new)

    # -- channel greetings ------------------------------------------------
    async def post_greetings(self) -> int:
        """Batch everyone not yet greeted in the channel and post one greeting per batch."""
        now = self.services.clock.now()
        batches = await self.services.db.run(_form_batches, now)
        posted = 0
        for batch_id, platform in batches:
            greeted = await self.services.db.run(_batch_people, batch_id, platform, self.max_names())
            results = await self.services.poster.post_once(
                JOB,
                f"batch:{batch_id}",
                self.welcome_channel(),
                self.channel_greeting(greeted),
                platform=platform,
            )
            if any(r.status == "failed" for r in results):
                continue  # the next run retries this batch (post_once keys keep it to one post)
            await self.services.db.run(_mark_posted, batch_id, now)
            posted += sum(1 for r in results if r.status == "sent")
        return posted

    # -- welcome DMs ------------------------------------------------------
    def start(self) -> None:
        self._stopping = False
        self._worker = asyncio.get_running_loop().create_task(self._work(), name="onboarding-dms")
        self.kick()  # DMs left over from the last run

    async def stop(self) -> None:
        """Finish the DMs in flight, then stop (the rest stay queued for the next start)."""
        self._stopping = True
        self._wake.set()
        if self._worker is not None:
            await asyncio.gather(self._worker, return_exceptions=True)
            self._worker = None

    def kick(self) -> None:
        """Look at the queue again (the greeting job calls this after a restart or takeover)."""
        self._idle.clear()
        self._wake.set()

    async def drain(self) -> None:
        """Wait until the DM queue is empty (tests and the CLI)."""
        await self._idle.wait()

    async def release_stale(self, is_leader: bool) -> int:
        """Put DMs claimed by a dead instance back in the queue; only the leader decides who is dead."""
        if not is_leader:
            return 0
        cutoff = self.services.clock.now() - STALE_CLAIM
        return await self.services.db.run(_release, self.owner, cutoff)

    async def _work(self) -> None:
        while not self._stopping:
            self._wake.clear()  # a join recorded while sending sets it again: no wake-up is lost
            try:
                await self.send_pending()
            except Exception:
                log.exception("onboarding: sending welcome DMs failed; retrying on the next kick")
            if self._stopping:
                break
            if not self._wake.is_set():
                if self._recording == 0:
                    self._idle.set()
                await self._wake.wait()
        self._idle.set()

    async def send_pending(self) -> int:
        """Claim and send queued welcome DMs until none are left; returns how many were handled."""
        handled = 0
        limit = asyncio.Semaphore(DM_CONCURRENCY)
        messages: dict[str | None, Message] = {}  # the welcome DM per locale, rendered once
        while not self._stopping:
            now = self.services.clock.now()
            claimed = await self.services.db.run(_claim, self.owner, DM_CHUNK, now)
            if not claimed:
                break

            async def one(dm: QueuedDm) -> tuple[int, str]:
                async with limit:
                    if self._stopping:
                        return dm.newcomer_id, "pending"
                    if dm.locale not in messages:
                        messages[dm.locale] = self.welcome_dm(dm.locale)
                    try:
                        sent = await self.services.poster.dm_identity(
                            dm.platform, dm.user_id, messages[dm.locale]
                        )
                    except Exception:
                        log.exception("onboarding: welcome DM to %s user %s failed", dm.platform, dm.user_id)
                        sent = False
                    return dm.newcomer_id, "sent" if sent else "failed"

            outcomes = await asyncio.gather(*(one(dm) for dm in claimed))
            await self.services.db.run(_finish_dms, outcomes, self.services.clock.now())
            handled += len(claimed)
        return handled


@dataclass(frozen=True)
class QueuedDm:
    """A claimed welcome DM."""

    newcomer_id: int
    platform: str
    user_id: str
    locale: str | None


def _record_joins(
    session: Session, services: Services, events: list[MemberJoined], now: datetime
) -> list[bool]:
    """Record each join once per person; True for people seen for the first time."""
    by_platform: dict[str, list[MemberJoined]] = {}
    for event in events:
        by_platform.setdefault(event.platform, []).append(event)
    members: dict[tuple[str, str], Member] = {}
    for platform, joins in by_platform.items():
        users = [(e.user_id, e.display_name) for e in joins]
        for uid, member in services.members.ensure_many(session, platform, users, now).items():
            members[(platform, uid)] = member
    member_ids = [m.id for m in members.values() if m.id is not None]
    known = set(session.exec(select(Newcomer.member_id).where(col(Newcomer.member_id).in_(member_ids))).all())
    results = []
    rows = []
    for event in events:
        member = members[(event.platform, event.user_id)]
        if member.is_bot or member.id is None or member.id in known:
            results.append(False)  # a bot, or greeted before (a rejoin, or the event came twice)
            continue
        known.add(member.id)
        rows.append(
            Newcomer(
                member_id=member.id,
                platform=event.platform,
                platform_user_id=event.user_id,
                display_name=event.display_name or event.user_id,
                joined_at=now,
            )
        )
        results.append(True)
    try:
        with session.begin_nested():
            session.add_all(rows)
    except IntegrityError:
        # Another instance recorded some of these joins a moment ago: add the others one by one.
        results = [False] * len(events)
        for i, event in enumerate(events):
            row = next(
                (r for r in rows if r.platform_user_id == event.user_id and r.platform == event.platform),
                None,
            )
            if row is None:
                continue
            try:
                with session.begin_nested():
                    session.add(Newcomer(**row.model_dump(exclude={"id"})))
                results[i] = True
            except IntegrityError:
                pass
    return results


def _form_batches(session: Session, now: datetime) -> list[tuple[int, str]]:
    """Gather unbatched newcomers into one new batch per platform; every unposted batch, oldest first."""
    platforms = session.exec(
        select(Newcomer.platform).where(col(Newcomer.batch_id).is_(None)).distinct()
    ).all()
    for platform in sorted(platforms):
        batch = GreetingBatch(platform=platform, created_at=now)
        session.add(batch)
        session.flush()
        session.exec(
            update(Newcomer)
            .where(col(Newcomer.batch_id).is_(None), col(Newcomer.platform) == platform)
            .values(batch_id=batch.id)
        )
        batch.size = len(session.exec(select(Newcomer.id).where(Newcomer.batch_id == batch.id)).all())
        session.add(batch)
    rows = session.exec(
        select(GreetingBatch).where(col(GreetingBatch.posted_at).is_(None)).order_by(col(GreetingBatch.id))
    ).all()
    return [(b.id, b.platform) for b in rows if b.id is not None]


def _batch_people(session: Session, batch_id: int, platform: str, max_names: int) -> Greeted:
    rows = session.exec(
        select(Newcomer.platform_user_id, Newcomer.display_name)
        .where(Newcomer.batch_id == batch_id)
        .order_by(col(Newcomer.id))
        .limit(max_names)
    ).all()
    batch = session.get(GreetingBatch, batch_id)
    total = batch.size if batch is not None else len(rows)
    return Greeted(platform, tuple((uid, name) for uid, name in rows), max(0, total - len(rows)))


def _mark_posted(session: Session, batch_id: int, now: datetime) -> None:
    batch = session.get(GreetingBatch, batch_id)
    if batch is not None:
        batch.posted_at = now
        session.add(batch)


def _claim(session: Session, owner: str, limit: int, now: datetime) -> list[QueuedDm]:
    ids = session.exec(
        select(Newcomer.id).where(Newcomer.dm_state == "pending").order_by(col(Newcomer.id)).limit(limit)
    ).all()
    if not ids:
        return []
    # The state condition makes a concurrent claim by another instance skip rows taken first.
    session.exec(
        update(Newcomer)
        .where(col(Newcomer.id).in_(ids), col(Newcomer.dm_state) == "pending")
        .values(dm_state="sending", dm_owner=owner, dm_at=now)
    )
    rows = session.exec(
        select(Newcomer.id, Newcomer.platform, Newcomer.platform_user_id, Member.locale)
        .join(Member, col(Member.id) == Newcomer.member_id)
        .where(col(Newcomer.id).in_(ids), Newcomer.dm_state == "sending", Newcomer.dm_owner == owner)
        .order_by(col(Newcomer.id))
    ).all()
    return [QueuedDm(i, p, u, loc) for i, p, u, loc in rows if i is not None]


def _finish_dms(session: Session, outcomes: list[tuple[int, str]], now: datetime) -> None:
    for state in ("sent", "failed", "pending"):
        ids = [i for i, s in outcomes if s == state]
        if ids:
            session.exec(
                update(Newcomer)
                .where(col(Newcomer.id).in_(ids))
                .values(dm_state=state, dm_at=now, dm_owner=None if state == "pending" else Newcomer.dm_owner)
            )


def _release(session: Session, owner: str, cutoff: datetime) -> int:
    result = session.exec(
        update(Newcomer)
        .where(
            col(Newcomer.dm_state) == "sending",
            col(Newcomer.dm_owner) != owner,
            col(Newcomer.dm_at) < cutoff,
        )
        .values(dm_state="pending", dm_owner=None)
    )
    return int(result.rowcount or 0)
