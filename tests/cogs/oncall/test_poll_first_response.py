"""First response and triage detected end to end without webhooks: the fake GitHub over HTTP -> the
App's polls (comments and issue events) -> /oncall's records."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from bot.app import App
from bot.core.clock import FakeClock
from bot.core.github_events import IssueCommented, IssueLabeled
from bot.db.models import Repo
from bot.github.service import GitHubService
from bot.github.store import parse_github_time
from cogs.oncall.models import OncallTriage
from tests.fakes.github import FakeGitHub
from tests.fixtures.github import Recorder, github_config

REPO = "Codertocat/Hello-World"
# No webhook_secret: this project's GitHub can't reach it, polling is all it has.
EXTRA = """maintainers:
  - github: Codertocat
oncall:
  rotations:
    - name: core
      members: [Codertocat]
  triage_labels: [bug, enhancement]
"""


async def _eventually(check: Callable[[], Any], what: str) -> Any:
    for _ in range(750):  # up to 15 s on a loaded machine
        found = check()
        if found:
            return found
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def make_app(fake_github: FakeGitHub, database_url: str, tmp_path: Path) -> Callable[[], App]:
    fake_github.state.add_repo(REPO, collaborators={"Codertocat": "admin"})
    # The rate-limit window resets an hour after the apps' (fake) now, so polling is never spaced out.
    fake_github.rate.reset = int((FakeClock().now() + timedelta(hours=1)).timestamp())

    def make() -> App:
        config = github_config(fake_github, database_url, tmp_path, [REPO], extra=EXTRA)
        return App(config, clock=FakeClock())

    return make


@pytest.fixture
async def app(make_app: Callable[[], App]) -> AsyncIterator[App]:
    app = make_app()
    await app.start()
    try:
        await _synced(app)
        yield app
    finally:
        await app.stop()


async def _synced(app: App) -> None:
    """Wait for the start-up sync: its last step stores the list's ETag."""
    await _eventually(
        lambda: app.db.call(lambda s: s.exec(select(Repo.list_etag)).first()), "the start-up sync"
    )


async def _poll(app: App) -> None:
    github = app.services.github
    assert isinstance(github, GitHubService)
    await github.polling.poll_all()  # the `github_sync` job


def _triage(app: App, number: int) -> OncallTriage | None:
    query = select(OncallTriage).where(OncallTriage.number == number)
    return app.db.call(lambda s: s.exec(query).first())


async def test_a_maintainers_comment_found_by_polling_is_the_first_response(
    app: App, fake_github: FakeGitHub
) -> None:
    state = fake_github.state
    state.add_issue(REPO, title="Crash on start", author="newcomer")
    await _poll(app)
    row = _triage(app, 1)
    assert row is not None and row.author_login == "newcomer" and row.first_response_at is None

    # Neither the author's own comment nor a bot's is a response.
    state.add_comment(REPO, 1, "newcomer", "Any news?")
    state.add_comment(REPO, 1, "stale[bot]", "This issue has been quiet for a while.")
    await _poll(app)
    row = _triage(app, 1)
    assert row is not None and row.first_response_at is None and row.triaged_at is None

    answer = state.add_comment(REPO, 1, "Codertocat", "Thanks! Which version?")
    await _poll(app)
    row = _triage(app, 1)
    assert row is not None
    assert row.first_response_at == parse_github_time(answer["created_at"])
    assert row.first_response_by == "Codertocat"
    assert (row.triaged_by, row.triage_kind) == ("Codertocat", "comment")


async def test_a_maintainers_label_found_by_polling_triages_with_the_real_actor(
    app: App, fake_github: FakeGitHub
) -> None:
    state = fake_github.state
    state.add_issue(REPO, title="Feature idea", author="newcomer")
    await _poll(app)
    labeled = state.update_issue(REPO, 1, actor="Codertocat", labels=["enhancement"])["updated_at"]
    state.update_issue(REPO, 1, actor="newcomer", title="Feature idea: dark mode")  # a later edit
    await _poll(app)
    row = _triage(app, 1)
    assert row is not None
    assert (row.triaged_at, row.triaged_by, row.triage_kind) == (
        parse_github_time(labeled),
        "Codertocat",
        "label",
    )
    assert row.first_response_at is None  # a label triages, it doesn't answer


async def test_a_restarted_app_publishes_nothing_again(
    make_app: Callable[[], App], fake_github: FakeGitHub
) -> None:
    state = fake_github.state
    state.add_issue(REPO, author="newcomer")
    first = make_app()
    await first.start()
    try:
        await _synced(first)
        state.add_comment(REPO, 1, "Codertocat", "On it")
        state.update_issue(REPO, 1, actor="Codertocat", labels=["bug"])
        seen = Recorder(first.bus)
        await _poll(first)
        assert len(seen.of(IssueCommented)) == 1 and len(seen.of(IssueLabeled)) == 1
    finally:
        await first.stop()

    second = make_app()
    seen = Recorder(second.bus)
    await second.start()
    try:
        await _synced(second)
        await _poll(second)
        state.add_issue(REPO, author="someone-else")  # a change: the next poll reads activity again
        await _poll(second)
        assert seen.of(IssueCommented) == [] and seen.of(IssueLabeled) == []
        row = _triage(second, 1)
        assert row is not None and row.first_response_by == "Codertocat"
    finally:
        await second.stop()
