"""The Slack Home tab end to end: claims and shifts shown on ``app_home_opened``, and refreshed by
``views.publish`` when a claim starts or ends, a waitlist place turns into an offer, or a shift hands off."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.clock import FakeClock
from bot.core.messages import Block, Header, Section
from bot.i18n import Reader
from cogs.oncall import OncallCog
from tests.cogs.good_first_issues.conftest import GFI_YAML, REPO, seed, standard_board
from tests.cogs.oncall.test_e2e import CONFIG as ONCALL_YAML
from tests.cogs.oncall.test_e2e import _identities
from tests.fakes.github.port_double import RecordingGitHub
from tests.fixtures.chat import Identities
from tests.fixtures.chat_slack import SlackDriver, readable, slack_chat

BERLIN = ZoneInfo("Europe/Berlin")


def _config(who: Identities) -> str:
    return GFI_YAML + ONCALL_YAML + _identities(who)


def _homes(chat: SlackDriver, user: str) -> list[str]:
    names = {uid: name for name, uid in chat.world.ids.items()}
    uid = chat.uid(user)
    return [readable(r.blocks, names) for r in chat.fake.recorded if r.kind == "home" and r.user == uid]


async def _open_home(chat: SlackDriver, user: str) -> str:
    sent = await chat.sender.event(
        {"type": "app_home_opened", "user": chat.uid(user), "channel": "D1", "tab": "home"}
    )
    assert sent.status == 200
    await chat.adapter.drain(within=30)
    return _homes(chat, user)[-1]


async def test_home_shows_claims_and_shifts_and_follows_changes(
    database_url: str, tmp_path: Path, github: RecordingGitHub
) -> None:
    clock = FakeClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))  # Monday 10:00 Berlin: alice is on call
    async with slack_chat(database_url, tmp_path, extra_yaml=_config, clock=clock, github=github) as chat:
        seed(chat.app.db, REPO, standard_board(clock.now()))
        await chat.command("alice", "/steward timezone Asia/Shanghai")

        empty = await _open_home(chat, "alice")
        assert "Good first issues" in empty and "/gfi list" in empty
        assert "You are on call for core now, until Mon Jan 12, 2026, 4:00\u202fPM." in empty  # her zone
        assert "Times in Asia/Shanghai." in empty

        [claimed] = await chat.command("alice", f"/gfi claim {REPO}#2")
        assert f"You claimed {REPO}#2" in claimed.text
        home = _homes(chat, "alice")[-1]  # refreshed without opening the tab again
        assert "Your claims (1):" in home
        assert f"{REPO}#2 Add a unit test for parser <https://github.com/{REPO}/issues/2>" in home
        assert (
            "claimed Jan 5, 2026, 5:00\u202fPM China Standard Time · expires" in home
            and "reminder on" in home
        )
        assert "/gfi list" not in home

        before = len(_homes(chat, "bob"))
        await chat.command("bob", f"/gfi waitlist {REPO}#2")
        bob = _homes(chat, "bob")
        assert len(bob) == before + 1 and "number 1 in line" in bob[-1]
        assert (
            "You are not on call right now." in bob[-1] and "core Mon Jan 12, 2026, 9:00\u202fAM" in bob[-1]
        )

        await chat.command("alice", f"/gfi unclaim {REPO}#2")
        assert "Your claims" not in _homes(chat, "alice")[-1] and "/gfi list" in _homes(chat, "alice")[-1]
        assert "reserved for you until" in _homes(chat, "bob")[-1]

        # Monday 09:00 Berlin a week on: the handoff refreshes the outgoing and the incoming person.
        cog = next(c for c in chat.app.cogs if isinstance(c, OncallCog))
        clock.set(datetime(2026, 1, 12, 9, 1, tzinfo=BERLIN))
        alice_count, bob_count = len(_homes(chat, "alice")), len(_homes(chat, "bob"))
        await cog.ticker.tick()
        await chat.adapter.drain(within=30)
        assert len(_homes(chat, "alice")) == alice_count + 1 and len(_homes(chat, "bob")) == bob_count + 1
        assert (
            "You are on call for core now, until Mon Jan 19, 2026, 9:00\u202fAM." in _homes(chat, "bob")[-1]
        )
        assert "You are not on call right now." in _homes(chat, "alice")[-1]
        await cog.ticker.tick()  # nothing new happened: no further publish
        await chat.adapter.drain(within=30)
        assert len(_homes(chat, "bob")) == bob_count + 1

        # Swap requests addressed to someone show on their Home.
        await chat.command("bob", "/oncall swap 2026-01-13 carol")
        carol = _homes(chat, "carol")[-1]
        assert "Swap requests for you:" in carol and "bob asks you to take the core shift" in carol


async def test_a_home_longer_than_slack_shows_names_the_section_left_out(
    database_url: str, tmp_path: Path, github: RecordingGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    async with slack_chat(database_url, tmp_path, extra_yaml=_config, clock=clock, github=github) as chat:
        cog = next(c for c in chat.app.cogs if isinstance(c, OncallCog))

        async def long_section(member_id: int, reader: Reader) -> list[Block]:
            return [Header("On call"), *(Section(f"shift {i}") for i in range(120))]

        monkeypatch.setattr(cog, "home_section", long_section)
        home = await _open_home(chat, "alice")
        assert "shift 0" not in home  # left out whole, not cut after a few
        assert "Good first issues" in home and "/gfi list" in home  # the section after it still shows
        assert "Not shown here, for lack of room: On call. Their commands show everything." in home
        assert home.rstrip().endswith("Type /steward help for every command.")
