"""Onboarding learns about other features only through core events and ports: `completes:
linked_github` works without the good-first-issue feature (linking is a core member feature; the
GitHubLinked event tells onboarding), and issues the board holds reach onboarding through the
HeldIssues port."""

from __future__ import annotations

from bot.core.held_issues import HeldIssues
from tests.cogs.good_first_issues.conftest import GFI_YAML, REPO, seed, standard_board
from tests.fakes.github.port_double import RecordingGitHub
from tests.fixtures.chat import ChatFactory

CONFIG = """github:
  repos: [acme/widgets]
onboarding:
  paths:
    - id: first
      title: First steps
      steps:
        - {id: link, title: Link your GitHub account, completes: linked_github}
        - {id: hello, title: Say hello, completes: self_report}
"""


async def test_linking_completes_the_step_without_good_first_issues(chat_factory: ChatFactory) -> None:
    github = RecordingGitHub()
    async with chat_factory(extra_yaml=CONFIG, github=github) as chat:
        assert all(cog.name != "good_first_issues" for cog in chat.app.cogs)
        [started] = await chat.command("alice", "/onboard start first")
        assert "Link your GitHub account" in started.text

        github.bios["alice-gh"] = "I like compilers."
        [code_reply] = await chat.command("alice", "/steward link github alice-gh")
        code = next(w for w in code_reply.text.split() if w.startswith("steward-"))
        github.bios["alice-gh"] = f"I like compilers. {code}"
        answers = await chat.click("alice", code_reply, "Check")
        [done] = [r for r in answers if r.kind == "reply"]
        assert "Linked: you are alice-gh on GitHub" in done.text

        # The step completed at once (not at the next hourly sweep): the next step arrives by DM.
        step = chat.dms("alice")[-1]
        assert "Well done — you finished: Link your GitHub account!" in step.text, step.text
        assert "Say hello" in step.text
        [progress] = await chat.command("alice", "/onboard progress")
        assert "✅ Link your GitHub account" in progress.text and "➡️ Say hello" in progress.text


async def test_issues_the_board_holds_are_not_suggested(chat_factory: ChatFactory) -> None:
    steps = "onboarding:\n  paths:\n    - id: first\n      title: First steps\n      steps:\n"
    steps += "        - {id: pr, title: Fix something, completes: merged_pr, labels: [good first issue]}\n"
    async with chat_factory(extra_yaml=GFI_YAML + steps, github=RecordingGitHub()) as chat:
        assert [c.name for c in chat.app.cogs if isinstance(c, HeldIssues)] == ["good_first_issues"]
        seed(chat.app.db, REPO, standard_board(chat.clock.now()))
        [claimed] = await chat.command("bob", f"/gfi claim {REPO}#8")
        assert f"You claimed {REPO}#8" in claimed.text
        [step] = await chat.command("alice", "/onboard start first")
        assert f"{REPO}#1" in step.text and "Fix typo in README" in step.text
        assert "Improve error text" not in step.text
