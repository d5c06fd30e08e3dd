"""`GitHubService`: the `GitHubPort` cogs use, the sync jobs, the outbox worker and the webhook route."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.config import StewardConfig
from bot.core.clock import Clock
from bot.core.events import EventBus
from bot.core.github_port import Contribution, DeviceCode, DevicePoll
from bot.db.database import Database
from bot.github.apply import IssueApplier
from bot.github.client import GitHubClient, GitHubError, RateLimited
from bot.github.device_flow import DeviceFlowClient
from bot.github.history import HistoryReader
from bot.github.identity import Identity
from bot.github.outbox import Outbox
from bot.github.sync import Progress, RepoSync, describe
from bot.github.translate import WebhookTranslator
from bot.github.webhooks import PATH, WEBHOOK_GUARD, WebhookReceiver
from bot.github.writer import GitHubWriter, offline_writer

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)
# Pages of closed history read per poll: history fills in over a few polls, never holding one up long.
HISTORY_PAGES_PER_POLL = 10


class GitHubService:
    """Everything GitHub for the rest of the bot; `client` None means the offline demo (no network)."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        bus: EventBus,
        config_ref: Callable[[], StewardConfig],
        client: GitHubClient | None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.config_ref = config_ref
        self.client = client
        self.identity = Identity(db, clock, config_ref, client)
        self.applier = IssueApplier(db, bus, self.identity)
        self.outbox = Outbox(db, clock, bus, GitHubWriter(client, self.applier) if client else offline_writer)
        self.sync = RepoSync(db, client, self.applier) if client else None
        self.history = HistoryReader(db, client, self.applier) if client else None
        self.webhooks: WebhookReceiver | None = None
        self.device_flow: DeviceFlowClient | None = None
        self._resume_at: datetime | None = None
        # Offline demo: the people of the demo data (bot/demo_github.py); None: nobody exists offline.
        self.offline_profiles: Any = None
        self._first_sync: asyncio.Task[None] | None = None

    # --- GitHubPort: writes go through the outbox -------------------------------------------------
    async def comment(self, repo: str, number: int, body: str, **kw: Any) -> int:
        return await self._enqueue("comment", repo, number, {"body": body}, **kw)

    async def assign(self, repo: str, number: int, login: str, **kw: Any) -> int:
        return await self._enqueue("assign", repo, number, {"login": login}, **kw)

    async def unassign(self, repo: str, number: int, login: str, **kw: Any) -> int:
        return await self._enqueue("unassign", repo, number, {"login": login}, **kw)

    async def add_labels(self, repo: str, number: int, labels: list[str], **kw: Any) -> int:
        return await self._enqueue("add_labels", repo, number, {"labels": list(labels)}, **kw)

    async def _enqueue(
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
        return await self.outbox.enqueue(
            kind, repo, number, payload, requested_by=requested_by, dedupe_key=dedupe_key, context=context
        )

    # --- GitHubPort: reads --------------------------------------------------------------------------
    def is_bot(self, login: str) -> bool:
        return self.identity.is_bot(login)

    async def is_maintainer(self, login: str, repo: str | None = None) -> bool:
        return await self.identity.is_maintainer(login, repo)

    async def contribution(self, login: str) -> Contribution:
        return await self.identity.contribution(login)

    async def user_bio(self, login: str) -> str | None:
        if self.client is None:
            if self.offline_profiles is None:
                log.info("offline GitHub: no profile for %s", login)
                return None
            bio: str | None = await self.offline_profiles.bio(login)
            return bio
        try:
            resp = await self.client.request("GET", f"/users/{login}", for_person=True)
        except GitHubError as exc:
            if exc.status == 404:
                return None
            raise
        return str((resp.data or {}).get("bio") or "")

    async def public_gist_texts(self, login: str, limit: int = 10) -> list[str]:
        """Descriptions and file contents of the user's newest public gists (the list omits contents)."""
        if self.client is None:
            return []
        try:
            resp = await self.client.request(
                "GET", f"/users/{login}/gists", params={"per_page": limit}, for_person=True
            )
        except GitHubError as exc:
            if exc.status == 404:
                return []
            raise
        texts: list[str] = []
        for gist in list(resp.data or [])[:limit]:
            full = await self.client.request("GET", f"/gists/{gist['id']}", for_person=True)
            data = full.data or {}
            parts = [str(data.get("description") or "")]
            parts += [str(f.get("content") or "") for f in (data.get("files") or {}).values()]
            texts.append("\n".join(p for p in parts if p))
        return texts

    def device_flow_enabled(self) -> bool:
        return self.device_flow is not None

    async def start_device_flow(self) -> DeviceCode:
        assert self.device_flow is not None, "no github.oauth_client_id configured"
        return await self.device_flow.start()

    async def poll_device_flow(self, device_code: str) -> DevicePoll:
        assert self.device_flow is not None, "no github.oauth_client_id configured"
        return await self.device_flow.poll(device_code)

    # --- jobs -----------------------------------------------------------------------------------------
    def jobs(self) -> dict[str, Callable[[], Any]]:
        if self.sync is None:
            return {}
        return {"github_sync": self.poll_all, "github_reconcile": self.reconcile_all}

    def _repo_names(self, reconcile: bool = False) -> list[str]:
        config = self.config_ref().github
        if config is None:
            return []
        return [r.name for r in config.repos if r.full_reconcile or not reconcile]

    def _background_allowed(self, cost: int) -> bool:
        """Keep the reserve for people: skip (and space out) background work when the budget is low."""
        assert self.client is not None
        config = self.config_ref().github
        now = self.clock.now()
        if self._resume_at is not None and now < self._resume_at:
            return False
        if config is None:
            return False
        wait = self.client.budget.background_wait(config.rate_limit_reserve, cost, config.poll_interval, now)
        if wait > timedelta(0):
            self._resume_at = now + wait
            log.warning(
                "GitHub budget low (%s): polling paused until %s",
                self.client.budget.as_dict(),
                self._resume_at,
            )
            return False
        self._resume_at = None
        return True

    def _history_allowed(self, reserve: int, pages: int) -> bool:
        """History is read only from budget well above the reserve, leaving polls theirs; unlike polls it
        never pauses anything when short (it waits for a later poll)."""
        assert self.client is not None
        now = self.clock.now()
        if self._resume_at is not None and now < self._resume_at:
            return False
        spare = self.client.budget.spare(reserve, now)
        return spare is None or spare >= 2 * pages

    async def poll_all(self) -> None:
        """The `github_sync` job: first sync new repos, poll the others; then a little history."""
        await self._each_repo(self._repo_names(), full=False)
        await self.read_history(HISTORY_PAGES_PER_POLL)

    async def read_history(self, max_pages: int | None, progress: Progress | None = None) -> None:
        """Page in each repository's closed history (history.py), `max_pages` at a time, while the budget
        above the reserve allows; errors are logged and the read resumes at the next poll."""
        config = self.config_ref().github
        if self.history is None or config is None or config.history_months <= 0:
            return
        for name in self._repo_names():
            if not self._history_allowed(config.rate_limit_reserve, max_pages or HISTORY_PAGES_PER_POLL):
                return
            try:
                await self.history.step(name, config.history_months, max_pages=max_pages, progress=progress)
            except RateLimited as exc:
                self._resume_at = exc.retry_at
                log.warning(
                    "GitHub rate limit while reading the history of %s; resuming at %s", name, exc.retry_at
                )
                return
            except Exception:  # an outage or a bug must never take the bot down
                log.exception("reading the history of %s failed", name)

    async def reconcile_all(self) -> None:
        """The `github_reconcile` job: re-read every open item; notices deletions and transfers."""
        await self._each_repo(self._repo_names(reconcile=True), full=True)

    async def _each_repo(self, names: list[str], *, full: bool) -> None:
        assert self.sync is not None
        if not names or not self._background_allowed(cost=len(names)):
            return
        for name in names:
            try:
                result = await self.sync.sync(name, full=full)
                log.info("github sync %s", describe(result))
            except RateLimited as exc:
                self._resume_at = exc.retry_at
                log.warning("GitHub rate limit while syncing %s; resuming at %s", name, exc.retry_at)
                return
            except GitHubError as exc:
                log.warning("GitHub sync of %s failed: %s", name, exc)
            except Exception:  # an outage or a bug must never take the bot down
                log.exception("GitHub sync of %s failed", name)

    # --- lifecycle ------------------------------------------------------------------------------------
    async def start(self) -> None:
        await self.identity.load()
        if self.webhooks is not None:
            try:
                replayed = await self.webhooks.replay_pending()
            except Exception:  # what a delivery carries must never keep the bot from starting
                log.exception("replaying stored webhook deliveries failed; they stay for the next start")
            else:
                if replayed:
                    log.info("processed %d webhook deliveries left over from the last run", replayed)
        self.outbox.start()
        if self.sync is not None:
            # Catch up at start instead of waiting a whole poll interval.
            self._first_sync = asyncio.get_running_loop().create_task(
                self.poll_all(), name="github-first-sync"
            )

    async def first_sync_done(self) -> None:
        """Wait until the catch-up sync that `start` began in the background has finished."""
        if self._first_sync is not None:
            await asyncio.wait([self._first_sync])  # its errors are logged by poll_all

    async def stop(self) -> None:
        if self._first_sync is not None:
            self._first_sync.cancel()
            await asyncio.gather(self._first_sync, return_exceptions=True)
        await self.outbox.stop()
        if self.webhooks is not None:
            await self.webhooks.drain()
        if self.client is not None:
            await asyncio.to_thread(self.client.close)
        if self.device_flow is not None:
            self.device_flow.close()

    async def health(self) -> dict[str, Any]:
        """/healthz: the rate budget and credentials; `degraded` (not down) when paused or refused,
        since chat keeps working without GitHub."""
        if self.client is None:
            return {"ok": True, "mode": "offline"}
        paused = self._resume_at is not None and self.clock.now() < self._resume_at
        auth_error = self.client.auth_problem
        reason = None
        if auth_error is not None:
            reason = f"GitHub refused the credentials: {auth_error}"
        elif paused and self._resume_at is not None:
            reason = f"GitHub polling paused for the rate budget until {self._resume_at.isoformat()}"
        return {
            "ok": reason is None,
            "reason": reason,
            "auth_error": auth_error,
            "rate_limit": self.client.budget.as_dict(),
            "requests": self.client.stats.requests,
            "paused_until": self._resume_at.isoformat() if paused and self._resume_at else None,
        }


def build_github(app: App) -> GitHubService:
    """The composition root's factory (bot/app.py): online with a client, or offline with demo data."""
    config = app.config.github
    assert config is not None
    client = None if config.demo_data else GitHubClient(config, app.clock)
    service = GitHubService(app.db, app.clock, app.bus, lambda: app.config, client)
    if client is not None and config.webhook_secret:
        translator = WebhookTranslator(service.applier, service.identity, lambda: app.config)
        service.webhooks = WebhookReceiver(config.webhook_secret, app.db, app.clock, translator)
        # The HTTP server starts before the GitHub layer: deliveries arriving in between wait for
        # start()'s replay of what the last run left unprocessed, so each item's stay in order.
        service.webhooks.hold()
        app.http.add_route("POST", PATH, service.webhooks.handle, WEBHOOK_GUARD)
    if client is not None and config.oauth_client_id:
        service.device_flow = DeviceFlowClient(config.oauth_client_id, config.oauth_base_url, config.api_url)
    app.http.add_health_check("github", service.health, essential=False)
    return service
