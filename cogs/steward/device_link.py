"""Linking by GitHub's OAuth device flow: one pending sign-in per member, polled in the background.

The person enters a short code on GitHub; a task polls the port at GitHub's interval (plus 5 s on
every ``slow_down``) until GitHub approves, denies or expires it. Approval yields the login only
(the port reads ``/user`` and discards the token). Pending sign-ins live in memory: they last at
most 15 minutes, and after a restart the person simply asks for a new code.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from bot.core.cog import Services
from bot.core.community_events import GitHubLinked
from bot.core.errors import UserError
from bot.core.github_port import DeviceCode, GitHubPort
from cogs.steward.linking import complete_link

log = logging.getLogger(__name__)
SLOW_DOWN_EXTRA = 5.0  # seconds GitHub asks to add on each slow_down


class PollTimer(Protocol):
    """Where the poll loop's waiting comes from; tests drive a manual one (no real sleeps)."""

    def monotonic(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class RealTimer:
    """The event loop's sleep and the monotonic clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


@dataclass(frozen=True)
class Outcome:
    """How a sign-in ended: ``key`` is the catalog message, ``login`` set when the link was stored."""

    key: str
    outside: dict[str, str]
    login: str | None = None


@dataclass
class PendingSignIn:
    """One member's device flow in progress."""

    member_id: int
    wanted: str | None  # the login they asked for; None = whichever account they sign in with
    code: DeviceCode
    expires_at: datetime
    interval: float
    last_poll: float
    outcome: Outcome | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    task: asyncio.Task[None] | None = None


class DeviceLinks:
    """Starts device flows and polls each until it ends; ``notify`` tells the member how it ended."""

    def __init__(
        self,
        services: Services,
        notify: Callable[[int, Outcome], Awaitable[None]],
        timer: PollTimer | None = None,
    ) -> None:
        self.services = services
        self.notify = notify
        self.timer: PollTimer = timer or RealTimer()
        self._pending: dict[int, PendingSignIn] = {}

    def _port(self) -> GitHubPort:
        github = self.services.github
        if github is None:
            raise UserError("steward.link.no_github")
        return github

    async def start(self, member_id: int, wanted: str | None) -> PendingSignIn:
        """Ask GitHub for a code and poll it in the background; an earlier sign-in is abandoned."""
        try:
            code = await self._port().start_device_flow()
        except UserError:
            raise
        except Exception:
            log.exception("starting the GitHub device flow failed")
            raise UserError("steward.link.unreachable") from None
        await self.cancel(member_id)
        now = self.services.clock.now()
        flow = PendingSignIn(
            member_id=member_id,
            wanted=wanted,
            code=code,
            expires_at=now + timedelta(seconds=code.expires_in),
            interval=float(code.interval),
            last_poll=self.timer.monotonic(),  # GitHub counts the interval from the code request
        )
        self._pending[member_id] = flow
        flow.task = asyncio.get_running_loop().create_task(self._run(flow), name=f"device-link-{member_id}")
        return flow

    async def check(self, member_id: int) -> tuple[PendingSignIn, Outcome | None]:
        """The Done button: the outcome if known, else one poll now when the interval allows it."""
        flow = self._pending.get(member_id)
        if flow is None:
            raise UserError("steward.link.no_pending_device")
        async with flow.lock:
            if flow.outcome is None and self.timer.monotonic() - flow.last_poll >= flow.interval:
                await self._poll(flow)
        return flow, flow.outcome

    async def _run(self, flow: PendingSignIn) -> None:
        try:
            while flow.outcome is None:
                wait = flow.last_poll + flow.interval - self.timer.monotonic()
                if wait > 0:
                    await self.timer.sleep(wait)
                async with flow.lock:
                    if flow.outcome is not None:
                        return  # the Done button got the answer and showed it
                    if self.timer.monotonic() - flow.last_poll < flow.interval:
                        continue
                    await self._poll(flow)
                    if flow.outcome is None:
                        continue
                await self.notify(flow.member_id, flow.outcome)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("device-flow link of member %s failed", flow.member_id)

    async def _poll(self, flow: PendingSignIn) -> None:
        """One poll; sets ``flow.outcome`` when the sign-in ended. The caller holds ``flow.lock``."""
        if self.services.clock.now() >= flow.expires_at:
            flow.outcome = Outcome("steward.link.device_expired", {})
            return
        flow.last_poll = self.timer.monotonic()
        try:
            result = await self._port().poll_device_flow(flow.code.device_code)
        except Exception as exc:  # an outage: keep polling until the code expires
            log.warning("polling the GitHub device flow failed: %s", exc)
            return
        if result.status == "slow_down":
            flow.interval = float(result.interval or flow.interval + SLOW_DOWN_EXTRA)
        elif result.status == "denied":
            flow.outcome = Outcome("steward.link.device_denied", {})
        elif result.status == "expired":
            flow.outcome = Outcome("steward.link.device_expired", {})
        elif result.status == "approved" and result.login:
            flow.outcome = await self._link(flow, result.login)

    async def _link(self, flow: PendingSignIn, login: str) -> Outcome:
        if flow.wanted is not None and flow.wanted.lower() != login.lower():
            return Outcome("steward.link.device_mismatch", {"login": login, "wanted": flow.wanted})
        now = self.services.clock.now()
        try:
            await self.services.db.run(lambda s: complete_link(s, flow.member_id, login, now))
        except UserError as exc:
            return Outcome(exc.key, exc.outside)
        await self.services.bus.publish(GitHubLinked(flow.member_id, login))
        return Outcome("steward.link.device_done", {"login": login}, login=login)

    async def cancel(self, member_id: int) -> None:
        flow = self._pending.pop(member_id, None)
        if flow is not None and flow.task is not None:
            flow.task.cancel()
            await asyncio.gather(flow.task, return_exceptions=True)

    async def stop(self) -> None:
        for member_id in list(self._pending):
            await self.cancel(member_id)
