"""Polls read the activity behind what changed: comments become IssueCommented, and label/assign/
close changes carry who made them and when (from the repository's issue events), once each."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from bot.core.clock import FakeClock
from bot.core.github_events import (
    IssueAssigned,
    IssueClosed,
    IssueCommented,
    IssueLabeled,
    RepoEvent,
)
from bot.db.database import Database
from bot.github.models import ActivityCursor
from bot.github.store import parse_github_time
from tests.fakes.github import FakeGitHub
from tests.fixtures.github import GitHubHarness, github_config

REPO = "acme/widgets"
LIST = f"/repos/{REPO}/issues"
COMMENTS = f"/repos/{REPO}/issues/comments"
EVENTS = f"/repos/{REPO}/issues/events"


@pytest.fixture
async def gh(fake_github: FakeGitHub, db: Database, tmp_path: Path) -> AsyncIterator[GitHubHarness]:
    """A harness watching acme/widgets, where maria is a configured maintainer."""
    fake_github.state.add_repo(REPO, collaborators={"maria": "write"})
    config = github_config(fake_github, db.url, tmp_path, [REPO], extra="maintainers:\n  - github: maria\n")
    harness = GitHubHarness(fake_github, db, config, FakeClock())
    await harness.service.identity.load()
    try:
        yield harness
    finally:
        harness.client.close()


def _paths(gh: GitHubHarness) -> list[str]:
    return [entry.path for entry in gh.fake.log]


def _at(value: str) -> Any:
    return parse_github_time(value)


async def test_a_maintainers_comment_is_published_once_and_an_unchanged_repo_stays_free(
    gh: GitHubHarness,
) -> None:
    state = gh.fake.state
    state.add_issue(REPO, title="Crash on start", author="newcomer")
    await gh.sync.sync(REPO)  # the silent baseline
    comment = state.add_comment(REPO, 1, "maria", "Thanks! Which version are you on?")

    gh.fake.reset_counters()
    result = await gh.sync.poll(REPO)
    # The changed list, then the comment list; no issue events: no change needs an actor.
    assert _paths(gh) == [LIST, COMMENTS]
    query = gh.fake.log[1].query
    assert (query["sort"], query["direction"], query["per_page"]) == ("updated", "asc", "100")
    assert "since" in query and result.comments == 1
    [event] = gh.events.of(IssueCommented)
    assert isinstance(event, IssueCommented)
    assert (event.repo, event.number, event.comment_id) == (REPO, 1, comment["id"])
    assert event.actor_login == "maria" and event.actor_is_maintainer and not event.actor_is_bot
    assert not event.commenter_is_author and event.delivery is None
    assert event.at == _at(comment["created_at"])
    assert event.body_excerpt == "Thanks! Which version are you on?"

    gh.events.clear()
    gh.fake.reset_counters()
    again = await gh.sync.poll(REPO)
    assert again.not_modified and _paths(gh) == [LIST] and gh.fake.points_spent == 0
    assert gh.events.events == []


async def test_comments_before_the_baseline_are_not_news(gh: GitHubHarness) -> None:
    state = gh.fake.state
    state.add_issue(REPO, author="newcomer")
    state.add_comment(REPO, 1, "maria", "old answer")
    state.tick()  # the first sync happens a second later
    await gh.sync.sync(REPO)
    new = state.add_comment(REPO, 1, "maria", "new answer")
    await gh.sync.poll(REPO)
    assert [e.comment_id for e in gh.events.of(IssueCommented)] == [new["id"]]  # type: ignore[attr-defined]


async def test_authors_and_bots_comments_carry_their_flags(gh: GitHubHarness) -> None:
    state = gh.fake.state
    state.add_issue(REPO, author="newcomer")
    await gh.sync.sync(REPO)
    state.add_comment(REPO, 1, "newcomer", "Any news?")
    state.add_comment(REPO, 1, "renovate[bot]", "Dependency update available")
    await gh.sync.poll(REPO)
    by_login = {e.actor_login: e for e in gh.events.of(IssueCommented)}  # type: ignore[attr-defined]
    own, bot = by_login["newcomer"], by_login["renovate[bot]"]
    assert isinstance(own, IssueCommented) and isinstance(bot, IssueCommented)
    assert own.commenter_is_author and not own.actor_is_maintainer and not own.actor_is_bot
    assert bot.actor_is_bot and not bot.commenter_is_author


async def test_changes_found_by_polling_carry_the_real_actor_and_time(gh: GitHubHarness) -> None:
    state = gh.fake.state
    state.add_issue(REPO, author="newcomer")
    state.add_issue(REPO, author="newcomer")
    await gh.sync.sync(REPO)
    labeled = state.update_issue(REPO, 1, actor="maria", labels=["bug"])["updated_at"]
    state.update_issue(REPO, 1, actor="ops-person", assignees=["maria"])
    closed = state.update_issue(REPO, 2, actor="maria", state="closed")["closed_at"]

    gh.fake.reset_counters()
    result = await gh.sync.poll(REPO)
    assert _paths(gh) == [LIST, EVENTS] and result.attributed == 3
    events = [e for e in gh.events.events if isinstance(e, RepoEvent)]
    label, assign, close = (next(e for e in events if isinstance(e, kind)) for kind in KINDS)
    # The label came a second before the assignment: its own time, not the issue's updated_at.
    assert (label.actor_login, label.actor_is_maintainer, label.at) == ("maria", True, _at(labeled))
    assert assign.actor_login == "ops-person" and not assign.actor_is_maintainer
    assert (close.actor_login, close.actor_is_maintainer, close.at) == ("maria", True, _at(closed))
    assert [e.at for e in events] == sorted(e.at for e in events)  # published oldest first
    assert all(e.delivery is None for e in events)

    gh.events.clear()
    await gh.sync.poll(REPO)
    assert gh.events.events == []


KINDS = (IssueLabeled, IssueAssigned, IssueClosed)


async def test_a_change_without_its_issue_event_is_still_published(gh: GitHubHarness) -> None:
    """GitHub may list an issue event a little late: the change is published anyway, actor unknown."""
    state = gh.fake.state
    state.add_issue(REPO, author="newcomer")
    await gh.sync.sync(REPO)
    state.update_issue(REPO, 1, actor="maria", labels=["bug"])
    state.repo(REPO).issue_events.clear()
    await gh.sync.poll(REPO)
    [event] = gh.events.of(IssueLabeled)
    assert isinstance(event, IssueLabeled) and event.label == "bug" and event.actor_login is None


async def test_issue_events_are_paged_back_only_as_far_as_needed(gh: GitHubHarness) -> None:
    state = gh.fake.state
    for _ in range(3):
        state.add_issue(REPO, author="newcomer")
    for n in range(75):  # 150 events from before the baseline: never needed, never read
        state.update_issue(REPO, 3, labels=[f"old-{n}"])
    await gh.sync.sync(REPO)
    state.update_issue(REPO, 1, actor="maria", labels=["bug"])
    names: list[str] = []
    for n in range(130):  # 130 later events on #2 push #1's label to the second page
        names.append(f"area-{n}")
        state.update_issue(REPO, 2, actor="ops-person", labels=names)

    gh.fake.reset_counters()
    result = await gh.sync.poll(REPO)
    pages = gh.fake.requests("GET", "/repositories/")
    assert _paths(gh) == [LIST, EVENTS, pages[0].path] and len(pages) == 1
    assert pages[0].path.endswith("/issues/events") and pages[0].query["page"] == "2"
    labels = {(e.number, e.label): e.actor_login for e in gh.events.of(IssueLabeled)}  # type: ignore[attr-defined]
    assert labels[(1, "bug")] == "maria" and result.attributed == 131
    assert {labels[(2, name)] for name in names} == {"ops-person"}


async def test_an_unchanged_first_page_of_issue_events_is_a_free_304(gh: GitHubHarness) -> None:
    """The first page is cached: a change listed only after its event was read is still attributed."""
    state = gh.fake.state
    state.add_issue(REPO, author="newcomer")
    state.add_issue(REPO, author="newcomer")
    await gh.sync.sync(REPO)
    state.update_issue(REPO, 1, actor="maria", labels=["bug"])
    # #2 is labelled between this poll's list and its issue events request.
    gh.fake.before_next(EVENTS, lambda: state.update_issue(REPO, 2, actor="maria", labels=["docs"]))
    await gh.sync.poll(REPO)
    assert [e.number for e in gh.events.of(IssueLabeled)] == [1]

    gh.events.clear()
    gh.fake.reset_counters()
    await gh.sync.poll(REPO)
    assert _paths(gh) == [LIST, EVENTS] and gh.fake.log[1].status == 304 and gh.fake.points_spent == 1
    [event] = gh.events.of(IssueLabeled)
    assert isinstance(event, IssueLabeled) and (event.number, event.actor_login) == (2, "maria")


async def test_a_long_comment_list_is_paged_and_the_mark_moves_up(gh: GitHubHarness) -> None:
    state = gh.fake.state
    for _ in range(3):
        state.add_issue(REPO, author="newcomer")
    await gh.sync.sync(REPO)
    for n in range(130):
        state.add_comment(REPO, 1 + n % 3, f"person{n % 7}", f"comment {n}")

    gh.fake.reset_counters()
    result = await gh.sync.poll(REPO)
    assert result.comments == 130 and len(gh.fake.requests("GET", "/repositories/")) == 1
    assert len({e.comment_id for e in gh.events.of(IssueCommented)}) == 130  # type: ignore[attr-defined]
    first_since = gh.fake.requests("GET", COMMENTS)[0].query["since"]

    gh.events.clear()
    state.add_comment(REPO, 2, "maria", "one more")
    gh.fake.reset_counters()
    await gh.sync.poll(REPO)
    [read] = gh.fake.requests("GET", COMMENTS)
    assert read.query["since"] > first_since and read.if_none_match is None
    assert [e.actor_login for e in gh.events.of(IssueCommented)] == ["maria"]  # type: ignore[attr-defined]


async def test_a_failed_comment_read_is_retried_by_the_next_poll(gh: GitHubHarness) -> None:
    state = gh.fake.state
    state.add_issue(REPO, author="newcomer")
    await gh.sync.sync(REPO)
    state.add_comment(REPO, 1, "maria", "On it")
    gh.fake.fail_next(502, count=4, path_prefix=COMMENTS)  # every retry of one request
    await gh.sync.poll(REPO)
    assert gh.events.of(IssueCommented) == []
    cursor = gh.db.call(lambda s: s.exec(select(ActivityCursor)).one())
    assert cursor.comments_due

    gh.fake.reset_counters()
    await gh.sync.poll(REPO)  # the list answers 304, the comment read is still due
    assert _paths(gh) == [LIST, COMMENTS] and gh.fake.log[0].status == 304
    assert [e.actor_login for e in gh.events.of(IssueCommented)] == ["maria"]  # type: ignore[attr-defined]


async def test_an_edited_comment_is_not_published_again(gh: GitHubHarness) -> None:
    state = gh.fake.state
    state.add_issue(REPO, author="newcomer")
    await gh.sync.sync(REPO)
    comment = state.add_comment(REPO, 1, "maria", "first words")
    await gh.sync.poll(REPO)
    state.edit_comment(REPO, comment["id"], "better words")
    state.update_issue(REPO, 1, actor="maria", labels=["bug"])  # makes the poll read comments again

    gh.events.clear()
    gh.fake.reset_counters()
    await gh.sync.poll(REPO)
    assert COMMENTS in _paths(gh)
    assert gh.events.of(IssueCommented) == [] and len(gh.events.of(IssueLabeled)) == 1
