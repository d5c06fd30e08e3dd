"""While a waitlist offer runs, the issue is shown as reserved (to whom, until when, no Claim button)
and onboarding does not suggest it, on every platform; once the offer lapses it is free again."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from tests.cogs.good_first_issues.conftest import GFI_YAML, REPO, standard_board
from tests.cogs.good_first_issues.conftest import seed as seed_issues
from tests.fakes.github.port_double import RecordingGitHub
from tests.fixtures.chat import ChatFactory

ONBOARDING = """onboarding:
  paths:
    - id: docs
      title: Docs
      steps:
        - {id: first-fix, title: Fix something small, labels: [good first issue], completes: merged_pr}
"""


async def test_an_offered_issue_is_reserved_everywhere(
    chat_factory: ChatFactory, github: RecordingGitHub
) -> None:
    async with chat_factory(extra_yaml=GFI_YAML + ONBOARDING, github=github) as chat:
        seed_issues(chat.app.db, REPO, standard_board(chat.clock.now()))
        await chat.command("alice", f"/gfi claim {REPO}#1")
        [waiting] = await chat.command("bob", f"/gfi waitlist {REPO}#1")
        assert "number 1 on the waitlist" in waiting.text
        await chat.command("alice", f"/gfi unclaim {REPO}#1")
        [offer] = chat.dms("bob")
        assert "reserved for you" in offer.text and "Claim widgets#1" in offer.buttons

        pages = [await chat.command("carol", "/gfi list"), await chat.command("carol", "/gfi list page:2")]
        listing = "\n".join(r.text for page in pages for r in page)
        buttons = [b for page in pages for r in page for b in r.buttons]
        line = next(x for x in listing.splitlines() if f"{REPO}#1 " in x)
        until = chat.clock.now() + timedelta(days=2)
        assert "reserved for bob (next on its waitlist) until" in line, line
        shown = until.astimezone(ZoneInfo("Europe/Berlin"))  # the project's zone
        assert f"until {shown:%b %-d, %Y}, " in line
        assert "Claim widgets#1" not in buttons and "Claim widgets#8" in buttons

        [shown] = await chat.command("carol", f"/gfi show {REPO}#1")
        assert "for bob (next on its waitlist) until" in shown.text and "Claim widgets#1" not in shown.buttons
        assert "Waiting" not in shown.text  # bob is not also counted as someone waiting behind him

        started = "\n".join(r.text for r in await chat.command("carol", "/onboard start docs"))
        assert f"{REPO}#8" in started and f"{REPO}#1 " not in started
        suggested = "\n".join(r.text for r in await chat.command("carol", "/onboard next"))
        assert f"{REPO}#8" in suggested and f"{REPO}#1 " not in suggested

        [claimed] = await chat.click("bob", offer, "Claim widgets#1")
        assert f"You claimed {REPO}#1" in claimed.text
