"""Sync against the fake over real HTTP: first sync, 304 re-polls, changes become events once."""

from __future__ import annotations

from sqlmodel import select

from bot.core.github_events import (
    IssueAssigned,
    IssueClosed,
    IssueLabeled,
    IssueOpened,
    IssueRemoved,
    PullRequestMerged,
    PullRequestOpened,
)
from bot.db.models import Repo, TrackedIssue
from tests.fixtures.github import GitHubHarness


def _issues(h: GitHubHarness) -> dict[int, TrackedIssue]:
    with h.db.session() as s:
        return {i.number: i for i in s.exec(select(TrackedIssue))}


async def test_first_sync_pages_open_items_then_polls_cost_nothing(github: GitHubHarness) -> None:
    state = github.fake.state
    state.add_issue("acme/widgets", title="old", state="closed")
    for n in range(250):
        state.add_issue("acme/widgets", title=f"Issue {n}", labels=["good first issue"] if n % 2 else [])
    pr = state.add_issue("acme/widgets", title="A PR", pull_request=True, body="Fixes #3")

    result = await github.sync.sync("acme/widgets")
    lists = github.fake.requests("GET")
    # ceil(251 open / 100) = 3 list pages + the priming poll; nothing per issue.
    assert len(lists) == 4 and result.items == 251
    assert all("/issues/" not in r.path for r in lists)
    assert github.fake.requests("GET", "/repositories/")  # followed GitHub-style Link URLs
    assert github.events.events == []  # the first sync is a baseline, not 251 "opened" events
    issues = _issues(github)
    assert len(issues) == 251 and issues[pr["number"]].is_pull_request
    assert issues[pr["number"]].linked_numbers == [3]

    github.fake.reset_counters()
    again = await github.sync.sync("acme/widgets")
    assert again.not_modified and github.fake.points_spent == 0
    assert github.fake.log[0].if_none_match is not None


async def test_changes_since_high_water_become_events_once(github: GitHubHarness) -> None:
    state = github.fake.state
    first = state.add_issue("acme/widgets", title="Typo")
    pr = state.add_issue("acme/widgets", title="Fix typo", pull_request=True, author="newbie")
    await github.sync.sync("acme/widgets")

    state.update_issue("acme/widgets", first["number"], labels=["good first issue"], assignees=["maria"])
    state.update_issue("acme/widgets", pr["number"], merged=True)
    new = state.add_issue("acme/widgets", title="Brand new", labels=["bug"])
    github.fake.reset_counters()
    result = await github.sync.poll("acme/widgets")
    # The changed list, then the issue events that name who made the changes (no comment read:
    # none of the changed items has comments).
    assert result.requests == 2 and github.fake.points_spent == 2
    assert [r.path for r in github.fake.log] == [
        "/repos/acme/widgets/issues",
        "/repos/acme/widgets/issues/events",
    ]

    labeled = github.events.of(IssueLabeled)
    assert [(e.number, e.label) for e in labeled] == [(first["number"], "good first issue")]  # type: ignore[attr-defined]
    assert [e.assignee for e in github.events.of(IssueAssigned)] == ["maria"]  # type: ignore[attr-defined]
    merged = github.events.of(PullRequestMerged)
    assert len(merged) == 1 and merged[0].first_contribution  # type: ignore[attr-defined]
    opened = github.events.of(IssueOpened)
    assert [(e.number, e.labels) for e in opened] == [(new["number"], ("bug",))]  # type: ignore[attr-defined]
    assert all(e.delivery is None for e in github.events.events)  # type: ignore[attr-defined]

    # The next polls see the same state: no event twice, and soon a free 304.
    github.events.clear()
    await github.sync.poll("acme/widgets")
    await github.sync.poll("acme/widgets")
    assert github.events.events == []
    assert github.fake.log[-1].status == 304


async def test_close_and_pr_open_are_noticed_by_polling(github: GitHubHarness) -> None:
    state = github.fake.state
    issue = state.add_issue("acme/docs", title="Broken link")
    await github.sync.sync("acme/docs")
    state.update_issue("acme/docs", issue["number"], state="closed")
    state.add_issue("acme/docs", title="Add page", pull_request=True, body="closes #1", author="ada")
    await github.sync.poll("acme/docs")
    closed = github.events.of(IssueClosed)
    assert [(e.number, e.state_reason) for e in closed] == [(1, "completed")]  # type: ignore[attr-defined]
    opened = github.events.of(PullRequestOpened)
    assert [(e.author_login, e.linked_issues) for e in opened] == [("ada", (1,))]  # type: ignore[attr-defined]


async def test_reconcile_notices_deleted_and_transferred_items(github: GitHubHarness) -> None:
    state = github.fake.state
    for n in range(4):
        state.add_issue("acme/widgets", title=f"Issue {n}")
    await github.sync.sync("acme/widgets")
    state.delete_issue("acme/widgets", 1)
    state.transfer_issue("acme/widgets", 2, "acme/docs")
    state.repo("acme/docs").issues[2] = {
        **state.repo("acme/widgets").issues.get(3, {}),
        "number": 2,
        "repository_url": "https://api.github.com/repos/acme/docs",
    }
    state.update_issue("acme/widgets", 3, state="closed")

    result = await github.sync.full_sync("acme/widgets")
    assert result.removed == 2
    removed = github.events.of(IssueRemoved)
    assert sorted(e.number for e in removed) == [1, 2]  # type: ignore[attr-defined]
    issues = _issues(github)
    assert issues[1].removed_at is not None and issues[2].removed_at is not None
    assert issues[3].state == "closed" and issues[3].removed_at is None
    with github.db.session() as s:
        repo = s.exec(select(Repo).where(Repo.full_name == "acme/widgets")).one()
        assert repo.last_full_sync_at is not None


async def test_bulk_edit_in_one_second_is_paid_once_then_free(github: GitHubHarness) -> None:
    """150 items changed within one second (a bulk relabel): `since` is inclusive, so moving it to that
    second would list all 150 again on every poll. One paid poll, then 304s until something changes."""
    state = github.fake.state
    numbers = [state.add_issue("acme/widgets", title=f"Issue {n}")["number"] for n in range(160)]
    await github.sync.sync("acme/widgets")

    edited = [state.update_issue("acme/widgets", n, labels=["needs-triage"]) for n in numbers[:150]]
    same_second = edited[-1]["updated_at"]
    for item in edited:
        item["updated_at"] = same_second
    github.fake.reset_counters()
    first = await github.sync.poll("acme/widgets")
    assert first.items >= 150 and first.changed == 150 and not first.not_modified
    paid = github.fake.points_spent
    assert paid > 0

    for _ in range(3):
        again = await github.sync.poll("acme/widgets")
        assert again.not_modified
    assert github.fake.points_spent == paid

    state.update_issue("acme/widgets", numbers[155], title="Something newer")
    newer = await github.sync.poll("acme/widgets")
    assert newer.changed == 1 and not newer.not_modified
