"""The board against the real GitHub layer: PyGithub to the fake GitHub, a signed merged-PR webhook."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from sqlmodel import select

from bot.db.models import TrackedIssue
from bot.github.service import GitHubService
from cogs.good_first_issues.models import GfiClaim
from tests.fakes.github import FakeGitHub
from tests.fixtures.chat import ChatFactory
from tests.fixtures.github import FAKE_TOKEN, deliver_webhook
from tests.fixtures.waiting import eventually

SECRET = "gfi-webhook-secret"
REPO = "acme/widgets"


def _merged_pr(shared: Path, number: int, author: str, fixes: int) -> dict[str, Any]:
    """Synthetic (octokit has no merged example): the verbatim closed payload, merged, in our repo."""
    payload: dict[str, Any] = json.loads(
        (shared / "github-webhooks" / "pull_request.closed.json").read_text()
    )
    merged = copy.deepcopy(payload)
    merged["repository"]["full_name"] = REPO
    pr = merged["pull_request"]
    pr.update(
        number=number,
        merged=True,
        merged_at="2026-01-20T10:00:00Z",
        updated_at="2026-01-20T10:00:00Z",
        closed_at="2026-01-20T10:00:00Z",
        body=f"Fixes #{fixes}",
        title="Fix the typo",
    )
    pr["user"] = {**pr["user"], "login": author, "type": "User"}
    merged["number"] = number
    return merged


async def test_claim_assigns_on_github_and_a_merged_pr_webhook_credits_it(
    chat_factory: ChatFactory, fake_github: FakeGitHub, shared_fixtures: Path
) -> None:
    state = fake_github.state
    state.add_repo(REPO, collaborators={"maint": "admin"})
    state.add_issue(REPO, title="Fix typo in README", labels=["good first issue"])
    state.add_user("alice-gh", bio="I like compilers.")
    state.add_comment(REPO, 1, "alice-gh", "I'd like to take this one.")  # commenters can be assigned
    extra = (
        f"github:\n  repos: [{REPO}]\n  token: {FAKE_TOKEN}\n  api_url: {fake_github.base_url}\n"
        f'  rate_limit_reserve: 10\n  webhook_secret: "{SECRET}"\ngood_first_issues:\n  page_size: 5\n'
    )
    async with chat_factory(extra_yaml=extra, maintainers=["mia"]) as chat:
        # Start-up syncs the board from the fake over HTTP, in the background.
        github = chat.app.services.github
        assert isinstance(github, GitHubService) and github.webhooks is not None
        await github.first_sync_done()
        assert chat.app.db.call(lambda s: s.exec(select(TrackedIssue)).first()) is not None
        [started] = await chat.command("alice", "/steward link github alice-gh")
        code = next(w for w in started.text.split() if w.startswith("steward-"))
        state.add_user("alice-gh", bio=f"I like compilers. {code}")
        [linked] = await chat.click("alice", started, "Check")
        assert "Linked: you are alice-gh on GitHub" in linked.text

        [board] = await chat.command("alice", "/gfi list")
        assert f"{REPO}#1 Fix typo in README" in board.text
        [claimed] = await chat.click("alice", board, "Claim widgets#1")
        assert f"You claimed {REPO}#1" in claimed.text
        issue = state.repo(REPO).issues[1]
        await eventually(lambda: [a["login"] for a in issue["assignees"]] == ["alice-gh"], "the assignment")
        await eventually(
            lambda: any(
                "alice-gh" in c["body"] and c["user"]["login"] != "alice-gh"
                for c in state.repo(REPO).comments.get(1, [])
            ),
            "the bot's comment naming the claimer",
        )
        [refused] = await chat.click("bob", board, "Claim widgets#1")
        assert f"{REPO}#1 is already claimed by alice" in refused.text

        await deliver_webhook(
            chat.app.http.port, SECRET, "pull_request", _merged_pr(shared_fixtures, 2, "alice-gh", 1), "d-1"
        )
        await github.webhooks.drain()  # answered at once, processed afterwards
        claim = chat.app.db.call(
            lambda s: s.exec(select(GfiClaim).where(GfiClaim.end_reason == "done")).first()
        )
        assert claim is not None and claim.credited and claim.pr_number == 2
        # The thank-you DM goes out after the claim's transaction commits (through the platform's
        # adapter, which may send it in the background): wait for it, don't race it.
        await eventually(
            lambda: any("was merged — thank you" in m.text for m in chat.dms("alice")), "the thank-you DM"
        )
