"""Every argument that names a person goes through the one member resolver, on every platform:
group mentions and unknown names are refused with a clear message, nothing is announced or
recorded for them, and the digest's welcome never lists a phantom."""

from __future__ import annotations

from sqlmodel import func, select

from bot.db.models import Member
from cogs.onboarding import OnboardingCog
from tests.fixtures.chat import ChatDriver, ChatFactory, Identities, Reply

CONFIG = """oncall:
  rotations:
    - name: core
      members: [alice-gh, bob-gh]
      shift_length: 1w
      handoff_time: "09:00"
      start_date: 2026-01-05
      timezone: Europe/Berlin
spotlight:
  lookback_weeks: 12
onboarding:
  paths:
    - id: docs
      title: Docs
      steps:
        - {id: hello, title: Say hello}
"""


def _config(who: Identities) -> str:
    people = "".join(
        f"  - github: {p}-gh\n    {who.platform}: {who.id(p)}\n" for p in ("alice", "bob", "mia")
    )
    return CONFIG + "maintainers:\n" + people


def only(replies: list[Reply]) -> Reply:
    answers = [r for r in replies if r.kind == "reply"]
    assert len(answers) == 1, replies
    return answers[0]


async def _members(chat: ChatDriver) -> int:
    return int(await chat.app.db.run(lambda s: s.exec(select(func.count()).select_from(Member)).one()))


async def test_groups_and_unknown_names_are_refused_everywhere(chat_factory: ChatFactory) -> None:
    async with chat_factory(extra_yaml=_config) as chat:
        await chat.command("mia", "/steward help")  # mia is known from here on
        before = await _members(chat)
        for line, expected in (
            ("/spotlight nominate @everyone great person", "'@everyone' names a group, not a person"),
            ("/spotlight nominate @here", "'@here' names a group, not a person"),
            (
                "/spotlight invite nobody-xyz-123",
                "I don't know anyone called 'nobody-xyz-123' in this community",
            ),
            ("/spotlight nominate slack:U0NOBODY", "I don't know anyone called 'slack:U0NOBODY'"),
        ):
            assert expected in only(await chat.command("mia", line)).text, line
        if chat.platform != "discord":  # Discord's user picker only ever offers real accounts
            for line, expected in (
                ("/oncall override core nobody-xyz-123", "I don't know anyone called 'nobody-xyz-123'"),
                ("/oncall override core here", "'@here' names a group, not a person"),
                ("/onboard progress everyone", "'@everyone' names a group, not a person"),
            ):
                refused = only(await chat.command("mia", line)).text
                assert expected in refused and "here here" not in refused, (line, refused)
            assert chat.posts("oncall") == []
        assert await _members(chat) == before  # nobody was created for a refused name

        ranked = only(await chat.command("mia", "/spotlight candidates")).text
        assert "nobody is nominated" in ranked and "nobody-xyz" not in ranked

        # Real people still resolve: a configured maintainer by GitHub login, someone seen by chat name.
        bob = "@bob" if chat.platform == "discord" else "BOB-GH"  # Discord: picked in the user picker
        done = only(await chat.command("mia", f"/oncall override core {bob}")).text
        assert "bob" in done and "on call for core" in done
        await chat.command("carol", "/steward help")
        progress = only(await chat.command("mia", "/onboard progress carol")).text
        assert "carol has not started an onboarding path" in progress
        assert "is nominated" in only(await chat.command("mia", "/spotlight nominate alice-gh Reviews")).text

        await chat.join("newbie")
        await next(c for c in chat.app.cogs if isinstance(c, OnboardingCog)).greeter.drain()
        chat.clock.advance(hours=1)
        await chat.command("mia", "/steward digest send")
        digest = "\n".join(p.text for p in chat.posts("digest"))
        assert "newbie" in digest
        for phantom in ("everyone", "nobody", "@here", "mia", "alice", "bob"):
            assert phantom not in digest.split("Welcome to our", 1)[-1].split("\n", 1)[0], phantom
