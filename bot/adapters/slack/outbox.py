"""Sending to Slack in order per channel, retrying transient failures; nothing is dropped silently."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

# Errors worth another try: Slack's own hiccups. Everything else (channel_not_found, invalid_blocks,
# missing_scope, ...) will fail the same way again, so it is raised at once to the caller.
TRANSIENT_ERRORS = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"}
)


def retry_handlers(max_rate_limit_retries: int = 5) -> list[Any]:
    """slack-sdk retries only connection errors by default; 429 Retry-After needs its handler."""
    return [
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
        AsyncRateLimitErrorRetryHandler(max_retry_count=max_rate_limit_retries),
        AsyncServerErrorRetryHandler(max_retry_count=2),
    ]


class ChannelOutbox:
    """One queue per channel: posts to a channel go out in order, each retried a few times."""

    def __init__(self, attempts: int = 3, backoff: float = 0.5) -> None:
        self.attempts = attempts
        self.backoff = backoff
        self._locks: dict[str, asyncio.Lock] = {}

    async def send(self, channel: str, call: Callable[[], Awaitable[T]]) -> T:
        """Run ``call`` after earlier sends to ``channel``; retry transient failures, then raise."""
        lock = self._locks.setdefault(channel, asyncio.Lock())
        async with lock:
            return await with_retries(call, self.attempts, self.backoff, what=f"channel {channel}")


async def with_retries(
    call: Callable[[], Awaitable[T]], attempts: int = 3, backoff: float = 0.5, what: str = ""
) -> T:
    """Await ``call``, retrying Slack's transient errors and network faults with growing pauses."""
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except SlackApiError as exc:
            error = str(exc.response.get("error", "")) if exc.response is not None else ""
            if error not in TRANSIENT_ERRORS or attempt == attempts:
                raise
            log.warning("slack send to %s failed (%s), attempt %d/%d", what, error, attempt, attempts)
        except (TimeoutError, aiohttp.ClientError) as exc:
            if attempt == attempts:
                raise
            log.warning("slack send to %s failed (%r), attempt %d/%d", what, exc, attempt, attempts)
        await asyncio.sleep(backoff * attempt)
    raise AssertionError("unreachable")
