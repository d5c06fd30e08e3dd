"""Keys that make a scheduled post happen once on a platform, part by part, even across SIGKILL.

Every post that goes through :meth:`bot.core.posting.Poster.post_once` has a key per part: the
post-log row's ``post_key`` (a digest of job, period, platform and channel, written before the first
attempt) plus the part's index. Adapters send each part with it, in the platform's own terms
(Discord: the message ``nonce`` with ``enforce_nonce``; Slack: message ``metadata``; console: its
transcript), and before re-sending a part that an earlier attempt may have delivered they look in
the channel for it and adopt what they find (:class:`KeyedSend`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

# Discord nonces are at most 25 characters: 20 hex digits of key, a dot, up to 4 digits of part.
KEY_HEX = 20
# Slack metadata event type of every keyed post (letters, digits, "_" and "-" only).
EVENT_TYPE = "steward_post"
# History is read from a little before the attempt: platform clocks and ours are not the same clock.
CLOCK_SLACK = timedelta(minutes=2)

Part = TypeVar("Part")


class Fenced(RuntimeError):
    """This instance may no longer post: another instance holds the scheduler lease (a newer epoch)."""


class LookupImpossible(RuntimeError):
    """The platform would not show the channel's history, so whether a part arrived is unknown."""


def post_key(job: str, period: str, platform: str, channel: str) -> str:
    """The stable key of one (job, period, platform, channel) post: the same in every process."""
    text = "\x1f".join((job, period, platform, channel))
    return hashlib.sha256(text.encode()).hexdigest()[:KEY_HEX]


def part_key(key: str, index: int) -> str:
    """The key of part ``index`` (0-based) of the post ``key``: a Discord nonce, a Slack payload value."""
    return f"{key}.{index}"


def fingerprint(*pieces: str) -> str:
    """A digest of what a person sees in a message, to recognise it in history where no key is kept."""
    return hashlib.sha256("\x1f".join(pieces).encode()).hexdigest()


@dataclass
class KeyedSend:
    """One post for an adapter to send in parts, each at most once; the post log remembers progress.

    ``done`` parts are known to be on the platform. When ``look_since`` is set, the first missing part
    may be there too (an earlier attempt died or failed after sending it): the adapter looks for it
    in the channel's history since that moment before sending it again.
    """

    key: str
    done: int
    look_since: datetime | None
    confirm: Callable[[int, str], Awaitable[None]]  # part index, platform ref: written to the post log
    check: Callable[[], Awaitable[None]]  # raises Fenced when this instance may no longer send
    in_doubt: Callable[[int, str], Awaitable[None]]  # part index, why: a part that may now appear twice
    # Refs other posts in the channel already own: a look-alike message there is theirs, not ours.
    taken: Callable[[], Awaitable[set[str]]]

    def part_key(self, index: int) -> str:
        return part_key(self.key, index)

    def since(self) -> datetime | None:
        return None if self.look_since is None else self.look_since - CLOCK_SLACK

    async def run(
        self,
        parts: Sequence[Part],
        send: Callable[[Part, str], Awaitable[str]],
        find: Callable[[Part, str, datetime], Awaitable[str | None]],
    ) -> list[str]:
        """Send ``parts`` from the first one not yet confirmed; returns the refs of the parts sent now.

        ``send(part, part_key)`` posts a part carrying its key; ``find(part, part_key, since)`` returns
        the ref of the bot's message carrying that key (or that content) posted since, or None, and
        raises :class:`LookupImpossible` when it cannot read the channel.
        """
        refs: list[str] = []
        since = self.since()
        for index, part in enumerate(parts):
            if index < self.done:
                continue
            key = self.part_key(index)
            ref: str | None = None
            if since is not None and index == self.done:
                try:
                    ref = await find(part, key, since)
                except LookupImpossible as exc:
                    await self.in_doubt(index, str(exc))
            if ref is None:
                await self.check()  # a fenced (older) leader must not post what the new one may post
                ref = await send(part, key)
            await self.confirm(index, ref)
            refs.append(ref)
        return refs
