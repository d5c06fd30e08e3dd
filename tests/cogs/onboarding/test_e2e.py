"""Onboarding end to end on console, Discord and Slack: join -> greeting -> path -> GitHub -> finished."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
from sqlmodel import select

from bot.app import App
from bot.core.community_events import ContributionCredited
from bot.core.moments import Day
from bot.db.models import Member, PlatformIdentity
from bot.i18n import Reader
from cogs.onboarding import OnboardingCog
from tests.fakes.github import FakeGitHub
from tests.fixtures.chat import ChatDriver, ChatFactory, Identities, Reply
from tests.fixtures.github import FAKE_TOKEN

SECRET = "onboarding-webhook-secret"
PATHS = """onboarding:
  greet_batch_max_names: 2
  paths:
    - id: first-steps
      title: {en: First steps, zh-CN: 第一步}
      description: Your first merged pull request.
      steps:
        - id: first-pr
          title: Fix a small bug
          description: Pick one of the issues below.
          links:
            - {title: Contributing guide, url: "https://example.org/contributing"}
          labels: [good first issue]
          completes: merged_pr
          repos: [Codertocat/Hello-World, acme/widgets]
        - id: say-hello
          title: Say hello in the community channel
          completes: self_report
    - id: internals
      title: Compiler internals
      steps:
        - {id: read-design, title: Read the design notes}
