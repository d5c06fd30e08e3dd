"""Webhooks: the verbatim octokit payloads through signature check, de-duplication and translation."""

from __future__ import annotations

import asyncio
import copy
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlmodel import select

from bot.core.github_events import (
    IssueClosed,
    IssueCommented,
    IssueLabeled,
    IssueOpened,
    PullRequestMerged,
    PullRequestOpened,
)
from bot.db.models import TrackedIssue
from bot.github.models import WebhookDelivery
from bot.github.translate import WebhookTranslator
from bot.github.webhooks import PATH, WebhookReceiver, ordering_key, signature_valid
from tests.fixtures.github import GitHubHarness, github_config

SECRET = "It's a Secret to Everybody"


def test_signature_matches_githubs_documented_vector() -> None:
    header = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert signature_valid(SECRET, b"Hello, World!", header)
    assert not signature_valid(SECRET, b"Hello, World?", header)
    assert not signature_valid(SECRET, b"Hello, World!", None)
    assert not signature_valid(SECRET, b"Hello, World!", "sha1=" + header[7:])


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass
class Hook:
    client: TestClient[Any, Any]
    receiver: WebhookReceiver
    harness: GitHubHarness

    async def post(
        self, event: str, payload: dict[str, Any] | bytes, delivery: str, signature: str | None = "valid"
    ) -> Any:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        headers = {"X-GitHub-Event": event, "X-GitHub-Delivery": delivery, "Content-Type": "application/json"}
        if signature == "valid":
            headers["X-Hub-Signature-256"] = sign(body)
        elif signature is not None:
            headers["X-Hub-Signature-256"] = signature
        resp = await self.client.post(PATH, data=body, headers=headers)
        await self.receiver.drain()
        return resp


@pytest.fixture
async def hook(github: GitHubHarness, tmp_path: Path) -> AsyncIterator[Hook]:
    github.config = github_config(
        github.fake, github.db.url, tmp_path, ["acme/widgets", "Codertocat/Hello-World"]
    )
    translator = WebhookTranslator(github.service.applier, github.service.identity, lambda: github.config)
    receiver = WebhookReceiver(SECRET, github.db, github.clock, translator)
    app = web.Application()
    app.router.add_post(PATH, receiver.handle)
    async with TestClient(TestServer(app)) as client:
        yield Hook(client, receiver, github)


