"""Writes through the durable outbox against the fake: retries through outages, dedupe, failures told."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlmodel import select

from bot.core.github_events import GitHubActionDone, GitHubActionFailed, IssueAssigned
from bot.github.models import OutboxItem
from bot.github.outbox import Outbox
from tests.fixtures.github import GitHubHarness
from tests.fixtures.waiting import eventually


def _row(h: GitHubHarness, item_id: int) -> OutboxItem:
    with h.db.session() as s:
        row = s.get(OutboxItem, item_id)
        assert row is not None
        return row


async def test_comment_survives_an_outage_and_is_posted_once(github: GitHubHarness) -> None:
    github.fake.state.add_issue("acme/widgets")
    github.fake.fail_next(502, count=1, path_prefix="/repos/acme/widgets/issues/1/comments")
    first = await github.service.comment(
        "acme/widgets", 1, "Claimed by @ada", requested_by=7, dedupe_key="claim:1"
    )
    again = await github.service.comment("acme/widgets", 1, "Claimed by @ada", dedupe_key="claim:1")
    assert first == again
    await github.service.outbox.run_due()
    assert _row(github, first).status == "pending"  # a 502 on a POST: retried later, not blindly now
    github.clock.advance(timedelta(hours=1))
    await github.service.outbox.run_due()
    row = _row(github, first)
    assert row.status == "done" and row.result_ref
    comments = github.fake.state.repo("acme/widgets").comments[1]
    assert len(comments) == 1 and comments[0]["body"].startswith("Claimed by @ada")
    [done] = github.events.of(GitHubActionDone)
    assert done.requested_by_member_id == 7  # type: ignore[attr-defined]


async def test_timed_out_comment_is_found_instead_of_posted_twice(impatient_github: GitHubHarness) -> None:
    github = impatient_github
    github.fake.state.add_issue("acme/widgets")
    # The fake takes 1.5 s: the client gives up after 1 s, then the fake stores the comment: ambiguous.
    path = "/repos/acme/widgets/issues/1/comments"
    github.fake.hang_next(1.5, path_prefix=path)
    item_id = await github.service.comment("acme/widgets", 1, "Welcome!")
    await github.service.outbox.run_due()
    assert _row(github, item_id).last_error.startswith("ambiguous")  # type: ignore[union-attr]
    # The fake finishes the slow request (in real life: during the retry backoff); it logs it last.
    await eventually(lambda: github.fake.requests("POST", path), "the fake to finish the slow POST")
    github.clock.advance(timedelta(hours=1))
    await github.service.outbox.run_due()
    assert _row(github, item_id).status == "done"
    assert len(github.fake.state.repo("acme/widgets").comments[1]) == 1


async def test_assign_follows_githubs_assignability_rule(github: GitHubHarness) -> None:
    state = github.fake.state
    state.add_issue("acme/widgets")
    await github.sync.sync("acme/widgets")
    stranger = await github.service.assign("acme/widgets", 1, "stranger", requested_by=3)
    await github.service.outbox.run_due()
    [failed] = github.events.of(GitHubActionFailed)
    assert failed.reason == "not_assignable" and failed.requested_by_member_id == 3  # type: ignore[attr-defined]
    assert _row(github, stranger).status == "failed"

    state.add_comment("acme/widgets", 1, "newcomer", "I'd like to work on this")
    await github.service.assign("acme/widgets", 1, "newcomer")
    await github.service.assign("acme/widgets", 1, "maria")  # a collaborator
    await github.service.outbox.run_due()
    assert sorted(e.assignee for e in github.events.of(IssueAssigned)) == ["maria", "newcomer"]  # type: ignore[attr-defined]
    await github.service.unassign("acme/widgets", 1, "maria")
    await github.service.add_labels("acme/widgets", 1, ["claimed"])
    await github.service.outbox.run_due()
    item = state.repo("acme/widgets").issues[1]
    assert [a["login"] for a in item["assignees"]] == ["newcomer"]
    assert [lab["name"] for lab in item["labels"]] == ["claimed"]


async def test_missing_issue_fails_and_is_reported(github: GitHubHarness) -> None:
    item_id = await github.service.comment("acme/widgets", 404, "hello", context={"thread": "t1"})
    await github.service.outbox.run_due()
    [failed] = github.events.of(GitHubActionFailed)
    assert failed.reason == "not_found" and failed.context == {"thread": "t1"}  # type: ignore[attr-defined]
    assert _row(github, item_id).status == "failed"
    assert github.service.outbox.executor is not None
    with github.db.session() as s:
        assert len(s.exec(select(OutboxItem)).all()) == 1


async def test_rate_limited_write_waits_for_the_reset(github: GitHubHarness) -> None:
    github.fake.state.add_issue("acme/widgets")
    github.fake.rate.remaining = 0
    item_id = await github.service.comment("acme/widgets", 1, "later")
    await github.service.outbox.run_due()
    row = _row(github, item_id)
    assert row.status == "pending" and row.next_attempt_at > github.clock.now()


async def test_two_instances_run_one_queued_write_once(github: GitHubHarness) -> None:
    """Every instance runs an outbox worker; the lease makes one of them execute each item."""
    github.fake.state.add_issue("acme/widgets")
    ours = github.service.outbox
    other = Outbox(github.db, github.clock, github.bus, ours.executor)  # a second instance's worker
    item_ids = [await github.service.comment("acme/widgets", 1, f"Note {i}") for i in range(5)]
    attempted = await asyncio.gather(ours.run_due(), other.run_due())
    assert sum(attempted) == 5
    assert [_row(github, i).status for i in item_ids] == ["done"] * 5
    comments = github.fake.state.repo("acme/widgets").comments[1]
    assert sorted(c["body"].split("\n")[0] for c in comments) == [f"Note {i}" for i in range(5)]


async def test_a_write_queued_during_a_pass_does_not_wait_for_the_idle_timer(github: GitHubHarness) -> None:
    done: list[str] = []

    async def execute(item: OutboxItem) -> str | None:
        if item.payload["body"] == "assign first":  # what a claim does: its comment follows at once
            await outbox.enqueue("comment", "acme/widgets", 1, {"body": "then comment"})
        done.append(item.payload["body"])
        return None

    outbox = Outbox(github.db, github.clock, github.bus, execute)
    worker = asyncio.create_task(outbox.run(idle=3600))  # only a wake-up can start the next pass
    try:
        await outbox.enqueue("comment", "acme/widgets", 1, {"body": "assign first"})
        await eventually(lambda: done == ["assign first", "then comment"], "the write queued meanwhile")
    finally:
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)
