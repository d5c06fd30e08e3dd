"""Posting to configured channels on every connected platform, exactly once per post-log key.

``post_once`` claims (job, period, platform, channel) in ``post_log`` before sending (the claim
carries the post's key, :mod:`bot.core.post_keys`), marks each part as it reaches the platform and
the post sent at the end. A failed send is retried by the next run of the same period. A claim left
behind by an instance that died is taken over by the scheduler leader (only the leader runs scheduled
jobs, so a claim by any other instance is a dead one's); since the dead instance may have sent the
part it was on, the adapter looks for it in the channel first (:class:`~bot.core.post_keys.KeyedSend`).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from sqlmodel import select

from bot.core.adapter import Adapter, GroupChange
from bot.core.clock import Clock
from bot.core.messages import Message
from bot.core.post_keys import Fenced
from bot.core.post_ledger import Claim, Due, Key, PostLedger
from bot.db.database import Database
from bot.db.models import PlatformIdentity

log = logging.getLogger(__name__)
# The purpose whose channel hears about posts the bot could not make sure of.
MAINTAINERS = "maintainers"


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
        notice: Callable[..., Message] | None = None,
        instance_id: str | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.adapters = adapters
        self.is_leader = is_leader
        self.metrics = metrics
        self.instance_id = instance_id or uuid.uuid4().hex[:12]  # the post log's claim owner
        self.ledger = PostLedger(db, clock, self.instance_id, is_leader)
        # A maintainers' notice in the project's language (key, **params), e.g. a post that may repeat.
        self.notice = notice
        # Called when a claim or mark was refused because another instance leads now.
        self.on_fenced: Callable[[], None] = lambda: None

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

    async def dm_member_once(
        self, job: str, period: str, member_id: int, message: Message, due: Due | None = None
    ) -> bool | None:
        """DM a member unless the post log says (job, period) already reached them; None when skipped.

        ``due``: when the DM was due and its grace; a DM past it is skipped (logged, never sent).
        """
        key: Key = (job, period, "dm", str(member_id))
        try:
            if await self.ledger.claim(key, due) is None:
                return None
            delivered = await self.dm_member(member_id, message)
            await self.ledger.finish(key, "sent" if delivered else "failed", None, None)
        except Fenced as exc:
            log.warning("DM %s/%s to member %s stopped: %s", job, period, member_id, exc)
            self.on_fenced()
            return None
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
        due: Due | None = None,
    ) -> list[PostResult]:
        """Post unless the post log says (job, period, platform, channel) was already sent.

        Each part goes out with its key (:mod:`bot.core.post_keys`); a retry resumes from the first
        part not known to be on the platform, and looks for that one in the channel before sending it.
        ``due`` says when the post was due and how late it may go out (the bot was down over it):
        past that it is skipped, with the reason in the log, and recorded so nothing sends it later.
        """
        results = []
        for adapter, channel in self.targets(purpose, channels, platform):
            key: Key = (job, period, adapter.platform, channel)
            results.append(await self._post_target(adapter, channel, key, message, due))
        return results

    async def _post_target(
        self, adapter: Adapter, channel: str, key: Key, message: Message, due: Due | None = None
    ) -> PostResult:
        job, period, platform, _ = key
        try:
            claim = await self.ledger.claim(key, due)
            if claim is None:
                return PostResult(platform, channel, "skipped")
            ref = await self._send(adapter, channel, key, claim, message)
            await self.ledger.finish(key, "sent", ref, None)
        except Fenced as exc:
            log.warning("post %s/%s to %s channel %s stopped: %s", job, period, platform, channel, exc)
            self.on_fenced()
            return PostResult(platform, channel, "skipped")
        except Exception as exc:
            log.exception("post %s/%s to %s channel %s failed", job, period, platform, channel)
            try:
                await self.ledger.finish(key, "failed", None, repr(exc)[:500])
            except Fenced:
                self.on_fenced()
                return PostResult(platform, channel, "skipped")
            self._count(platform, "failed")
            return PostResult(platform, channel, "failed")
        self._count(platform, "sent")
        return PostResult(platform, channel, "sent", ref)

    async def _send(
        self, adapter: Adapter, channel: str, key: Key, claim: Claim, message: Message
    ) -> str | None:
        keyed = getattr(adapter, "post_keyed", None)
        if keyed is None:  # an adapter that cannot carry keys (a test double): one plain attempt
            ref: str = await adapter.post(channel, message)
            return ref
        refs: list[str] = await keyed(
            channel, message, self.ledger.keyed_send(key, claim, self._in_doubt(key))
        )
        return claim.first_ref or (refs[0] if refs else None)

    def _in_doubt(self, key: Key) -> Callable[[int, str], Awaitable[None]]:
        async def tell(part: int, why: str) -> None:
            job, period, platform, channel = key
            log.error(
                "post %s/%s part %d to %s channel %s: could not check whether an earlier attempt "
                "delivered it (%s); sending it, so it may appear twice",
                job, period, part + 1, platform, channel, why,
            )  # fmt: skip
            if self.notice is not None:
                text = self.notice("core.posting.in_doubt", job=job, period=period, part=part + 1)
                await self.post(MAINTAINERS, text)

        return tell

    def _count(self, platform: str, outcome: str) -> None:
        posts = getattr(self.metrics, "posts", None)
        if posts is not None:
            posts.labels(platform=platform, outcome=outcome).inc()
