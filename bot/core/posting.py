"""Posting to configured channels on every connected platform, at most once per post-log key.

``post_once`` claims (job, period, platform, channel) in ``post_log`` before sending and marks it
sent after. A failed send is retried by the next run of the same period. A claim left behind by an
instance that died between claim and send is taken over by the scheduler leader (only the leader
runs scheduled jobs, so a claim by any other instance is a dead one's).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.core.adapter import Adapter, GroupChange
from bot.core.clock import Clock
from bot.core.messages import Message
from bot.db.database import Database
from bot.db.models import PlatformIdentity, PostLog

log = logging.getLogger(__name__)
Key = tuple[str, str, str, str]


@dataclass(frozen=True)
class PostResult:
    """What happened to one (platform, channel) target."""

    platform: str
    channel_id: str
    status: str  # "sent", "skipped" (already sent or claimed by a live instance), "failed"
    ref: str | None = None


class PostNotDelivered(RuntimeError):
    """A scheduled post did not reach every target; raised so the scheduler retries the period."""


def require_delivered(results: list[PostResult]) -> list[PostResult]:
    """``results`` unchanged, or :class:`PostNotDelivered` naming the targets that failed."""
    failed = [f"{r.platform} channel {r.channel_id}" for r in results if r.status == "failed"]
    if failed:
        raise PostNotDelivered("not delivered to " + ", ".join(failed))
    return results


class Poster:
    """Sends cog messages to channels by purpose; with a key, each post happens once."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        adapters: Callable[[], Sequence[Adapter]],
        is_leader: Callable[[], bool] = lambda: True,
        metrics: object | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.adapters = adapters
        self.is_leader = is_leader
        self.metrics = metrics
        self.instance_id = uuid.uuid4().hex[:12]

    def targets(
        self,
        purpose: str,
        channels: Mapping[str, Sequence[str]] | None = None,
        platform: str | None = None,
    ) -> Iterator[tuple[Adapter, str]]:
        """(adapter, channel id) pairs: the schedule's channels per platform if given, else the purpose's.

        ``platform`` limits the targets to that platform (e.g. greeting people where they joined).
        """
        for adapter in self.adapters():
            if platform is not None and adapter.platform != platform:
                continue
            names = list(channels.get(adapter.platform, ())) if channels else []
            if not names:
                names = [purpose]
            seen = set()
            for name in names:
                # A schedule may name a purpose ("digest") or a raw channel id.
                channel = adapter.channel_for(name) or (name if name != purpose else None)
                if channel is not None and channel not in seen:
                    seen.add(channel)
                    yield adapter, channel

    async def post(
        self, purpose: str, message: Message, channels: Mapping[str, Sequence[str]] | None = None
    ) -> list[PostResult]:
        """Post now to the channel configured for ``purpose`` on each platform."""
        results = []
        for adapter, channel in self.targets(purpose, channels):
            try:
                ref = await adapter.post(channel, message)
                results.append(PostResult(adapter.platform, channel, "sent", ref))
                self._count(adapter.platform, "sent")
            except Exception:
                log.exception("post to %s channel %s (%s) failed", adapter.platform, channel, purpose)
                results.append(PostResult(adapter.platform, channel, "failed"))
                self._count(adapter.platform, "failed")
        return results

    async def _identities(self, member_id: int) -> list[tuple[str, str]]:
        return await self.db.run(
            lambda s: [
                (i.platform, i.platform_user_id)
                for i in s.exec(select(PlatformIdentity).where(PlatformIdentity.member_id == member_id))
            ]
        )

    async def dm_member(self, member_id: int, message: Message) -> bool:
        """DM a member on every platform where they have an identity; True if any delivery worked."""
        identities = await self._identities(member_id)
        delivered = False
        for adapter in self.adapters():
            for platform, user_id in identities:
                if platform != adapter.platform:
                    continue
                try:
                    delivered = await adapter.send_dm(user_id, message) or delivered
                except Exception:
                    log.exception("DM to %s user %s failed", platform, user_id)
        return delivered

    async def change_groups(
        self, member_id: int, groups: Mapping[str, str], add: bool, reason: str
    ) -> dict[str, GroupChange]:
        """Add a member to (or take them out of) ``groups[platform]`` wherever they have an identity."""
        identities = await self._identities(member_id)
        outcomes: dict[str, GroupChange] = {}
        for adapter in self.adapters():
            group = groups.get(adapter.platform)
            for platform, user_id in identities:
                if group is None or platform != adapter.platform:
                    continue
                change = adapter.add_to_group if add else adapter.remove_from_group
                try:
                    outcomes[platform] = await change(user_id, group, reason)
                except Exception:
                    log.exception("changing group %s of %s user %s failed", group, platform, user_id)
                    outcomes[platform] = GroupChange.FAILED
        return outcomes

    async def dm_identity(self, platform: str, user_id: str, message: Message) -> bool:
        """DM one platform account directly (the caller already knows it); False when impossible."""
        for adapter in self.adapters():
            if adapter.platform != platform:
                continue
            try:
                return await adapter.send_dm(user_id, message)
            except Exception:
                log.exception("DM to %s user %s failed", platform, user_id)
        return False

    async def dm_member_once(self, job: str, period: str, member_id: int, message: Message) -> bool | None:
        """DM a member unless the post log says (job, period) already reached them; None when skipped."""
        key: Key = (job, period, "dm", str(member_id))
        if not await self.db.run(self._claim, key):
            return None
        delivered = await self.dm_member(member_id, message)
        await self.db.run(self._finish, key, "sent" if delivered else "failed", None, None)
        return delivered

    async def set_topic(self, purpose: str, text: str) -> list[PostResult]:
        """Set the topic of the channel configured for ``purpose`` on each platform."""
        results = []
        for adapter, channel in self.targets(purpose):
            try:
                ok = await adapter.set_topic(channel, text)
            except Exception:
                log.exception("setting the topic of %s channel %s failed", adapter.platform, channel)
                ok = False
            results.append(PostResult(adapter.platform, channel, "sent" if ok else "failed"))
        return results

    async def post_once(
        self,
        job: str,
        period: str,
        purpose: str,
        message: Message,
        channels: Mapping[str, Sequence[str]] | None = None,
        platform: str | None = None,
    ) -> list[PostResult]:
        """Post unless the post log says (job, period, platform, channel) was already sent."""
        results = []
        for adapter, channel in self.targets(purpose, channels, platform):
            key: Key = (job, period, adapter.platform, channel)
            if not await self.db.run(self._claim, key):
                results.append(PostResult(adapter.platform, channel, "skipped"))
                continue
            try:
                ref = await adapter.post(channel, message)
            except Exception as exc:
                log.exception("post %s/%s to %s channel %s failed", job, period, adapter.platform, channel)
                await self.db.run(self._finish, key, "failed", None, repr(exc)[:500])
                results.append(PostResult(adapter.platform, channel, "failed"))
                self._count(adapter.platform, "failed")
                continue
            await self.db.run(self._finish, key, "sent", ref, None)
            results.append(PostResult(adapter.platform, channel, "sent", ref))
            self._count(adapter.platform, "sent")
        return results

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

    def _claim(self, session: Session, key: Key) -> bool:
        now = self.clock.now()
        row = self._row(session, key)
        if row is not None:
            abandoned = row.status == "claimed" and row.owner != self.instance_id and self.is_leader()
            if row.status == "failed" or abandoned:
                if abandoned:
                    log.warning("taking over post %s left claimed by instance %s", key, row.owner)
                row.status = "claimed"
                row.owner = self.instance_id
                row.attempts += 1
                row.claimed_at = now
                session.add(row)
                return True
            return False
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
                    )
                )
        except IntegrityError:
            # Another instance claimed the same key a moment ago: it posts, we don't.
            return False
        return True

    def _finish(self, session: Session, key: Key, status: str, ref: str | None, error: str | None) -> None:
        row = self._row(session, key)
        assert row is not None
        row.status = status
        row.message_ref = ref
        row.error = error
        if status == "sent":
            row.sent_at = self.clock.now()
        session.add(row)

    def _count(self, platform: str, outcome: str) -> None:
        posts = getattr(self.metrics, "posts", None)
        if posts is not None:
            posts.labels(platform=platform, outcome=outcome).inc()
