"""The primary rate-limit budget, read from the `x-ratelimit-*` headers of every response.

Background work (polling, reconciles) may only spend what is above `reserve`; the reserve is kept
for what people ask for (claims, assignments, permission look-ups). When the spare budget would not
last until the reset at the normal polling pace, polls are spaced out instead of failing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any


@dataclass
class RateBudget:
    """What GitHub last said about the core budget (None until a response carried the headers)."""

    limit: int | None = None
    remaining: int | None = None
    used: int | None = None
    reset_at: datetime | None = None
    resource: str = "core"
    observed_at: datetime | None = None

    def observe(self, headers: Mapping[str, Any], now: datetime) -> None:
        """Take in the headers of one response (names lower-case, as PyGithub's requester gives them)."""
        resource = str(headers.get("x-ratelimit-resource") or "core")
        if resource != "core" or "x-ratelimit-remaining" not in headers:
            return  # search/graphql budgets are separate; this layer only spends the core one
        self.remaining = int(float(headers["x-ratelimit-remaining"]))
        if "x-ratelimit-limit" in headers:
            self.limit = int(float(headers["x-ratelimit-limit"]))
        if "x-ratelimit-used" in headers:
            self.used = int(float(headers["x-ratelimit-used"]))
        if "x-ratelimit-reset" in headers:
            self.reset_at = datetime.fromtimestamp(int(float(headers["x-ratelimit-reset"])), UTC)
        self.observed_at = now

    def _current_remaining(self, now: datetime) -> int | None:
        if self.remaining is None:
            return None
        if self.reset_at is not None and now >= self.reset_at:
            return self.limit  # the window has rolled over since we last heard
        return self.remaining

    def spare(self, reserve: int, now: datetime) -> int | None:
        """Points background work may still spend in this window (None: not known yet)."""
        remaining = self._current_remaining(now)
        return None if remaining is None else remaining - reserve

    def background_wait(self, reserve: int, cost: int, interval: timedelta, now: datetime) -> timedelta:
        """How long background work of about `cost` points should wait before running (zero: go).

        Below the reserve: wait for the reset. Otherwise space runs so the spare points last until the
        reset: with `spare` points and `cost` per run, at most spare/cost runs fit before the reset.
        """
        spare = self.spare(reserve, now)
        if spare is None or self.reset_at is None or now >= self.reset_at:
            return timedelta(0)
        until_reset = self.reset_at - now
        if spare < max(cost, 1):
            return until_reset
        runs_that_fit = spare // max(cost, 1)
        spacing = until_reset / runs_that_fit
        return max(spacing - interval, timedelta(0))

    def as_dict(self) -> dict[str, Any]:
        """For /healthz and `steward sync`."""
        return {
            "limit": self.limit,
            "remaining": self.remaining,
            "used": self.used,
            "reset_at": self.reset_at.isoformat() if self.reset_at else None,
        }
