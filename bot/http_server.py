"""The one aiohttp server: Slack HTTP mode, GitHub webhooks, calendar feeds, /healthz."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)
HealthCheck = Callable[[], Awaitable[dict[str, Any]]]
RouteHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class HttpServer:
    """Features add routes before start; it only listens when something needs it (or config says so)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 8080) -> None:
        self.host = host
        self.port = port
        self.app = web.Application(client_max_size=25 * 1024 * 1024)
        self._checks: dict[str, HealthCheck] = {}
        self._feature_routes = 0
        self._runner: web.AppRunner | None = None
        self.app.router.add_get("/healthz", self._healthz)

    def add_route(self, method: str, path: str, handler: RouteHandler) -> None:
        self.app.router.add_route(method, path, handler)
        self._feature_routes += 1

    def add_health_check(self, name: str, check: HealthCheck) -> None:
        self._checks[name] = check

    @property
    def running(self) -> bool:
        return self._runner is not None

    def url(self, path: str = "/") -> str:
        """Where this server answers ``path`` (the port the OS picked when configured as 0)."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://{host}:{self.port}{path}"

    @property
    def needed(self) -> bool:
        return self._feature_routes > 0

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        # Port 0 means "any free port" (tests); report the one the OS picked.
        server = getattr(site, "_server", None)
        if server is not None and server.sockets:
            self.port = server.sockets[0].getsockname()[1]
        log.info("http server listening on %s:%d", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, request: web.Request) -> web.Response:
        report: dict[str, Any] = {}
        healthy = True
        for name, check in self._checks.items():
            try:
                result = await check()
            except Exception as exc:  # a failing check is a finding, not a crash
                result = {"ok": False, "error": str(exc)}
            report[name] = result
            healthy = healthy and bool(result.get("ok", True))
        return web.json_response({"ok": healthy, "checks": report}, status=200 if healthy else 503)
