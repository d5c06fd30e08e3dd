"""History from day one: closed items of the past months are read once, silently, resumably."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.core.github_events import IssueClosed
from bot.db.models import TrackedIssue
from bot.github.errors import GitHubError
from bot.github.history import HistoryReader, describe_history, history_report
from bot.github.models import HistoryBackfill
from bot.github.store import parse_github_time
from tests.fakes.github.state import iso
from tests.fixtures.github import GitHubHarness

REPO = "acme/widgets"


def _stored(h: GitHubHarness) -> dict[int, TrackedIssue]:
    with h.db.session() as s:
        return {i.number: i for i in s.exec(select(TrackedIssue))}


def _before_first_sync(h: GitHubHarness) -> list[int]:
    """The closed items within the window that changed before the first sync began (the history's)."""
    backfill = h.db.call(lambda s: s.get(HistoryBackfill, REPO))
    repo = h.fake.state.repo(REPO)
    return [
        n
        for n, item in repo.issues.items()
        if item["state"] == "closed"
        and backfill.window_start <= parse_github_time(item["updated_at"]) < backfill.until
    ]


def _seed_history(h: GitHubHarness, closed: int) -> list[int]:
    # GitHub's budget resets within the hour of the bot's clock (the budget paces background reads).
    h.fake.rate.reset = int(h.clock.now().timestamp()) + 3600
    state = h.fake.state
    numbers = []
    for n in range(closed):
        item = state.add_issue(REPO, title=f"Old {n}", pull_request=n % 3 == 0, author=f"dev{n % 7}")
        state.update_issue(REPO, item["number"], **({"merged": True} if n % 3 == 0 else {"state": "closed"}))
        numbers.append(item["number"])
    return numbers


async def test_closed_history_is_read_once_silently_and_resumes_after_a_restart(
    github: GitHubHarness,
) -> None:
    closed = _seed_history(github, 250)
    ancient = github.fake.state.add_issue(REPO, title="Ancient", state="closed")
    ancient["updated_at"] = iso(github.fake.state.now - timedelta(days=800))
    github.fake.state.add_issue(REPO, title="Open one")
    await github.service.polling.poll_all()  # first sync (open items), then up to 10 pages of history
    stored = _stored(github)
    assert set(closed) <= set(stored) and ancient["number"] not in stored  # outside the 12 months
    assert github.events.events == []  # the past is not news
    merged = [i for i in stored.values() if i.merged]
    assert len(merged) == 84 and all(i.state == "closed" for i in merged)
    [row] = [r for r in github.db.call(history_report) if r["repo"] == REPO]
    read = len(_before_first_sync(github))
    assert row["done"] and row["items"] == read and read >= 248
    assert f"done ({read} items)" in describe_history([row])

    github.fake.reset_counters()
    await github.service.polling.poll_all()
    assert not [r for r in github.fake.log if r.query.get("state") == "closed"]  # never read again


async def test_a_stopped_read_resumes_at_its_next_page(github: GitHubHarness) -> None:
    closed = _seed_history(github, 250)
    assert github.sync is not None
    await github.sync.sync(REPO)
    assert github.config.github is not None
    first = await github.service.history.step(REPO, 12, max_pages=1)  # type: ignore[union-attr]
    assert first.items == 100 and not first.done
    # A new process: a new reader over the same database picks up at page 2.
    reader = HistoryReader(github.db, github.client, github.service.applier)
    github.fake.reset_counters()
    rest = await reader.step(REPO, 12)
    assert rest.done and rest.requests == 2  # pages 2 and 3 of ceil(250 / 100)
    assert first.items + rest.items == len(_before_first_sync(github))  # each read once
    assert set(closed) <= set(_stored(github))  # the rest came with the first sync's priming poll


async def test_pages_read_before_a_failure_are_kept_and_the_read_goes_on_after_them(
    github: GitHubHarness,
) -> None:
    _seed_history(github, 750)  # eight pages: the first five share a transaction, and so would the rest
    assert github.sync is not None
    await github.sync.sync(REPO)
    fake = github.fake
    path = f"/repositories/{fake.state.repo(REPO).id}/issues"  # where GitHub's next links point
    fake.before_next(path, lambda: None)  # page 2
    fake.before_next(path, lambda: fake.fail_next(404, path_prefix=path))  # page 3: page 4 will fail
    with pytest.raises(GitHubError):
        await github.service.history.step(REPO, 12)  # type: ignore[union-attr]
    [row] = github.db.call(history_report)
    assert (row["pages"], row["items"], row["done"]) == (3, 300, False)
    fake.reset_counters()
    rest = await github.service.history.step(REPO, 12)  # type: ignore[union-attr]
    assert rest.done and rest.requests == 5  # pages 4 to 8, none read twice
    assert 300 + rest.items == len(_before_first_sync(github))
    assert len(_stored(github)) == 750


async def test_what_changed_after_the_first_sync_is_left_to_the_poll(github: GitHubHarness) -> None:
    state = github.fake.state
    item = state.add_issue(REPO, title="Open at install")
    assert github.sync is not None
    await github.sync.sync(REPO)
    state.update_issue(REPO, item["number"], state="closed")  # closed after the first sync began
    await github.service.polling.read_history(None)
    assert _stored(github)[item["number"]].state == "open"  # not the history's to apply
    await github.sync.poll(REPO)
    assert [e.number for e in github.events.of(IssueClosed)] == [item["number"]]  # type: ignore[attr-defined]
