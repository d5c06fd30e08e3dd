"""GitHub writes for a claim that fail for good: the claimer is told what failed and what to do, once,
and the claim's state says what GitHub really shows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from bot.core.github_events import GitHubActionFailed
from bot.db.models import TrackedIssue
from bot.github.service import GitHubService
from cogs.good_first_issues.models import GfiClaim
from tests.cogs.good_first_issues.conftest import GFI_YAML, REPO, seed, standard_board
from tests.fakes.github import FakeGitHub
from tests.fakes.github.port_double import QueuedWrite, RecordingGitHub
from tests.fixtures.chat import CHAT_FACTORIES
from tests.fixtures.github import FAKE_TOKEN
from tests.fixtures.waiting import eventually


def _claim(chat: Any, number: int) -> GfiClaim:
    def find(session: Any) -> GfiClaim:
        issue = session.exec(select(TrackedIssue).where(TrackedIssue.number == number)).one()
        return session.exec(
            select(GfiClaim).where(GfiClaim.issue_id == issue.id).order_by(col(GfiClaim.id).desc())
        ).first()

    return chat.app.db.call(find)  # type: ignore[no-any-return]


async def _link(chat: Any, user: str, login: str, prove: Callable[[str], None]) -> None:
    [started] = await chat.command(user, f"/steward link github {login}")
    prove(next(w for w in started.text.split() if w.startswith("steward-")))
    [linked] = await chat.click(user, started, "Check")
    assert f"Linked: you are {login} on GitHub" in linked.text


async def test_refused_comments_on_the_fake_github_reach_the_claimer(
    database_url: str, tmp_path: Path, fake_github: FakeGitHub
) -> None:
    state = fake_github.state
    state.add_repo(REPO, collaborators={"maint": "admin"})
    state.add_issue(REPO, title="Fix typo in README", labels=["good first issue"])
    state.add_issue(REPO, title="Add a parser test", labels=["good first issue"])
    for login in ("alice-gh", "bob-gh"):
        state.add_user(login, bio="I like compilers.")
    state.add_comment(REPO, 1, "alice-gh", "I'd like to take this one.")  # so GitHub lets her be assigned
    extra = (
        f"github:\n  repos: [{REPO}]\n  token: {FAKE_TOKEN}\n  api_url: {fake_github.base_url}\n"
        "  rate_limit_reserve: 10\ngood_first_issues:\n  page_size: 5\n"
    )
    console_chat = CHAT_FACTORIES["console"]
    async with console_chat(database_url, tmp_path, extra_yaml=extra, maintainers=["mia"]) as chat:
        github = chat.app.services.github
        assert isinstance(github, GitHubService)
        await github.first_sync_done()  # start-up syncs the board from the fake, in the background
        assert chat.app.db.call(lambda s: s.exec(select(TrackedIssue)).first()) is not None
        for user in ("alice", "bob"):
            login = f"{user}-gh"
            await _link(chat, user, login, lambda code, u=login: state.add_user(u, bio=f"Hi {code}"))

        # Assigned, but the comment saying so is refused (a locked issue answers 403).
        fake_github.fail_next(403, count=1, path_prefix=f"/repos/{REPO}/issues/1/comments")
        [claimed] = await chat.command("alice", "/gfi claim #1")
        assert f"You claimed {REPO}#1" in claimed.text
        [told] = await eventually(
            lambda: [m for m in chat.dms("alice") if "could not post the comment" in m.text], "alice's DM"
        )
        assert f"I could not post the comment on {REPO}#1 that says you are working on it" in told.text
        assert "not allowed to do that there" in told.text
        assert "You are assigned to it on GitHub" in told.text
        assert [a["login"] for a in state.repo(REPO).issues[1]["assignees"]] == ["alice-gh"]
        alice = _claim(chat, 1)
        assert alice.ended_at is None and alice.github_state == "assigned"

        # Not assignable, and both comments refused: nothing on GitHub shows bob's claim. One DM says so
        # (not a "the comment names you" first), and the claim records it.
        fake_github.fail_next(403, count=2, path_prefix=f"/repos/{REPO}/issues/2/comments")
        await chat.command("bob", "/gfi claim #2")
        await eventually(lambda: _claim(chat, 2).github_state == "failed", "bob's claim to be marked failed")
        [dm] = await eventually(lambda: chat.dms("bob"), "bob's DM")
        assert (
            f"GitHub would not assign you to {REPO}#2, and I could not post the comment naming you either"
            in dm.text
        )
        assert "Please leave a comment on the issue saying you are working on it" in dm.text
        assert _claim(chat, 2).ended_at is None
        assert not state.repo(REPO).comments.get(2)
        [mine] = await chat.command("bob", "/gfi mine")
        assert "not shown on GitHub" in mine.text
        [stats] = await chat.command("mia", "/gfi stats")
        assert "Claims GitHub would not assign: 1" in stats.text
        assert len(chat.dms("bob")) == 1


def _failed(write: QueuedWrite, reason: str) -> GitHubActionFailed:
    """What the outbox publishes when ``write`` can never succeed."""
    return GitHubActionFailed(
        write.id, write.kind, write.repo, write.number, reason, write.requested_by, write.context
    )


def _write(github: RecordingGitHub, action: str, number: int) -> QueuedWrite:
    return next(w for w in github.writes if w.context.get("gfi_action") == action and w.number == number)


async def test_unassign_gone_and_ended_claims(database_url: str, tmp_path: Path) -> None:
    github = RecordingGitHub()
    async with CHAT_FACTORIES["console"](database_url, tmp_path, extra_yaml=GFI_YAML, github=github) as chat:
        bus = chat.app.bus
        seed(chat.app.db, REPO, standard_board(chat.clock.now()))
        github.bios["alice-gh"] = "I like compilers."  # the account exists before she proves it is hers
        await _link(chat, "alice", "alice-gh", lambda code: github.bios.update({"alice-gh": code}))

        # Unassigning after an unclaim fails: she is still the assignee, so she is asked to step down.
        await chat.command("alice", "/gfi claim #1")
        await github.deliver(bus)
        await chat.command("alice", "/gfi unclaim #1")
        await bus.publish(_failed(_write(github, "unassign", 1), "forbidden"))
        [unassign] = chat.dms("alice")
        assert f"Your claim on {REPO}#1 has ended, but I could not remove you from its assignees" in (
            unassign.text
        )

        # The issue is gone on GitHub: one DM for the assignment and the comment together, no
        # comment naming her queued on an issue that does not exist, and the claim marked failed.
        await chat.command("alice", "/gfi claim #2")
        await bus.publish(_failed(_write(github, "assign", 2), "not_found"))
        await bus.publish(_failed(_write(github, "claim_comment", 2), "not_found"))
        assert [w for w in github.writes if w.context.get("gfi_action") == "refused_comment"] == []
        [_, gone] = chat.dms("alice")
        assert f"I could not update {REPO}#2 on GitHub for your claim" in gone.text
        assert _claim(chat, 2).github_state == "failed"

        # A comment that fails after the claim ended no longer matters to anyone: no DM.
        await chat.command("alice", "/gfi unclaim #2")
        await chat.command("alice", "/gfi claim #8")
        await chat.command("alice", "/gfi unclaim #8")
        await bus.publish(_failed(_write(github, "claim_comment", 8), "forbidden"))
        assert len(chat.dms("alice")) == 2


async def test_link_when_githubs_budget_is_spent_says_when_to_try_again(
    database_url: str, tmp_path: Path, fake_github: FakeGitHub
) -> None:
    state = fake_github.state
    state.add_repo(REPO)
    state.add_user("alice-gh", bio="I like compilers.")
    extra = (
        f"github:\n  repos: [{REPO}]\n  token: {FAKE_TOKEN}\n  api_url: {fake_github.base_url}\n"
        "good_first_issues:\n  page_size: 5\n"
    )
    async with CHAT_FACTORIES["console"](database_url, tmp_path, extra_yaml=extra) as chat:
        github = chat.app.services.github
        assert isinstance(github, GitHubService)
        await github.first_sync_done()
        fake_github.rate.remaining = 0
        fake_github.rate.reset = int(chat.app.services.clock.now().timestamp()) + 15 * 60
        await github.client.request("GET", "/rate_limit")  # GitHub says: spent until the reset
        sent = len(fake_github.log)
        [busy] = await chat.command("alice", "/steward link github alice-gh")
        assert "GitHub's request limit for this bot is used up" in busy.text
        assert "try again in 15 min" in busy.text
        assert len(fake_github.log) == sent  # answered without asking GitHub
