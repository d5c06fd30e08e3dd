"""Webhook deliveries that can never be processed: refused before storing, parked, never blocking start."""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlmodel import select

from bot.app import App
from bot.github.models import WebhookDelivery
from bot.github.webhooks import MAX_ATTEMPTS, PATH, WEBHOOK_GUARD, WebhookReceiver, parked_deliveries
from bot.http_server import guarded
from bot.ops_cli import cmd_status
from tests.fixtures.console import config_text
from tests.fixtures.github import GitHubHarness, github_config

SECRET = "hook-secret"
ITEM = {"repository": {"full_name": "acme/widgets"}, "issue": {"number": 7}}


def signed_headers(body: bytes, delivery: str) -> dict[str, str]:
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return {"X-GitHub-Event": "issues", "X-GitHub-Delivery": delivery, "X-Hub-Signature-256": signature}


def server(receiver: WebhookReceiver) -> TestServer:
    app = web.Application()
    app.router.add_post(PATH, guarded(receiver.handle, WEBHOOK_GUARD))
    return TestServer(app)


async def test_signed_bodies_that_are_not_objects_are_refused_and_never_stored(github: GitHubHarness) -> None:
    seen: list[str] = []

    async def record(event: str, payload: dict[str, Any], delivery: str) -> None:
        seen.append(delivery)

    receiver = WebhookReceiver(SECRET, github.db, github.clock, record)
    deep = b"[" * 5000 + b"]" * 5000
    deep_object = b'{"a":' * 5000 + b"1" + b"}" * 5000
    bodies = [b"[]", b"null", b'"x"', b"1", b"{bad", b"\xff\xfe", deep, deep_object]
    async with TestClient(server(receiver)) as client:
        for number, body in enumerate(bodies):
            resp = await client.post(PATH, data=body, headers=signed_headers(body, f"bad-{number}"))
            assert resp.status == 400, body[:20]
            assert "error" in await resp.json()
        await receiver.drain()
    assert seen == []
    with github.db.session() as s:
        assert s.exec(select(WebhookDelivery)).all() == []
    assert await receiver.replay_pending() == 0


async def test_a_stored_body_that_cannot_be_read_is_parked_and_start_up_goes_on(
    github: GitHubHarness,
) -> None:
    # Rows an older version stored without checking: start-up parks them instead of failing.
    seen: list[str] = []

    async def record(event: str, payload: dict[str, Any], delivery: str) -> None:
        seen.append(delivery)

    receiver = WebhookReceiver(SECRET, github.db, github.clock, record)
    for delivery, body in (("list", "[]"), ("null", "null"), ("deep", "[" * 5000 + "]" * 5000)):
        assert await github.db.run(receiver._record, delivery, "issues", body)
    assert await github.db.run(receiver._record, "fine", "issues", json.dumps(ITEM))
    assert await receiver.replay_pending() == 1
    await receiver.drain()
    assert seen == ["fine"]
    report = github.db.call(parked_deliveries)
    assert report["parked"] == 3
    reasons = {row["delivery"]: row["reason"] for row in report["latest"]}
    assert reasons == {
        "list": "body is an array, not a JSON object",
        "null": "body is null, not a JSON object",
        "deep": "body is nested too deeply",
    }
    # The next start does not look at them again.
    again = WebhookReceiver(SECRET, github.db, github.clock, record)
    assert await again.replay_pending() == 0


async def test_a_delivery_failing_every_time_is_retried_a_few_times_then_parked(
    github: GitHubHarness,
) -> None:
    attempts: list[str] = []

    async def explode(event: str, payload: dict[str, Any], delivery: str) -> None:
        attempts.append(delivery)
        raise RecursionError("maximum recursion depth exceeded")

    receiver = WebhookReceiver(SECRET, github.db, github.clock, explode)
    body = json.dumps(ITEM).encode()
    async with TestClient(server(receiver)) as client:
        resp = await client.post(PATH, data=body, headers=signed_headers(body, "boom"))
        assert resp.status == 200  # accepted: GitHub must not retry what the bot stored
        await receiver.drain()
    for _restart in range(MAX_ATTEMPTS + 2):
        github.clock.advance(minutes=1)
        await WebhookReceiver(SECRET, github.db, github.clock, explode).replay_pending()
    assert attempts == ["boom"] * MAX_ATTEMPTS
    with github.db.session() as s:
        row = s.get(WebhookDelivery, "boom")
        assert row is not None and row.parked_at is not None and row.processed_at is None
        assert row.attempts == MAX_ATTEMPTS
        assert row.error == "RecursionError: maximum recursion depth exceeded"
        assert row.body == body.decode()  # kept for a maintainer to look at
    report = github.db.call(parked_deliveries)
    assert report == {
        "parked": 1,
        "latest": [
            {
                "delivery": "boom",
                "event": "issues",
                "attempts": MAX_ATTEMPTS,
                "reason": "RecursionError: maximum recursion depth exceeded",
            }
        ],
    }


async def test_unsigned_requests_are_refused_before_their_body_is_read(github: GitHubHarness) -> None:
    async def record(event: str, payload: dict[str, Any], delivery: str) -> None:
        raise AssertionError("nothing unsigned is processed")

    receiver = WebhookReceiver(SECRET, github.db, github.clock, record)
    async with TestClient(server(receiver)) as client:
        headers = {"X-GitHub-Event": "issues", "X-GitHub-Delivery": "d"}
        resp = await client.post(PATH, data=b"{}", headers=headers)
        assert resp.status == 401
        assert (await resp.json()) == {"error": "missing X-Hub-Signature-256"}
        too_big = b" " * (WEBHOOK_GUARD.max_body + 1)
        resp = await client.post(PATH, data=too_big, headers=signed_headers(too_big, "big"))
        assert resp.status == 413


async def test_parked_deliveries_show_in_steward_status(
    github: GitHubHarness, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    receiver = WebhookReceiver(SECRET, github.db, github.clock, lambda *_: asyncio.sleep(0))
    assert await github.db.run(receiver._record, "old-list", "issues", "[]")
    await receiver.replay_pending()
    config = tmp_path / "steward.yaml"
    config.write_text(config_text(github.db.url), encoding="utf-8")
    assert cmd_status(argparse.Namespace(config=str(config), demo=False, json=False)) == 0
    shown = capsys.readouterr().out
    assert "webhooks   1 delivery parked, no longer retried:" in shown
    assert "  old-list (issues, 1 attempt): body is an array, not a JSON object" in shown


async def test_the_app_starts_with_an_unreadable_delivery_left_from_before(
    github: GitHubHarness, tmp_path: Path
) -> None:
    # What an older version stored before checking: every restart used to fail on it.
    receiver = WebhookReceiver(SECRET, github.db, github.clock, lambda *_: asyncio.sleep(0))
    assert await github.db.run(receiver._record, "old-null", "issues", "null")
    extra = "http:\n  enabled: true\n  port: 0\n"
    config = github_config(github.fake, github.db.url, tmp_path, ["acme/widgets"], extra)
    assert config.github is not None
    config.github.webhook_secret = SECRET
    app = App(config, clock=github.clock)
    await app.start()
    try:
        assert app.services.github.webhooks is not None
    finally:
        await app.stop()
    with github.db.session() as s:
        row = s.get(WebhookDelivery, "old-null")
        assert row is not None and row.parked_at is not None
        assert row.error == "body is null, not a JSON object"
