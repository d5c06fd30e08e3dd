"""The one aiohttp server: Slack HTTP mode, GitHub webhooks, calendar feeds, /healthz (and /metrics).

The server faces the internet, so memory and time are bounded before anyone is authenticated: each
route that takes a body declares a `RouteGuard` (the headers a genuine sender always includes, and
the largest body it sends); requests without those headers are refused before their body is read,
bodies are read up to the route's limit within a deadline, and connections that do not finish
sending their headers in time are closed.
"""

from __future__ import annotations

import asyncio
import errno
import hmac
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)
HealthCheck = Callable[[], Awaitable[dict[str, Any]]]
RouteHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# A connection must deliver its request line and headers within this many seconds of opening (or of
# its previous response): aiohttp's keep-alive timer closes idle and half-sent connections alike.
HEADER_TIMEOUT = 15.0
# A guarded route's body must arrive within this many seconds of its headers.
BODY_TIMEOUT = 30.0
# The largest body any route accepts (GitHub's webhook limit); guards lower it per route.
MAX_BODY = 25 * 1024 * 1024
_BODY_KEY = web.RequestKey("steward.body", bytes)
# Connections the kernel holds while the loop is busy. aiohttp's 128 overflowed under a burst (Slack
# retries, a webhook storm, a page linked in chat), and each dropped SYN costs the client a 1-second
# retransmit. The kernel caps it at net.core.somaxconn.
LISTEN_BACKLOG = 1024


@dataclass(frozen=True)
class RouteGuard:
    """What a route checks before reading a body: headers that must be present, and a size limit."""

    max_body: int
    required_headers: tuple[str, ...] = ()


def bearer_matches(header: str | None, token: str) -> bool:
    """Whether an ``Authorization`` header carries ``Bearer <token>`` (constant time, any bytes)."""
    scheme, _, given = (header or "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode("utf-8", "surrogateescape"), token.encode())


async def request_body(request: web.Request) -> bytes:
    """The body a guarded route already read (bounded); unguarded routes read it here."""
    body = request.get(_BODY_KEY)
    if isinstance(body, bytes):
        return body
    return await request.read()


async def _read_bounded(request: web.Request, limit: int, seconds: float) -> bytes:
    """Read at most ``limit`` bytes of the body within ``seconds``, or answer 413/408."""
    declared = request.content_length
    if declared is not None and declared > limit:
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=declared)
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(seconds):
            async for chunk in request.content.iter_chunked(64 * 1024):
                size += len(chunk)
                if size > limit:  # chunked transfer or a lying Content-Length
                    raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=size)
                chunks.append(chunk)
    except TimeoutError:
        raise web.HTTPRequestTimeout() from None
    return b"".join(chunks)


def guarded(handler: RouteHandler, guard: RouteGuard, body_timeout: float = BODY_TIMEOUT) -> RouteHandler:
    """``handler`` behind ``guard``: 401 without the headers, 413 too large, 408 too slow."""

    async def run(request: web.Request) -> web.StreamResponse:
        missing = [name for name in guard.required_headers if not request.headers.get(name)]
        if missing:
            # Closing the connection drops whatever body is still on its way, unread.
            return web.json_response(
                {"error": "missing " + ", ".join(missing)}, status=401, headers={"Connection": "close"}
            )
        try:
            request[_BODY_KEY] = await _read_bounded(request, guard.max_body, body_timeout)
        except (web.HTTPRequestEntityTooLarge, web.HTTPRequestTimeout) as exc:
            return web.json_response(
                {"error": exc.reason}, status=exc.status, headers={"Connection": "close"}
            )
        return await handler(request)

    return run


class PortInUse(OSError):
    """The configured ``http.port`` is held by another process: a config problem, said in one line."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__(
            errno.EADDRINUSE,
            f"http.port: port {port} on {host} is already in use by another process; "
            "set http.port to a free port, or 0 to take any free one",
        )
        self.host = host
        self.port = port

    def __str__(self) -> str:
        return str(self.strerror)


class HttpServer:
    """Features add routes before start; it only listens when something needs it (or config says so)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 8080,
        *,
        header_timeout: float = HEADER_TIMEOUT,
        body_timeout: float = BODY_TIMEOUT,
    ) -> None:
        self.host = host
        self.port = port
        self.header_timeout = header_timeout
        self.body_timeout = body_timeout
        self.app = web.Application(client_max_size=MAX_BODY)
        self._checks: dict[str, tuple[HealthCheck, bool]] = {}
        self._feature_routes = 0
        self._runners: list[web.AppRunner] = []
        self.app.router.add_get("/healthz", self._healthz)

    def add_route(
        self, method: str, path: str, handler: RouteHandler, guard: RouteGuard | None = None
    ) -> None:
        """Serve ``handler``; routes taking a body from the internet should pass a ``guard``."""
        self.app.router.add_route(
            method, path, guarded(handler, guard, self.body_timeout) if guard else handler
        )
        self._feature_routes += 1

    def add_health_check(self, name: str, check: HealthCheck, *, essential: bool = True) -> None:
        """Report ``check`` on /healthz; a failing essential check means this instance cannot serve
        chat (503), a failing inessential one (a dependency the bot works without) is `degraded`."""
        self._checks[name] = (check, essential)

    @property
    def needed(self) -> bool:
        return self._feature_routes > 0

    async def start(self) -> None:
        self.port = await self._listen(self.app, self.host, self.port)
        log.info("http server listening on %s:%d", self.host, self.port)

    async def serve_separately(self, app: web.Application, host: str, port: int) -> int:
        """Serve another application on its own address (e.g. /metrics kept off the public one);
        returns the port it listens on. Stopped with the server."""
        return await self._listen(app, host, port)

    async def _listen(self, app: web.Application, host: str, port: int) -> int:
        runner = web.AppRunner(app, access_log=None, keepalive_timeout=self.header_timeout)
        await runner.setup()
        site = web.TCPSite(runner, host, port, backlog=LISTEN_BACKLOG)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            if exc.errno == errno.EADDRINUSE:
                raise PortInUse(host, port) from None
            raise
        self._runners.append(runner)
        # Port 0 means "any free port" (tests); report the one the OS picked.
        server = getattr(site, "_server", None)
        if server is not None and server.sockets:
            port = server.sockets[0].getsockname()[1]
        return port

    @property
    def listening(self) -> bool:
        """Whether the server was started (and not stopped)."""
        return bool(self._runners)

    def url(self, path: str = "") -> str:
        """Where this server answers ``path`` (the port the OS picked when configured as 0; a wildcard
        host is shown as the loopback address)."""
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else "[::1]" if self.host == "::" else self.host
        return f"http://{host}:{self.port}{path}"

    async def stop(self) -> None:
        while self._runners:
            await self._runners.pop().cleanup()

    async def _healthz(self, request: web.Request) -> web.Response:
        report: dict[str, Any] = {}
        failing: dict[str, str] = {}
        degraded: dict[str, str] = {}
        for name, (check, essential) in self._checks.items():
            try:
                result = await check()
            except Exception as exc:  # a failing check is a finding, not a crash
                result = {"ok": False, "error": str(exc)}
            report[name] = result
            if not result.get("ok", True):
                reason = str(result.get("reason") or result.get("error") or "failing")
                (failing if essential else degraded)[name] = reason
        status = "failing" if failing else "degraded" if degraded else "ok"
        body = {"ok": not failing, "status": status, "checks": report}
        if failing:
            body["failing"] = failing
        if degraded:
            body["degraded"] = degraded
        return web.json_response(body, status=503 if failing else 200)