def load(shared_fixtures: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((shared_fixtures / "github-webhooks" / f"{name}.json").read_text())
    return data


async def test_signatures_are_checked_before_anything_else(hook: Hook, shared_fixtures: Path) -> None:
    payload = load(shared_fixtures, "issues.opened")
    for signature in (
        None,
        "sha256=" + "0" * 64,
        sign(b"other body"),
        sign(json.dumps(payload).encode(), "wrong"),
    ):
        resp = await hook.post("issues", payload, "d-bad", signature=signature)
        assert resp.status == 401
    resp = await hook.post("issues", b"not json at all", "d-bad-2", signature=None)
    assert resp.status == 401
    with hook.harness.db.session() as s:
        assert s.exec(select(WebhookDelivery)).all() == []
    assert hook.harness.events.events == []


async def test_issue_lifecycle_and_redelivery(hook: Hook, shared_fixtures: Path) -> None:
    opened = load(shared_fixtures, "issues.opened")
    resp = await hook.post("issues", opened, "d-1")
    assert resp.status == 200
    events = hook.harness.events.of(IssueOpened)
    assert len(events) == 1 and events[0].delivery == "d-1"  # type: ignore[attr-defined]
    assert events[0].repo == "Codertocat/Hello-World" and events[0].actor_login == "Codertocat"  # type: ignore[attr-defined]

    again = await hook.post("issues", opened, "d-1")
    assert again.status == 200 and (await again.json())["duplicate"] is True
    assert len(hook.harness.events.of(IssueOpened)) == 1

    labeled = load(shared_fixtures, "issues.labeled")
    await hook.post("issues", labeled, "d-2")
    # The opened example already carries the label (same updated_at): the labeled delivery is a no-op.
    assert hook.harness.events.of(IssueLabeled) == []
    with hook.harness.db.session() as s:
        row = s.get(WebhookDelivery, "d-2")
        assert row is not None and row.processed_at is not None and row.body is None


async def test_comment_carries_who_commented(hook: Hook, shared_fixtures: Path) -> None:
    payload = load(shared_fixtures, "issue_comment.created")
    await hook.post("issue_comment", payload, "d-c")
    [event] = hook.harness.events.of(IssueCommented)
    comment = payload["comment"]
    assert event.comment_id == comment["id"]  # type: ignore[attr-defined]
    assert event.commenter_is_author is (comment["user"]["login"] == payload["issue"]["user"]["login"])  # type: ignore[attr-defined]
    assert event.actor_is_maintainer is (comment["author_association"] in ("OWNER", "MEMBER", "COLLABORATOR"))
    assert event.body_excerpt == comment["body"][:280]  # type: ignore[attr-defined]
    with hook.harness.db.session() as s:
        issue = s.exec(select(TrackedIssue).where(TrackedIssue.number == payload["issue"]["number"])).one()
        assert issue.comments == payload["issue"]["comments"]


async def test_pull_requests_open_close_and_merge(hook: Hook, shared_fixtures: Path) -> None:
    opened = load(shared_fixtures, "pull_request.opened")
    await hook.post("pull_request", opened, "d-p1")
    [pr_opened] = hook.harness.events.of(PullRequestOpened)
    assert pr_opened.author_login == opened["pull_request"]["user"]["login"]  # type: ignore[attr-defined]

    closed = load(shared_fixtures, "pull_request.closed")  # verbatim: closed WITHOUT merging
    await hook.post("pull_request", closed, "d-p2")
    assert len(hook.harness.events.of(IssueClosed)) == 1 and not hook.harness.events.of(PullRequestMerged)

    # Synthetic (octokit has no merged example): the closed payload, reopened-then-merged later.
    merged = copy.deepcopy(closed)
    pr = merged["pull_request"]
    pr.update(merged=True, merged_at="2019-05-15T16:00:00Z", updated_at="2019-05-15T16:00:00Z")
    pr["merge_commit_sha"] = "c4295bd74fb0f4fda03689c3df3f2803b658fd85"
    reopen = copy.deepcopy(closed)
    reopen["pull_request"].update(state="open", closed_at=None, updated_at="2019-05-15T15:30:00Z")
    await hook.post("pull_request", reopen, "d-p3")
    await hook.post("pull_request", merged, "d-p4")
    [event] = hook.harness.events.of(PullRequestMerged)
    expect_first = pr["author_association"] not in ("CONTRIBUTOR", "COLLABORATOR", "MEMBER", "OWNER")
    assert event.first_contribution is expect_first  # type: ignore[attr-defined]
    contribution = await hook.harness.service.contribution(pr["user"]["login"])
    assert contribution.merged_prs == 1 and contribution.repos == ("Codertocat/Hello-World",)


async def test_other_events_are_accepted(hook: Hook, shared_fixtures: Path) -> None:
    for event, name in (
        ("ping", "ping"),
        ("member", "member.added"),
        ("installation", "installation.created"),
    ):
        resp = await hook.post(event, load(shared_fixtures, name), f"d-{name}")
        assert resp.status == 200
    assert hook.harness.events.events == []


async def test_webhook_first_then_poll_publishes_once(hook: Hook) -> None:
    state = hook.harness.fake.state
    item = state.add_issue("acme/widgets", title="Flaky test")
    await hook.harness.sync.sync("acme/widgets")
    item = state.update_issue("acme/widgets", item["number"], labels=["good first issue"])
    payload = {
        "action": "labeled",
        "issue": item,
        "label": {"name": "good first issue"},
        "repository": {"full_name": "acme/widgets"},
        "sender": {"login": "maria", "type": "User"},
    }
    await hook.post("issues", payload, "d-w1")
    await hook.harness.sync.poll("acme/widgets")
    [event] = hook.harness.events.of(IssueLabeled)
    assert event.delivery == "d-w1" and event.actor_login == "maria"  # type: ignore[attr-defined]


async def test_deliveries_about_one_item_are_processed_in_arrival_order(github: GitHubHarness) -> None:
    order: list[str] = []

    async def slow_first(event: str, payload: dict[str, Any], delivery: str) -> None:
        # The first delivery of each item takes longest: run concurrently, it would finish last.
        await asyncio.sleep(0.2 if delivery.endswith("-1") else 0)
        order.append(delivery)

    receiver = WebhookReceiver(SECRET, github.db, github.clock, slow_first)
    app = web.Application()
    app.router.add_post(PATH, receiver.handle)

    def payload(repo: str, number: int) -> dict[str, Any]:
        return {"repository": {"full_name": repo}, "issue": {"number": number}}

    async with TestClient(TestServer(app)) as client:
        for delivery, body in (
            ("a-1", payload("acme/widgets", 1)),
            ("b-1", payload("acme/widgets", 2)),
            ("a-2", payload("Acme/Widgets", 1)),  # same item, other spelling of the repo
            ("b-2", payload("acme/widgets", 2)),
        ):
            data = json.dumps(body).encode()
            headers = {"X-GitHub-Event": "issues", "X-GitHub-Delivery": delivery}
            headers["X-Hub-Signature-256"] = sign(data)
            assert (await client.post(PATH, data=data, headers=headers)).status == 200
        await receiver.drain()
    assert order.index("a-1") < order.index("a-2") and order.index("b-1") < order.index("b-2")
    assert ordering_key(payload("Acme/Widgets", 7)) == "acme/widgets#7"
    assert ordering_key({"repository": {"full_name": "acme/widgets"}}) == "acme/widgets"


async def test_deliveries_left_by_the_last_run_are_processed_before_new_ones(github: GitHubHarness) -> None:
    # The HTTP server is up before the GitHub layer has replayed what the last run stored but never
    # processed: a new delivery about the same issue must wait for the old one.
    order: list[str] = []

    async def record(event: str, payload: dict[str, Any], delivery: str) -> None:
        order.append(delivery)

    item = {"repository": {"full_name": "acme/widgets"}, "issue": {"number": 1}}
    last_run = WebhookReceiver(SECRET, github.db, github.clock, record)
    assert await github.db.run(last_run._record, "old-opened", "issues", json.dumps(item))  # then it died
    github.clock.advance(seconds=1)

    receiver = WebhookReceiver(SECRET, github.db, github.clock, record)
    receiver.hold()  # what build_github does before the server starts
    app = web.Application()
    app.router.add_post(PATH, receiver.handle)
    async with TestClient(TestServer(app)) as client:
        data = json.dumps(item).encode()
        headers = {"X-GitHub-Event": "issue_comment", "X-GitHub-Delivery": "new-comment"}
        headers["X-Hub-Signature-256"] = sign(data)
        assert (await client.post(PATH, data=data, headers=headers)).status == 200
        assert order == []  # stored and answered, waiting for the replay
        assert await receiver.replay_pending() == 1
        await receiver.drain()
    assert order == ["old-opened", "new-comment"]  # in order, each once
    with github.db.session() as s:
        assert all(row.processed_at is not None for row in s.exec(select(WebhookDelivery)))
