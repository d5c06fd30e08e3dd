"""/oncall against the real GitHub layer (PyGithub-free client, outbox, sync) and the loopback fake.

Items that existed before the bot arrive by the first sync, with no events: the queue lists them and
the stats' backlog counts them. GitHub refuses the "ask author" comment once (as it does on a locked
issue): the person who pressed and the rotation channel are told, the item no longer shows as asked,
and pressing the button again really asks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlmodel import col, func, select

from bot.core.clock import FakeClock
from bot.db.database import Database
from bot.db.models import TrackedIssue
from cogs.oncall import OncallCog
from cogs.oncall.models import OncallTriage
from tests.fakes.github import FakeGitHub
from tests.fixtures.chat import ChatFactory, Identities, Reply
from tests.fixtures.github import FAKE_TOKEN

REPO = "acme/widgets"
PEOPLE = ("alice", "bob", "mia")
ONCALL = """oncall:
  rotations:
    - name: core
      repos: [acme/widgets]
      members: [alice, bob]
      shift_length: 1w
      start_date: 2026-01-05
      timezone: Europe/Berlin
  triage_labels: [bug]
  sla: 1d
  required_sections: [Environment]
"""


async def _eventually(check: Callable[[], Any], what: str, seconds: float = 15.0) -> Any:
    for _ in range(int(seconds / 0.05)):
        result = check()
        if result:
            return result
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _config(fake: FakeGitHub) -> Callable[[Identities], str]:
    def text(who: Identities) -> str:
        github = (
            f"github:\n  repos: [{REPO}]\n  token: {FAKE_TOKEN}\n  api_url: {fake.base_url}\n"
            "  rate_limit_reserve: 10\n  bot_logins: [ci-robot]\n"
        )
        people = "".join(f"  - github: {p}\n    {who.platform}: {who.id(p)}\n" for p in PEOPLE)
        return github + ONCALL + "maintainers:\n" + people

    return text


def _record(db: Database, number: int) -> OncallTriage:
    query = select(OncallTriage).where(col(OncallTriage.number) == number)
    return db.call(lambda s: s.exec(query).one())


def _text(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


async def test_refused_ask_is_reported_and_can_be_retried_and_old_items_count(
    chat_factory: ChatFactory, fake_github: FakeGitHub
) -> None:
    clock = FakeClock()
    state = fake_github.state
    state.now = clock.now() - timedelta(days=3)  # the items were opened before the bot started
    state.add_repo(REPO, collaborators={p: "admin" for p in PEOPLE})
    state.add_issue(REPO, title="Crash on start", author="newcomer", body="It crashes.")  # #1
    state.add_issue(REPO, title="Typo", author="newcomer", labels=["bug"])  # #2: triaged before the bot
    state.add_issue(REPO, title="Bump deps", author="ci-robot")  # #3: a configured bot account
    state.add_issue(REPO, title="Update lockfile", author="renovate[bot]", author_type="Bot")  # #4

    async with chat_factory(extra_yaml=_config(fake_github), clock=clock) as chat:
        db = chat.app.db
        count = select(func.count()).select_from(TrackedIssue)
        await _eventually(lambda: db.call(lambda s: s.exec(count).one()) == 4, "the first sync")

        # A record an earlier version stored without a rotation is filed under core at start-up.
        escalated = OncallTriage(repo=REPO, number=2, opened_at=clock.now(), escalated_at=clock.now())
        db.call(lambda s: s.add(escalated))
        await next(c for c in chat.app.cogs if isinstance(c, OncallCog)).start()
        assert _record(db, 2).rotation == "core"

        queue = await chat.command("alice", "/oncall queue")
        text = _text(queue)
        assert "Untriaged in all rotations: 1" in text and f"{REPO}#1" in text
        assert all(f"{REPO}#{n}" not in text for n in (2, 3, 4))
        stats = _text(await chat.command("mia", "/oncall stats core"))
        # #1 was opened on Friday: it waits at the end of last week and now, and at no earlier week end.
        assert stats.count("backlog 1") == 2 and stats.count("backlog 0") == 6

        # GitHub refuses the comment for good (403, as on a locked issue).
        fake_github.fail_next(403, count=1, path_prefix=f"/repos/{REPO}/issues/1/comments")
        asked = _text(await chat.click("alice", queue[0], "Ask author #1"))
        assert f"Asked the author of {REPO}#1" in asked
        refusal = f"Could not ask the author of {REPO}#1"
        dm = await _eventually(lambda: [m for m in chat.dms("alice") if refusal in m.text], "the DM")
        assert "not allowed to comment" in dm[0].text
        await _eventually(lambda: [p for p in chat.posts("oncall") if refusal in p.text], "the channel post")
        assert state.repo(REPO).comments.get(1, []) == []

        # The item no longer shows as asked, and its button works again.
        queue = await chat.command("bob", "/oncall queue core")
        assert "(author asked)" not in _text(queue)
        assert any("Ask author #1" in r.buttons for r in queue)
        await chat.click("bob", queue[0], "Ask author #1")
        comments = await _eventually(lambda: state.repo(REPO).comments.get(1), "the comment on GitHub")
        assert "- Environment" in comments[0]["body"] and "@newcomer" in comments[0]["body"]
        assert "(author asked)" in _text(await chat.command("alice", "/oncall queue"))
        posts = fake_github.requests("POST", f"/repos/{REPO}/issues/1/comments")
        assert [p.status for p in posts] == [403, 201]

        record = _record(db, 1)
        assert record.rotation == "core" and record.sections_requested_at is not None
        # Nobody was told twice, and the successful ask told nobody anything.
        assert len([m for m in chat.dms("alice") if refusal in m.text]) == 1
        assert not [m for m in chat.dms("bob") if refusal in m.text]
        assert len([p for p in chat.posts("oncall") if refusal in p.text]) == 1
