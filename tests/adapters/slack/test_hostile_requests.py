"""`/slack/events` under hostile input: the signature is checked on the raw bytes first (401),
then the body must parse (400); no request makes the server fail (5xx) or reach a handler."""

from __future__ import annotations

import hashlib
import hmac
import time
from pathlib import Path

import aiohttp

from bot.adapters.slack.signing import MAX_BODY
from tests.fakes.slack.sender import sign
from tests.fixtures.chat_slack import SIGNING_SECRET, slack_chat

FORM = "application/x-www-form-urlencoded"
BAD_BODIES = [
    ("{bad", "application/json"),
    ("[1]", "application/json"),
    ("null", "application/json"),
    ("[" * 5000 + "]" * 5000, "application/json"),
    ("payload=%7Bnot", FORM),
    ("payload=%5B1%5D", FORM),
    ("payload=" + "%5B" * 5000, FORM),
]


def signed_headers(data: bytes, content_type: str) -> dict[str, str]:
    """Slack's headers for raw bytes (the sender fake signs text; these bodies are not all text)."""
    timestamp = str(int(time.time()))
    base = b"v0:" + timestamp.encode() + b":" + data
    signature = "v0=" + hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature,
    }


async def test_unsigned_garbage_is_401_before_anything_is_parsed(database_url: str, tmp_path: Path) -> None:
    async with slack_chat(database_url, tmp_path) as chat, aiohttp.ClientSession() as http:
        now = str(int(time.time()))
        cases: list[tuple[bytes, dict[str, str]]] = []
        for body, content_type in BAD_BODIES:
            data = body.encode()
            cases.append((data, {"Content-Type": content_type}))  # no signature headers at all
            cases.append(
                (
                    data,
                    {
                        "Content-Type": content_type,
                        "X-Slack-Request-Timestamp": now,
                        "X-Slack-Signature": "v0=00",
                    },
                )
            )
        cases.append((b"\xff\xfe\x00garbage", {"Content-Type": FORM}))
        for timestamp in ("abc", "", "1e9", "-5", "99999999999999999999", "١٢٣"):
            headers = {"Content-Type": FORM, "X-Slack-Request-Timestamp": timestamp}
            headers["X-Slack-Signature"] = sign(SIGNING_SECRET, timestamp, "command=%2Fsteward")
            cases.append((b"command=%2Fsteward", headers))
        for data, headers in cases:
            async with http.post(chat.sender.url, data=data, headers=headers) as resp:
                assert resp.status == 401, (data[:20], headers)
        await chat.adapter.drain()
        assert chat.fake.recorded == []


async def test_signed_bodies_that_do_not_parse_are_400(database_url: str, tmp_path: Path) -> None:
    async with slack_chat(database_url, tmp_path) as chat, aiohttp.ClientSession() as http:
        signed = [(body.encode(), content_type) for body, content_type in BAD_BODIES]
        signed.append((b"\xff\xfe\x00garbage", FORM))
        for data, content_type in signed:
            headers = signed_headers(data, content_type)
            async with http.post(chat.sender.url, data=data, headers=headers) as resp:
                assert resp.status == 400, data[:20]
        await chat.adapter.drain()
        assert chat.fake.recorded == []
        # A genuine command still works afterwards.
        [me] = await chat.command("alice", "/steward me")
        assert "alice" in me.text


async def test_bodies_over_the_slack_limit_are_refused_unread(database_url: str, tmp_path: Path) -> None:
    async with slack_chat(database_url, tmp_path) as chat:
        body = "command=%2Fsteward&text=" + "x" * MAX_BODY
        resp = await chat.sender.post(body, FORM)  # correctly signed, but no Slack payload is this big
        assert resp.status == 413
