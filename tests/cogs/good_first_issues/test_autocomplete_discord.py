"""/gfi autocomplete through real discord.py and the fake Discord: what a person sees while typing."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

from tests.cogs.good_first_issues.conftest import GFI_YAML, REPO, item, seed, standard_board
from tests.fakes.github.port_double import RecordingGitHub
from tests.fixtures.chat import CHAT_FACTORIES

AUTOCOMPLETE = 4
HOSTILE = "@everyone\n**click** <https://evil.example>\u202e " + "x" * 120


async def _suggest(
    chat: Any, user: str, path: str, option: str, typed: Any, **others: Any
) -> list[dict[str, Any]]:
    """The choices Discord shows ``user`` while typing ``typed`` into ``option`` of ``/path``."""
    group, sub = path.split()
    options = [{"name": k, "type": 3, "value": v} for k, v in others.items()]
    options.append({"name": option, "type": 3, "value": typed, "focused": True})
    registered = {c["name"]: c["id"] for c in chat.fake.guild_commands[chat.fake.guild_id]}
    data = {
        "id": registered[group],
        "name": group,
        "type": 1,
        "options": [{"name": sub, "type": 1, "options": options}],
    }
    interaction = chat.fake.interaction_payload(AUTOCOMPLETE, chat.user(user), chat.general, data)
    await chat.fake.send_interaction(interaction)
    await asyncio.wait_for(interaction.answered.wait(), 10)
    assert interaction.response_type == 8
    choices: list[dict[str, Any]] = (interaction.response or {})["choices"]
    return choices


def _values(choices: list[dict[str, Any]]) -> list[Any]:
    return [c["value"] for c in choices]


async def test_gfi_options_suggest_repos_filters_and_issues(database_url: str, tmp_path: Path) -> None:
    github = RecordingGitHub()
    discord_chat = CHAT_FACTORIES["discord"]
    async with discord_chat(database_url, tmp_path, extra_yaml=GFI_YAML, github=github) as chat:
        now = chat.clock.now()
        many = [
            item(100 + i, f"Bulk task {i}", ["easy"], created=now - timedelta(minutes=i)) for i in range(30)
        ]
        seed(chat.app.db, REPO, [*standard_board(now), *many, item(99, HOSTILE, ["easy"], created=now)])

        synced = {c["name"]: c for c in chat.fake.guild_commands[chat.fake.guild_id]}
        subs = {o["name"]: o for o in synced["gfi"]["options"]}
        listing = {o["name"]: o for o in subs["list"]["options"]}
        assert listing["page"]["type"] == 4 and listing["page"]["min_value"] == 1
        assert all(listing[name]["autocomplete"] for name in ("repo", "area", "difficulty"))
        for sub in ("show", "claim", "unclaim", "waitlist", "release", "assign"):
            assert subs[sub]["options"][0]["autocomplete"] is True

        assert _values(await _suggest(chat, "alice", "gfi list", "repo", "")) == ["acme/docs", REPO]
        assert _values(await _suggest(chat, "alice", "gfi list", "repo", "WID")) == [REPO]
        assert _values(await _suggest(chat, "alice", "gfi list", "area", "d", repo=REPO)) == ["docs"]
        assert _values(await _suggest(chat, "alice", "gfi list", "difficulty", "")) == ["easy"]

        typo = await _suggest(chat, "alice", "gfi claim", "issue", "typo")
        assert typo == [{"name": f"{REPO}#1 — Fix typo in README", "value": f"{REPO}#1"}]
        everything = await _suggest(chat, "alice", "gfi claim", "issue", "")
        assert len(everything) == 25  # Discord's maximum, from a board of 35
        assert everything[0]["value"] == f"{REPO}#7"  # priority first, as /gfi list
        [hostile] = await _suggest(chat, "alice", "gfi claim", "issue", "#99")
        assert hostile["value"] == f"{REPO}#99"
        # The title does not fit Discord's 100 characters: the reference is shown, never a cut title.
        assert hostile["name"] == f"{REPO}#99"

        # Claim through the suggested value; the claimed issue moves from "claim" to "unclaim"/"waitlist".
        [claimed] = await chat.command("alice", f"/gfi claim {typo[0]['value']}")
        assert f"You claimed {REPO}#1" in claimed.text
        assert f"{REPO}#1" not in _values(await _suggest(chat, "bob", "gfi claim", "issue", "1"))
        assert _values(await _suggest(chat, "alice", "gfi unclaim", "issue", "")) == [f"{REPO}#1"]
        assert _values(await _suggest(chat, "bob", "gfi unclaim", "issue", "")) == []
        assert _values(await _suggest(chat, "bob", "gfi waitlist", "issue", "readme")) == [f"{REPO}#1"]
        assert _values(await _suggest(chat, "bob", "gfi show", "issue", "#1"))[0] == f"{REPO}#1"

        [page2] = await chat.command("alice", "/gfi list page:2")
        assert "Good first issues — page 2" in page2.text
        [too_small] = await chat.command("alice", "/gfi list page:0")
        assert "'page' must be at least 1" in too_small.text
        assert not chat.fake.rejections