"""


def onboarding_yaml(fake: FakeGitHub) -> str:
    github = (
        "github:\n  repos: [Codertocat/Hello-World, acme/widgets]\n"
        f"  token: {FAKE_TOKEN}\n  api_url: {fake.base_url}\n  rate_limit_reserve: 10\n"
        f"  webhook_secret: {SECRET}\n"
    )
    return github + PATHS


def cog_of(app: App) -> OnboardingCog:
    return next(c for c in app.cogs if isinstance(c, OnboardingCog))


async def settle(chat: ChatDriver) -> None:
    """Let the first GitHub sync and the welcome-DM queue finish."""
    github = chat.app.services.github
    if github is not None:
        await github.first_sync_done()
    await cog_of(chat.app).greeter.drain()


async def link_github(app: App, platform: str, user_id: str, login: str) -> None:
    """What `/steward link github` leaves behind: a verified login."""

    def write(session: Any) -> None:
        identity = session.exec(
            select(PlatformIdentity).where(
                PlatformIdentity.platform == platform, PlatformIdentity.platform_user_id == user_id
            )
        ).one()
        member = session.get(Member, identity.member_id)
        member.github_login, member.github_login_lower = login, login.lower()
        member.github_verified_at = app.clock.now()
        session.add(member)

    await app.db.run(write)


async def post_webhook(app: App, event: str, payload: dict[str, Any], delivery: str) -> int:
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    headers = {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery,
        "X-Hub-Signature-256": signature,
        "Content-Type": "application/json",
    }
    url = f"http://127.0.0.1:{app.http.port}/github/webhook"
    async with aiohttp.ClientSession() as session, session.post(url, data=body, headers=headers) as resp:
        status = resp.status
    webhooks = app.services.github.webhooks  # type: ignore[union-attr]
    await webhooks.drain()
    return status


def merged_payload(shared_fixtures: Path) -> dict[str, Any]:
    """The verbatim pull_request.closed example, merged (octokit has no merged example)."""
    closed = json.loads((shared_fixtures / "github-webhooks" / "pull_request.closed.json").read_text())
    merged = copy.deepcopy(closed)
    merged["pull_request"].update(
        merged=True, merged_at="2019-05-15T16:00:00Z", updated_at="2019-05-15T16:00:00Z"
    )
    merged["pull_request"]["merge_commit_sha"] = "c4295bd74fb0f4fda03689c3df3f2803b658fd85"
    return merged


def only(replies: list[Reply], kind: str | None = None) -> Reply:
    found = [r for r in replies if kind is None or r.kind == kind]
    assert found, replies
    return found[-1]


async def test_join_path_github_and_finish(
    chat_factory: ChatFactory, fake_github: FakeGitHub, shared_fixtures: Path
) -> None:
    fake_github.state.add_repo("Codertocat/Hello-World")
    fake_github.state.add_repo("acme/widgets")
    fake_github.state.add_issue("acme/widgets", title="Fix the typo in README", labels=["good first issue"])
    fake_github.state.add_issue("acme/widgets", title="Taken already", labels=["good first issue"],
                                assignees=["someone"])  # fmt: skip
    fake_github.state.add_issue("acme/widgets", title="Rewrite the scheduler", labels=["hard"])

    def extra(who: Identities) -> str:
        return onboarding_yaml(fake_github)

    async with chat_factory(extra_yaml=extra, maintainers=["mia"]) as chat:
        credits: list[ContributionCredited] = []

        async def record(event: ContributionCredited) -> None:
            credits.append(event)

        chat.app.bus.subscribe(ContributionCredited, record)
        chat.app.scheduler.shutdown()  # jobs run only when the test ticks (not on real minutes)
        await chat.app.scheduler.tick()  # the scheduler's first look: nothing was missed
        await settle(chat)
        await chat.join("alice")
        await chat.join("alice")  # a second delivery of the same join greets nobody twice
        await chat.join("bob")
        await chat.join("carol")
        await settle(chat)

        # One welcome DM each, with the paths as buttons.
        [dm] = chat.dms("alice")
        assert "Welcome to Demo Project!" in dm.text
        assert dm.buttons == ["First steps", "Compiler internals"]
        assert len(chat.dms("bob")) == 1 and len(chat.dms("carol")) == 1

        # The channel greeting waits for the batch window, then names two and counts the rest.
        assert chat.posts("welcome") == []
        chat.clock.advance(minutes=1)
        await chat.app.scheduler.tick()
        [greeting] = chat.posts("welcome")
        assert "Welcome @alice, @bob and 1 more!" in greeting.text
        assert greeting.buttons == ["First steps", "Compiler internals"]
        chat.clock.advance(minutes=1)
        await chat.app.scheduler.tick()
        assert len(chat.posts("welcome")) == 1  # nobody new: no second greeting

        # Pick a path by button: step 1 lists the matching open, unassigned good first issue.
        step1 = only(await chat.click("alice", dm, "First steps"))
        assert "Step 1 of 2: Fix a small bug" in step1.text
        assert "acme/widgets#1" in step1.text and "Fix the typo in README" in step1.text
        assert "Taken already" not in step1.text and "Rewrite the scheduler" not in step1.text
        assert "Contributing guide" in step1.text
        again = only(await chat.command("alice", "/onboard start first-steps"))
        assert "You are already on the path 'First steps'" in again.text  # its title, not its id

        # A self-report does not complete a merged-PR step.
        refused = only(await chat.command("alice", "/onboard done"))
        assert "completes by itself when a pull request of yours is merged" in refused.text

        # The merged-PR webhook (real payload shape, signed, over HTTP) completes the step once the
        # PR author's GitHub login is linked to alice.
        await link_github(chat.app, chat.platform, await platform_id(chat, "alice"), "Codertocat")
        status = await post_webhook(chat.app, "pull_request", merged_payload(shared_fixtures), "d-merge")
        assert status == 200
        congrats = chat.dms("alice")[-1]
        assert "Well done — you finished: Fix a small bug!" in congrats.text
        assert "Step 2 of 2: Say hello in the community channel" in congrats.text
        assert congrats.buttons == ["I've done this"]

        progress = only(await chat.command("alice", "/onboard progress"))
        assert "✅ Fix a small bug" in progress.text and "➡️ Say hello" in progress.text
        # The day it was done, written for the reader (in their zone and language), not 2026-01-05.
        done_on = Day(chat.clock.now())
        assert f"(done {chat.app.catalog.translate('en', 'core.time.at', at=done_on)})" in progress.text
        assert "(done 20" not in progress.text

        # Finishing the path: a reply, the announcement in the community channel, a spotlight credit.
        finished = only(await chat.click("alice", congrats, "I've done this"), "reply")
        assert "You finished your onboarding path!" in finished.text
        [announcement] = chat.posts("community")
        assert "@alice finished the onboarding path 'First steps'" in announcement.text
        assert [(c.kind, c.github_login, c.detail) for c in credits] == [
            ("path_finished", "Codertocat", "First steps")
        ]

        # Maintainers see the funnel; others may not.
        denied = only(await chat.command("bob", "/onboard stats"))
        assert "maintainers" in denied.text.lower()
        stats = only(await chat.command("mia", "/onboard stats"))
        assert "Joined: 3 (100%)" in stats.text
        assert "Picked a path: 1 (33%)" in stats.text
        assert "Step 2 done: 1 (33%)" in stats.text


async def platform_id(chat: ChatDriver, name: str) -> str:
    """The platform user id the driver uses for ``name``."""
    if chat.platform == "discord":
        return str(chat.fake.user_named(name).id)  # type: ignore[attr-defined]
    if chat.platform == "slack":
        return str(chat.uid(name))  # type: ignore[attr-defined]
    return name


async def test_nudges_at_most_twice_with_a_stop_button(database_url: str, tmp_path: Path) -> None:
    from tests.fixtures.chat import console_chat

    async with console_chat(database_url, tmp_path, PATHS) as chat:
        chat.app.scheduler.shutdown()  # jobs run only when the test ticks
        await chat.app.scheduler.tick()
        await chat.join("dana")
        await chat.command("dana", "/onboard start internals")
        nudges = []
        for _ in range(4):
            chat.clock.advance(days=7)
            await chat.app.scheduler.tick()
            nudges = [d for d in chat.dms("dana") if "How is" in d.text]
        assert len(nudges) == 2  # max_nudges
        assert nudges[0].buttons == ["Show my step", "Stop reminders"]
        step = only(await chat.click("dana", nudges[0], "Show my step"))
        assert "Step 1 of 1: Read the design notes" in step.text
        stopped = only(await chat.click("dana", nudges[1], "Stop reminders"))
        assert "No more reminders" in stopped.text
        # Reminders are per path: a newly started path is nudged again.
        await chat.command("dana", "/onboard stop")
        await chat.command("dana", "/onboard start first-steps")
        chat.clock.advance(days=8)
        await chat.app.scheduler.tick()
        assert len([d for d in chat.dms("dana") if "How is" in d.text]) == 3


async def test_home_page_and_digest_sections(database_url: str, tmp_path: Path) -> None:
    from bot.core.messages import Message
    from bot.core.plaintext import render_plain
    from tests.fixtures.chat import console_chat

    async with console_chat(database_url, tmp_path, PATHS) as chat:
        start = chat.clock.now()
        await chat.join("erin")
        await chat.command("erin", "/onboard start internals")
        await chat.command("erin", "/onboard done")
        cog = cog_of(chat.app)
        member_id = await chat.app.db.run(
            lambda s: s.exec(
                select(PlatformIdentity.member_id).where(PlatformIdentity.platform_user_id == "erin")
            ).one()
        )
        reader = await chat.app.services.reader_of(member_id)
        home = render_plain(Message(await cog.home_section(member_id, reader)))
        assert "Onboarding" in home and "✅ Read the design notes" in home and "Path finished." in home
        digest = render_plain(
            Message(await cog.digest_section(start, chat.clock.now() + timedelta(days=1), Reader("zh-CN")))
        )
        assert "已加入: 1" in digest and "走完了一条路径: 1" in digest
        earlier = (start - timedelta(days=9), start - timedelta(days=2))
        assert await cog.digest_section(*earlier, Reader("en")) == []
