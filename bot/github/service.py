"""`GitHubService`: the `GitHubPort` cogs use, the sync jobs (polling.py), the outbox, the webhook route."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.config import StewardConfig
from bot.core.clock import Clock
from bot.core.events import EventBus
from bot.core.github_port import Contribution, DeviceCode, DevicePoll
from bot.db.database import Database
from bot.github.apply import IssueApplier
from bot.github.client import GitHubClient, GitHubError
from bot.github.device_flow import DeviceFlowClient
from bot.github.history import HistoryReader
from bot.github.identity import Identity
from bot.github.outbox import Outbox
from bot.github.polling import BackgroundPolling
from bot.github.sync import RepoSync
from bot.github.translate import WebhookTranslator
from bot.github.webhooks import PATH, WEBHOOK_GUARD, WebhookReceiver
from bot.github.writer import GitHubWriter, offline_writer

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)


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
        # Offline demo: the people of the demo data (bot/demo_github.py); None: nobody exists offline.
        self.offline_profiles: Any = None
        self.polling = BackgroundPolling(config_ref, clock, client, self.sync, self.history)

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
        """The scheduled sync jobs (none offline)."""
        return self.polling.jobs()

    def default_schedules(self) -> dict[str, tuple[Any, timedelta]]:
        """The sync jobs' triggers when ``schedules:`` does not name them."""
        return self.polling.default_schedules()

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
        self.polling.start()

    async def first_sync_done(self) -> None:
        """Wait until the catch-up sync that `start` began in the background has finished."""
        await self.polling.first_sync_done()

    async def stop(self) -> None:
        await self.polling.stop()
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
        paused = self.polling.paused_until()
        auth_error = self.client.auth_problem
        reason = None
        if auth_error is not None:
            reason = f"GitHub refused the credentials: {auth_error}"
        elif paused is not None:
            reason = f"GitHub polling paused for the rate budget until {paused.isoformat()}"
        return {
            "ok": reason is None,
            "reason": reason,
            "auth_error": auth_error,
            "rate_limit": self.client.budget.as_dict(),
            "requests": self.client.stats.requests,
            "paused_until": paused.isoformat() if paused is not None else None,
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
