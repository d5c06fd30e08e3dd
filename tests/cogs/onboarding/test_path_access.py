"""A path's Discord role and Slack channel, given through the real adapters to the loopback fakes."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from bot.app import App
from bot.db.models import PlatformIdentity
from cogs.onboarding import OnboardingCog
from cogs.onboarding.models import Enrollment
from tests.fakes.discord import FakeDiscord
from tests.fixtures.chat import Identities, console_chat
from tests.fixtures.chat_discord import discord_chat
from tests.fixtures.chat_slack import slack_chat


def paths_yaml(kernel: str, docs: str, key: str) -> str:
    return f"""onboarding:
  paths:
    - id: kernel
      title: Kernels
      {key}: {kernel}
      steps:
        - {{id: read, title: Read the kernel guide}}
    - id: docs
      title: Documentation
      {key}: {docs}
      steps:
        - {{id: write, title: Fix a page}}
    - id: plain
      title: No extras
      steps:
        - {{id: look, title: Look around}}
"""


def cog_of(app: App) -> OnboardingCog:
    return next(c for c in app.cogs if isinstance(c, OnboardingCog))


async def pending(app: App, platform: str, user_id: str) -> dict[str, bool]:
    """path id -> access_pending of that person's enrollments."""

    def read(session: object) -> dict[str, bool]:
        identity = session.exec(  # type: ignore[attr-defined]
            select(PlatformIdentity).where(
                PlatformIdentity.platform == platform, PlatformIdentity.platform_user_id == user_id
            )
        ).one()
        rows = session.exec(select(Enrollment).where(Enrollment.member_id == identity.member_id))  # type: ignore[attr-defined]
        return {r.path_id: r.access_pending for r in rows}

    return await app.db.run(read)


async def test_discord_role_given_refused_retried_and_taken_back(database_url: str, tmp_path: Path) -> None:
    fake = FakeDiscord()
    await fake.start()
    fake.add_role()  # the fixture's maintainer role is the first one
    kernel, docs = fake.add_role(), fake.add_role()
    fake.roles_above_bot.add(docs)  # Steward's own role sits below it: Discord answers 50013
    try:
        async with discord_chat(
            database_url, tmp_path, extra_yaml=paths_yaml(kernel, docs, "discord_role_id"),
            maintainers=["mia"], fake=fake,
        ) as chat:  # fmt: skip
            replies = await chat.command("ana", "/onboard start kernel")
            ana = fake.user_named("ana")
            assert kernel in ana.roles
            assert "could not add you" not in replies[-1].text
            assert ("PUT", ana.id, kernel, "onboarding path kernel") in fake.audit_log

            # Switching: the old path's role goes, the new one is refused for want of permission.
            replies = await chat.command("ana", "/onboard start docs")
            assert kernel not in ana.roles and docs not in ana.roles
            assert "could not add you to this path's role on Discord" in replies[-1].text
            assert await pending(chat.app, "discord", ana.id) == {"kernel": False, "docs": True}
            await chat.command("ben", "/onboard start docs")
            problems = [p for p in chat.posts("maintainers") if "Documentation" in p.text]
            assert len(problems) == 1, "maintainers are told once a day per problem, not per person"
            assert "Manage Roles" in problems[0].text and docs in problems[0].text

            # A maintainer fixes the role order; the next nudges run gives everyone what was owed.
            fake.roles_above_bot.clear()
            await cog_of(chat.app).progress_events.nudges_job()
            assert docs in ana.roles and docs in fake.user_named("ben").roles
            assert await pending(chat.app, "discord", ana.id) == {"kernel": False, "docs": False}

            await chat.command("ana", "/onboard stop")
            assert docs not in ana.roles
            requests = len(fake.audit_log)
            await chat.command("ana", "/onboard start plain")
            assert len(fake.audit_log) == requests, "a path without a role changes no roles"
    finally:
        await fake.stop()


async def test_slack_channel_invites(database_url: str, tmp_path: Path) -> None:
    async with slack_chat(
        database_url, tmp_path, extra_yaml=paths_yaml("'#kernel'", "G0DOCS", "slack_channel"),
        maintainers=["mia"],
    ) as chat:  # fmt: skip
        fake = chat.fake
        fake.channels["C0KERNEL"] = "kernel"  # a #name is looked up when it is first needed
        fake.not_member.add("G0DOCS")  # a private channel the app was not invited to
        ana = chat.uid("ana")

        await chat.command("ana", "/onboard start kernel")
        assert ana in fake.channel_members["C0KERNEL"]
        replies = await chat.command("ana", "/onboard start docs")
        assert ana in fake.channel_members["C0KERNEL"], "nobody is taken out of a Slack channel"
        assert "could not add you to this path's channel on Slack" in replies[-1].text
        [problem] = [p for p in chat.posts("maintainers") if "Documentation" in p.text]
        assert "/invite @Steward" in problem.text
        assert await pending(chat.app, "slack", ana) == {"kernel": False, "docs": True}

        fake.not_member.discard("G0DOCS")
        await cog_of(chat.app).progress_events.nudges_job()
        assert ana in fake.channel_members["G0DOCS"]
        assert await pending(chat.app, "slack", ana) == {"kernel": False, "docs": False}

        # Already in the channel counts as done (Slack says already_in_channel).
        await chat.command("ana", "/onboard start kernel")
        assert [c.error for c in fake.calls_of("conversations.invite")][-1] == "already_in_channel"
        assert await pending(chat.app, "slack", ana) == {"kernel": False, "docs": False}


async def test_console_has_no_groups_and_owes_none(database_url: str, tmp_path: Path) -> None:
    def extra(who: Identities) -> str:
        return paths_yaml("100000000000000300", "200000000000000300", "discord_role_id")

    async with console_chat(database_url, tmp_path, extra_yaml=extra(Identities("console", str))) as chat:
        replies = await chat.command("ana", "/onboard start kernel")
        assert "could not add you" not in replies[-1].text
        assert await pending(chat.app, "console", "ana") == {"kernel": False}
