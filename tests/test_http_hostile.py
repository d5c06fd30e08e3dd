"""Every hostile HTTP input at a running server (real aiohttp on a free port): never a 5xx, and
unauthenticated requests cannot make the process buffer their bodies."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
import tracemalloc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp

from bot.http_server import MAX_BODY
from tests.fakes.github import FakeGitHub
from tests.fixtures.chat_slack import SIGNING_SECRET, SlackDriver, slack_chat
from tests.fixtures.github import FAKE_TOKEN

HOOK_SECRET = "hook-secret"
FORM = "application/x-www-form-urlencoded"
TEN_MB = b"x" * (10 * 1024 * 1024)


def extra(fake: FakeGitHub) -> str:
    return (
        f"github:\n  repos: [acme/widgets]\n  token: {FAKE_TOKEN}\n  api_url: {fake.base_url}\n"
        f"  webhook_secret: {HOOK_SECRET}\n"
        "oncall:\n  rotations:\n    - name: core\n      members: [alice, bob]\n"
        '      shift_length: 1w\n      handoff_time: "09:00"\n'
    )


@asynccontextmanager
async def bot(fake: FakeGitHub, database_url: str, tmp_path: Path) -> AsyncIterator[SlackDriver]:
    fake.state.add_repo("acme/widgets")
    async with slack_chat(database_url, tmp_path, extra_yaml=extra(fake)) as chat:
        yield chat


def slack_signed(data: bytes, content_type: str = FORM) -> dict[str, str]:
    timestamp = str(int(time.time()))
    mac = hmac.new(SIGNING_SECRET.encode(), b"v0:" + timestamp.encode() + b":" + data, hashlib.sha256)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": "v0=" + mac.hexdigest(),
    }


def hook_signed(data: bytes, delivery: str, event: str = "issues") -> dict[str, str]:
    mac = hmac.new(HOOK_SECRET.encode(), data, hashlib.sha256)
    return {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery,
        "X-Hub-Signature-256": "sha256=" + mac.hexdigest(),
    }


def hostile_requests() -> list[tuple[str, str, bytes, dict[str, str]]]:
    """(method, path, body, headers) for everything the issue found, and a few more."""
    deep = b"[" * 5000 + b"]" * 5000
    cases: list[tuple[str, str, bytes, dict[str, str]]] = []
    for body in (b"{bad", b"[1]", b"payload=%7Bnot", b"\xff\xfe\x80", deep):
        cases.append(("POST", "/slack/events", body, {"Content-Type": FORM}))
        cases.append(("POST", "/slack/events", body, slack_signed(body)))
        cases.append(("POST", "/slack/events", body, slack_signed(body, "application/json")))
    stamp = {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=abc", "Content-Type": FORM}
    cases.append(("POST", "/slack/events", b"command=%2Fsteward", stamp))
    cases.append(("POST", "/slack/events", b"x" * (2 * 1024 * 1024), slack_signed(b"x" * (2 * 1024 * 1024))))
    for number, body in enumerate((b"[]", b"null", b'"x"', b"1", b"{bad", b"\xff", deep, b'{"a":' * 5000)):
        cases.append(("POST", "/github/webhook", body, hook_signed(body, f"hostile-{number}")))
        cases.append(("POST", "/github/webhook", body, {"X-GitHub-Event": "issues"}))
        cases.append(("POST", "/github/webhook", body, {"X-Hub-Signature-256": "sha256=\u00e9"}))
    cases.append(("POST", "/github/webhook", b"{}", {"X-Hub-Signature-256": "sha256=00"}))
    too_big = b" " * (MAX_BODY + 1)
    cases.append(("POST", "/github/webhook", too_big, hook_signed(too_big, "too-big")))
    for query in ("", "?token=", "?token=%C3%A9", "?token=%FF", "?token=%00", "?token=a&token=b"):
        cases.append(("GET", f"/oncall/core.ics{query}", b"", {}))
        cases.append(("GET", f"/oncall/%FF.ics{query}", b"", {}))
    cases.append(("GET", "/metrics", b"", {"Authorization": "Bearer \u00e9"}))
    cases.append(("GET", "/healthz", b"", {}))
    cases.append(("POST", "/healthz", b"{}", {}))
    cases.append(("DELETE", "/slack/events", b"", {}))
    cases.append(("GET", "/../../etc/passwd", b"", {}))
    return cases


RAW = [
    b"GARBAGE\r\n\r\n",
    b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    b"POST /github/webhook HTTP/1.1\r\nHost: x\r\nX-Hub-Signature-256: sha256=0\r\n"
    b"Transfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 70000 + b"\r\n\r\n",
    b"GET /oncall/core.ics?token=\xff\xfe HTTP/1.1\r\nHost: \xff\r\n\r\n",
]


async def raw_status(port: int, data: bytes) -> int | None:
    """Send bytes that no HTTP client library would; the status line's code, or None if closed."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(data)
        await writer.drain()
        line = await reader.readline()
    except ConnectionError:
        return None
    finally:
        writer.close()
    return int(line.split()[1]) if line.startswith(b"HTTP/") else None


async def test_no_hostile_request_gets_a_server_error(
    fake_github: FakeGitHub, database_url: str, tmp_path: Path
) -> None:
    async with bot(fake_github, database_url, tmp_path) as chat, aiohttp.ClientSession() as http:
        base = f"http://127.0.0.1:{chat.app.http.port}"
        for method, path, body, headers in hostile_requests():
            async with http.request(method, base + path, data=body, headers=headers) as resp:
                assert resp.status < 500, (method, path, body[:30], headers, resp.status)
                assert resp.status != 200 or path in ("/healthz", "/metrics"), (path, body[:30])
        for data in RAW:
            status = await raw_status(chat.app.http.port, data)
            assert status is None or 400 <= status < 500, (data[:40], status)
        # Nothing hostile was stored, and the bot still serves genuine requests.
        [me] = await chat.command("alice", "/steward me")
        assert "alice" in me.text
        github = chat.app.services.github
        assert github.webhooks is not None
        assert await github.webhooks.replay_pending() == 0


async def stream_post(port: int, path: str) -> int | None:
    """POST 10 MB without signature headers, streamed in small writes (so the client itself buffers
    nothing and the measured memory is the server's); the answer's status, None if cut off."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {FORM}\r\nContent-Length: {len(TEN_MB)}\r\n\r\n"
    view = memoryview(TEN_MB)
    try:
        writer.write(head.encode())
        for offset in range(0, len(view), 64 * 1024):
            writer.write(view[offset : offset + 64 * 1024])
            await writer.drain()
        line = await reader.readline()
    except ConnectionError:
        return None  # refused and closed while the client was still sending: fine
    finally:
        writer.close()
    return int(line.split()[1]) if line.startswith(b"HTTP/") else None


async def test_concurrent_unsigned_large_posts_are_not_buffered(
    fake_github: FakeGitHub, database_url: str, tmp_path: Path
) -> None:
    async with bot(fake_github, database_url, tmp_path) as chat:
        port = chat.app.http.port
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            before = tracemalloc.get_traced_memory()[0]
            paths = ["/slack/events", "/github/webhook"] * 10
            statuses = await asyncio.gather(*(stream_post(port, path) for path in paths))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert all(status in (401, None) for status in statuses), statuses
        # 20 bodies of 10 MB are 200 MB when buffered; refused unread, the growth stays small.
        assert peak - before < 40 * 1024 * 1024, f"grew by {(peak - before) / 2**20:.0f} MB"
