"""/healthz says `degraded` for what the bot can work without; /metrics can be kept private."""

from __future__ import annotations

import asyncio
import math
import re
import select
import socket
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.app import App
from bot.core.clock import FakeClock
from bot.http_server import HttpServer, RouteGuard, request_body
from tests.fakes.github import FakeGitHub
from tests.fixtures.console import console_app
from tests.fixtures.github import github_config


async def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers or {}) as resp:
        body = await resp.json() if resp.content_type == "application/json" else await resp.text()
        return resp.status, body


async def test_healthz_is_degraded_for_inessential_checks_and_failing_for_essential_ones() -> None:
    server = HttpServer("127.0.0.1", 0)
    state = {"chat": True, "github": True}

    async def chat() -> dict[str, Any]:
        return {"ok": state["chat"]}

    async def github() -> dict[str, Any]:
        return {"ok": state["github"], "reason": None if state["github"] else "paused until 10:00"}

    server.add_health_check("slack", chat)
    server.add_health_check("github", github, essential=False)
    await server.start()
    url = f"http://127.0.0.1:{server.port}/healthz"
    try:
        status, body = await get(url)
        assert (status, body["status"], body["ok"]) == (200, "ok", True)
        state["github"] = False
        status, body = await get(url)
        assert (status, body["status"], body["ok"]) == (200, "degraded", True)
        assert body["degraded"] == {"github": "paused until 10:00"}
        state["chat"] = False
        status, body = await get(url)
        assert (status, body["status"], body["ok"]) == (503, "failing", False)
        assert body["failing"] == {"slack": "failing"}
    finally:
        await server.stop()


async def test_github_refusing_the_credentials_degrades_but_does_not_fail_healthz(
    fake_github: FakeGitHub, tmp_path: Path, database_url: str
) -> None:
    fake_github.state.add_repo("acme/widgets")
    fake_github.token = "a-different-token"  # the configured one is refused with 401
    extra = "http:\n  enabled: true\n  port: 0\n"
    app = App(github_config(fake_github, database_url, tmp_path, ["acme/widgets"], extra), clock=FakeClock())
    await app.start()
    try:
        await app.services.github.first_sync_done()
        status, body = await get(f"http://127.0.0.1:{app.http.port}/healthz")
    finally:
        await app.stop()
    assert status == 200
    assert body["status"] == "degraded"
    assert "GitHub refused the credentials" in body["degraded"]["github"]


async def test_rate_remaining_is_nan_without_github(database_url: str, tmp_path: Path) -> None:
    async with console_app(database_url, tmp_path, "http:\n  enabled: true\n  port: 0\n") as app:
        status, text = await get(f"http://127.0.0.1:{app.http.port}/metrics")
    assert status == 200
    found = re.search(r"^steward_github_rate_remaining (\S+)$", text, re.MULTILINE)
    assert found is not None and math.isnan(float(found.group(1)))  # unknown, not "0 left"


async def test_metrics_require_the_configured_bearer_token(database_url: str, tmp_path: Path) -> None:
    http = "http:\n  enabled: true\n  port: 0\n  metrics_token: m3trics\n"
    async with console_app(database_url, tmp_path, http) as app:
        url = f"http://127.0.0.1:{app.http.port}/metrics"
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic m3trics"}):
            status, _ = await get(url, headers)
            assert status == 401, headers
        status, _ = await get(url, {"Authorization": "Bearer \u00e9"})  # non-ASCII: refused, not a 500
        assert status == 401
        status, text = await get(url, {"Authorization": "Bearer m3trics"})
        assert status == 200 and "steward_scheduler_leader" in text
        status, _ = await get(f"http://127.0.0.1:{app.http.port}/healthz")
        assert status == 200  # the load balancer's probe needs no token


async def test_metrics_can_live_on_their_own_address(database_url: str, tmp_path: Path) -> None:
    http = "http:\n  enabled: true\n  port: 0\n  metrics_port: 0\n  metrics_host: 127.0.0.1\n"
    async with console_app(database_url, tmp_path, http) as app:
        assert app.metrics_port is not None and app.metrics_port != app.http.port
        status, _ = await get(f"http://127.0.0.1:{app.http.port}/metrics")
        assert status == 404  # not on the public address
        status, text = await get(f"http://127.0.0.1:{app.metrics_port}/metrics")
        assert status == 200 and "steward_commands" in text


async def test_connections_that_stall_are_closed() -> None:
    server = HttpServer("127.0.0.1", 0, header_timeout=0.5, body_timeout=0.5)

    async def echo(request: web.Request) -> web.Response:
        return web.Response(body=await request_body(request))

    server.add_route("POST", "/in", echo, RouteGuard(1024, ("X-Signature",)))
    await server.start()
    try:
        # Half a request line and header, then nothing: closed without an answer.
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"POST /in HTTP/1.1\r\nHost: x\r\n")
        await writer.drain()
        assert await asyncio.wait_for(reader.read(), 30) == b""
        writer.close()
        # Headers complete, body promised but never sent: 408, then closed.
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"POST /in HTTP/1.1\r\nHost: x\r\nX-Signature: s\r\nContent-Length: 100\r\n\r\nabc")
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), 30)
        assert answer.startswith(b"HTTP/1.1 408 ")
        writer.close()
        # A prompt request is served.
        status, text = await post(f"http://127.0.0.1:{server.port}/in", b"hello", {"X-Signature": "s"})
        assert (status, text) == (200, "hello")
    finally:
        await server.stop()


async def post(url: str, data: bytes, headers: dict[str, str]) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.post(url, data=data, headers=headers) as resp:
        return resp.status, await resp.text()


def _listen_queue_cap() -> int:
    return int(Path("/proc/sys/net/core/somaxconn").read_text())


async def test_a_burst_of_connections_is_held_while_the_loop_is_busy() -> None:
    """A burst arriving while the loop is busy waits in the kernel's queue: none of it is dropped
    (a dropped connection attempt is retried by the client only after a second)."""
    burst = 300
    if _listen_queue_cap() < burst:
        pytest.skip("the kernel caps listen queues below the burst")
    server = HttpServer("127.0.0.1", 0)
    await server.start()
    sockets: list[socket.socket] = []
    try:
        # Nothing below yields to the loop, so nothing is accepted: every connection waits in the queue.
        for _ in range(burst):
            sock = socket.socket()
            sock.setblocking(False)
            sock.connect_ex(("127.0.0.1", server.port))
            sockets.append(sock)
        _, writable, _ = select.select([], sockets, [], 0.5)
        assert len(writable) == burst, f"{burst - len(writable)} connection attempts were dropped"
    finally:
        for sock in sockets:
            sock.close()
        await server.stop()
