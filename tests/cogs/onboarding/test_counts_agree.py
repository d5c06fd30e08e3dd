"""One definition of joined / picked a path / finished a step: the digest's welcome line, its
newcomers section and `/onboard stats` report the same figures for the same history, on every
platform (a person switching paths or running commands without joining counts once, or not at all)."""

from __future__ import annotations

import re

from cogs.onboarding import OnboardingCog
from tests.fixtures.chat import ChatDriver, ChatFactory, Reply

PATHS = """onboarding:
  paths:
    - id: first-steps
      title: First steps
      steps:
        - {id: say-hello, title: Say hello, completes: self_report}
        - {id: read-guide, title: Read the guide, completes: self_report}
    - id: internals
      title: Compiler internals
      steps:
        - {id: read-design, title: Read the design notes}
"""


def _text(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


def _figure(text: str, label: str) -> int:
    found = re.search(rf"{label}\W+(\d+)", text)
    assert found, f"no {label!r} in:\n{text}"
    return int(found.group(1))


async def _settle(chat: ChatDriver) -> None:
    await next(c for c in chat.app.cogs if isinstance(c, OnboardingCog)).greeter.drain()


async def test_digest_and_stats_count_the_same_people(chat_factory: ChatFactory) -> None:
    async with chat_factory(extra_yaml=PATHS, maintainers=["mia"]) as chat:
        for name in ("amy", "ben", "cat"):
            await chat.join(name)
        await _settle(chat)
        await chat.command("zoe", "/onboard paths")  # ran a command, never joined: not a newcomer
        # amy switches paths (one person who picked), then finishes the one-step path.
        await chat.command("amy", "/onboard start first-steps")
        await chat.command("amy", "/onboard start internals")
        await chat.command("amy", "/onboard done")
        await chat.command("ben", "/onboard start first-steps")  # picked, no step yet
        chat.clock.advance(hours=2)

        [sent] = [r for r in await chat.command("mia", "/steward digest send") if r.kind == "reply"]
        assert "posted to 1 channel" in sent.text
        digest = "\n".join(p.text for p in chat.posts("digest"))
        welcome = re.search(r"Welcome to our (\d+) new member\S*:? ([^\n]*)", digest)
        assert welcome, digest
        assert int(welcome.group(1)) == 3
        assert [n.strip() for n in welcome.group(2).split(",")] == ["amy", "ben", "cat"]
        assert "zoe" not in digest and "mia" not in digest
        section = (
            _figure(digest, "Joined"),
            _figure(digest, "Picked a path"),
            _figure(digest, "Finished a step"),
        )
        assert section == (3, 2, 1)
        assert _figure(digest, "Finished a path") == 1
        # The figures are this week's newcomers': the digest says so, as /onboard stats does.
        assert "Of the people who joined this week, as of the digest." in digest

        stats = _text(await chat.command("mia", "/onboard stats 7"))
        assert (
            _figure(stats, "Joined"),
            _figure(stats, "Picked a path"),
            _figure(stats, "Step 1 done"),
        ) == section
