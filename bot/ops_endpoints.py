"""The operator's endpoints on the HTTP server: ``/metrics`` (on the server or its own address) and the
database and scheduler parts of ``/healthz``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web
from sqlalchemy import text

from bot.config.sections.infra import HttpConfig
from bot.db.database import Database
from bot.http_server import HttpServer, bearer_matches
from bot.metrics import Metrics

log = logging.getLogger(__name__)


class OpsEndpoints:
    """Serves metrics and health checks from what it is handed; knows nothing of features."""

    def __init__(
        self,
        http_config: Callable[[], HttpConfig],
        http: HttpServer,
        metrics: Metrics,
        db: Database,
        github_client: Callable[[], Any],
        is_leader: Callable[[], bool],
        job_ids: Callable[[], list[str]],
    ) -> None:
        self._http_config = http_config
        self._http = http
        self._metrics = metrics
        self._db = db
        self._github_client = github_client
        self._is_leader = is_leader
        self._job_ids = job_ids

    async def metrics(self, request: web.Request) -> web.Response:
        """``/metrics`` in the Prometheus text format; a bearer token when ``http.metrics_token`` is set."""
        token = self._http_config().metrics_token
        if token and not bearer_matches(request.headers.get("Authorization"), token):
            return web.Response(
                status=401, text="bearer token required", headers={"WWW-Authenticate": "Bearer"}
            )
        client = self._github_client()
        if client is not None:
            self._metrics.observe_github(client.stats.by_verb, client.budget.remaining)
        return web.Response(body=self._metrics.render(), content_type="text/plain", charset="utf-8")

    async def start_http(self) -> int | None:
        """Start the public server (when needed) and /metrics on it or on its own address; returns the
        separate metrics port when there is one."""
        http = self._http_config()
        if http.metrics_port is None:
            self._http.app.router.add_get("/metrics", self.metrics)
        enabled = http.enabled
        if enabled or (enabled is None and self._http.needed):
            await self._http.start()
        if http.metrics_port is None:
            return None
        metrics_app = web.Application()
        metrics_app.router.add_get("/metrics", self.metrics)
        host = http.metrics_host or http.host
        port = await self._http.serve_separately(metrics_app, host, http.metrics_port)
        log.info("metrics served on %s:%d", host, port)
        return port

    async def scheduler_health(self) -> dict[str, Any]:
        """This instance's scheduler role and jobs, for /healthz."""
        return {"ok": True, "role": "leader" if self._is_leader() else "follower", "jobs": self._job_ids()}

    async def database_health(self) -> dict[str, Any]:
        """A round trip to the database, for /healthz."""
        await self._db.run(lambda s: s.exec(text("SELECT 1")))  # type: ignore[call-overload]
        return {"ok": True, "id": self._db.fingerprint}
