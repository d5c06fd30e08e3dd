"""One comment or change, one event: webhook and poll (in either order), re-polls and restarts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core.clock import FakeClock
from bot.core.github_events import IssueCommented, IssueLabeled
from bot.db.database import Database
from bot.github import ledger
from bot.github.translate import WebhookTranslator
from tests.fakes.github import FakeGitHub
from tests.fixtures.github import GitHubHarness, github_config

REPO = "acme/widgets"
COMMENTS = f"/repos/{REPO}/issues/comments"


@pytest.fixture
async def gh(fake_github: FakeGitHub, db: Database, tmp_path: Path) -> AsyncIterator[GitHubHarness]:
    fake_github.state.add_repo(REPO, collaborators={"maria": "write"})
    config = github_config(fake_github, db.url, tmp_path, [REPO], extra="maintainers:\n  - github: maria\n")
    harness = GitHubHarness(fake_github, db, config, FakeClock())
    await harness.service.identity.load()
    try:
        yield harness
    finally:
        harness.client.close()


def _translator(gh: GitHubHarness) -> WebhookTranslator:
    return WebhookTranslator(gh.service.applier, gh.service.identity, lambda: gh.config)


def _comment_delivery(gh: GitHubHarness, number: int, comment: dict[str, Any]) -> dict[str, Any]:
    """An `issue_comment` `created` payload built from the fake's objects, as GitHub would send it."""
    issue = gh.fake.state.repo(REPO).issues[number]
    return {
        "action": "created",
        "issue": issue,
        "comment": comment,
        "repository": {"full_name": REPO},
        "sender": comment["user"],
    }


def _comment_ids(gh: GitHubHarness) -> list[int]:
    return [e.comment_id for e in gh.events.of(IssueCommented)]  # type: ignore[attr-defined]


async def test_a_comment_delivered_by_webhook_is_not_published_again_by_the_poll(gh: GitHubHarness) -> None:
    state = gh.fake.state
    state.add_issue(REPO, author="newcomer")
    await gh.sync.sync(REPO)
    comment = state.add_comment(REPO, 1, "maria", "Looking into it")
    await _translator(gh)("issue_comment", _comment_delivery(gh, 1, comment), "delivery-1")
    [delivered] = gh.events.of(IssueCommented)
    assert delivered.delivery == "delivery-1"  # type: ignore[attr-defined]

    gh.fake.reset_counters()
    await gh.sync.poll(REPO)
    assert gh.fake.requests("GET", COMMENTS)  # the poll did list the comment...
    assert _comment_ids(gh) == [comment["id"]]  # ...and published nothing more


async def test_a_comment_polled_first_is_not_published_again_by_its_late_webhook(gh: GitHubHarness) -> None:
    state = gh.fake.state
    state.add_issue(REPO, author="newcomer")
    await gh.sync.sync(REPO)
    comment = state.add_comment(REPO, 1, "maria", "Looking into it")
    await gh.sync.poll(REPO)
    await _translator(gh)("issue_comment", _comment_delivery(gh, 1, comment), "delivery-late")
    assert _comment_ids(gh) == [comment["id"]]
    assert gh.events.of(IssueCommented)[0].delivery is None  # type: ignore[attr-defined]


async def test_a_label_delivered_by_webhook_is_published_once(gh: GitHubHarness) -> None:
    state = gh.fake.state
    state.add_issue(REPO, author="newcomer")
    await gh.sync.sync(REPO)
    item = state.update_issue(REPO, 1, actor="maria", labels=["bug"])
    payload = {
        "action": "labeled",
        "issue": item,
        "label": {"name": "bug"},
        "repository": {"full_name": REPO},
        "sender": {"login": "maria", "type": "User"},
    }
    await _translator(gh)("issues", payload, "delivery-label")
    await gh.sync.poll(REPO)
    [event] = gh.events.of(IssueLabeled)
    assert event.delivery == "delivery-label" and event.actor_login == "maria"  # type: ignore[attr-defined]


async def test_a_restart_publishes_nothing_again(gh: GitHubHarness, db: Database) -> None:
    state = gh.fake.state
    state.add_issue(REPO, author="newcomer")
    state.add_issue(REPO, author="newcomer")
    await gh.sync.sync(REPO)
    first = state.add_comment(REPO, 1, "maria", "On it")
    await gh.sync.poll(REPO)
    assert _comment_ids(gh) == [first["id"]]
    gh.client.close()

    # A new process on the same database: the same repo state is a free 304 and publishes nothing.
    again = GitHubHarness(gh.fake, db, gh.config, FakeClock())
    try:
        await again.service.identity.load()
        gh.fake.reset_counters()
        assert (await again.sync.poll(REPO)).not_modified and again.events.events == []
        # A new comment elsewhere: the comment list (still from the same mark) holds both comments,
        # only the new one is news.
        second = state.add_comment(REPO, 2, "maria", "This one too")
        await again.sync.poll(REPO)
        [read] = gh.fake.requests("GET", COMMENTS)
        assert read.status == 200
        assert [e.comment_id for e in again.events.of(IssueCommented)] == [second["id"]]  # type: ignore[attr-defined]
    finally:
        again.client.close()


def test_the_ledger_lets_one_claim_win_and_forgets_old_records(db: Database) -> None:
    when = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    first = db.call(ledger.claim, ledger.COMMENT, REPO, {1: when, 2: when}, when)
    second = db.call(ledger.claim, ledger.COMMENT, REPO, {2: when, 3: when}, when)
    other_kind = db.call(ledger.claim, ledger.ISSUE_EVENT, REPO, {2: when}, when)
    assert (first, second, other_kind) == ({1, 2}, {3}, {2})
    db.call(ledger.prune, when + timedelta(seconds=1))
    assert db.call(ledger.handled, ledger.COMMENT, [1, 2, 3]) == set()
