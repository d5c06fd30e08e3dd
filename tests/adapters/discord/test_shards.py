"""Discord shards split across instances: real AutoShardedClients against the fake's sharded gateway."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.adapters.discord import build_adapter
from bot.adapters.discord.gateway import IDENTIFY_WINDOW, AdapterStartError
from bot.app import App
from bot.config import load_config_text
from bot.core.clock import FakeClock
from bot.core.events import MemberJoined
from bot.core.messages import Message
from bot.shards import ShardPlan
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord.payloads import FakeChannel, snowflake
from tests.fakes.discord.sharding import shard_of
from tests.fixtures.chat_discord import WAIT, DiscordDriver
from tests.fixtures.console import config_text

COUNT = 2


@dataclass
class Instance:
    """One ``steward run`` process: its App, adapter, the MemberJoined events its bus saw."""

    app: App
    driver: DiscordDriver
    joined: list[MemberJoined]
    someone_joined: asyncio.Event

    def commands_handled(self) -> float:
        """Commands this instance answered, from its own /metrics counters."""
        return sum(
            sample.value
            for metric in self.app.metrics.registry.collect()
            if metric.name == "steward_commands"
            for sample in metric.samples
            if sample.name == "steward_commands_total"
        )


@dataclass
class World:
    fake: FakeDiscord
    guilds: dict[str, int]  # guild id -> owning shard
    general: dict[str, str]  # guild id -> its #general channel
    welcome: str
    config_path: Path


@asynccontextmanager
async def sharded_world(database_url: str, tmp_path: Path) -> AsyncIterator[World]:
    """A fake Discord with two guilds per shard of 2, every guild listed in ``guild_ids``."""
    fake = FakeDiscord()
    await fake.start()
    try:
        for shard in (0, 0, 1, 1):
            fake.add_guild(f"guild-on-{shard}", shard=(shard, COUNT))
        guilds = {g: shard_of(g, COUNT) for g in fake.guilds}
        general = {g: fake.add_channel("general", guild_id=g).id for g in guilds}
        welcome = fake.add_channel("welcome").id
        section = (
            f"discord:\n  token: {fake.token}\n  guild_ids: [{', '.join(guilds)}]\n"
            f"  channels:\n    welcome: {welcome}\n"
        )
        path = tmp_path / "steward.yaml"
        path.write_text(config_text(database_url, section), encoding="utf-8")
        with fake.patched_discord_py():
            yield World(fake, guilds, general, welcome, path)
    finally:
        await fake.stop()


@asynccontextmanager
async def instance(world: World, plan: ShardPlan | None) -> AsyncIterator[Instance]:
    """A started App on the shared database whose Discord adapter runs ``plan``."""
    config = load_config_text(world.config_path.read_text(encoding="utf-8"), str(world.config_path))
    clock = FakeClock()
    app = App(config, config_path=world.config_path, clock=clock, discord_shards=plan)
    # The real factory: it reads app.discord_shards. Test-only timing as in the chat fixture.
    adapter = build_adapter(app, guild_ready_timeout=0.05, ready_timeout=WAIT)
    app.adapters.append(adapter)
    joined: list[MemberJoined] = []
    someone_joined = asyncio.Event()

    async def record(event: MemberJoined) -> None:
        joined.append(event)
        someone_joined.set()

    app.bus.subscribe(MemberJoined, record)
    try:
        await app.start()
        driver = DiscordDriver(app, adapter, world.fake, clock, {}, next(iter(world.general.values())))
        yield Instance(app, driver, joined, someone_joined)
    finally:
        await app.stop()  # also after a refused start: the database and the client are released


def guild_syncs(fake: FakeDiscord) -> list[str]:
    """Guild ids whose commands were overwritten, one entry per PUT."""
    return [
        path.split("/")[4]
        for method, path, _ in fake.requests
        if method == "PUT" and "/guilds/" in path and path.endswith("/commands")
    ]


async def settle(*instances: Instance) -> None:
    for one in instances:
        await asyncio.wait_for(one.driver.adapter.wait_idle(), WAIT)


async def test_two_instances_split_the_guilds(database_url: str, tmp_path: Path) -> None:
    async with sharded_world(database_url, tmp_path) as world, AsyncExitStack() as stack:
        fake = world.fake
        first = await stack.enter_async_context(instance(world, ShardPlan((0,), COUNT)))
        owned_by = {s: sorted(g for g, owner in world.guilds.items() if owner == s) for s in (0, 1)}
        # Each instance syncs only the guilds its shards own: together every guild exactly once.
        assert sorted(guild_syncs(fake)) == owned_by[0]
        second = await stack.enter_async_context(instance(world, ShardPlan((1,), COUNT)))
        assert sorted(guild_syncs(fake)) == sorted(world.guilds)
        assert fake.global_commands == []  # guild_ids is set: no global registration

        identified = sorted(f["d"]["shard"] for f in fake.gateway_log if f.get("op") == 2)
        assert identified == [[0, COUNT], [1, COUNT]]
        assert sorted(g.id for g in first.driver.adapter.client.guilds) == [int(g) for g in owned_by[0]]  # type: ignore[union-attr]
        assert sorted(g.id for g in second.driver.adapter.client.guilds) == [int(g) for g in owned_by[1]]  # type: ignore[union-attr]
        assert ("GET", "/gateway/bot", {}) in fake.requests  # the adapter checked Discord's shard advice

        # A slash command in a guild of shard 1 is answered once, by the shard-1 instance.
        guild = owned_by[1][0]
        second.driver.general = world.general[guild]
        [reply] = await second.driver.command("alice", "/steward me")
        await settle(first, second)
        assert reply.kind == "reply" and "alice" in reply.text
        [interaction] = fake.interactions.values()
        assert interaction.payload["guild_id"] == guild and len(interaction.messages) == 1
        assert fake.rejections == []  # nobody tried to answer it a second time
        assert (first.commands_handled(), second.commands_handled()) == (0, 1)

        # A command in a guild of shard 0 goes to the other instance.
        first.driver.general = world.general[owned_by[0][1]]
        await first.driver.command("bob", "/steward me")
        assert (first.commands_handled(), second.commands_handled()) == (1, 1)

        # A member joining a guild of shard 1 is greeted by that instance only.
        newcomer = fake.add_user("newcomer")
        assert await fake.member_join(newcomer, guild)
        await asyncio.wait_for(second.someone_joined.wait(), WAIT)
        await settle(first, second)
        assert [e.user_id for e in second.joined] == [newcomer.id] and first.joined == []
        assert second.joined[0].channel_id == world.welcome


async def test_dm_interactions_go_to_the_holder_of_shard_zero(database_url: str, tmp_path: Path) -> None:
    async with sharded_world(database_url, tmp_path) as world, AsyncExitStack() as stack:
        fake = world.fake
        first = await stack.enter_async_context(instance(world, ShardPlan((0,), COUNT)))
        second = await stack.enter_async_context(instance(world, ShardPlan((1,), COUNT)))
        alice = fake.add_user("alice")
        dm = FakeChannel(snowflake(), "", recipient=alice.id)
        fake.channels[dm.id] = dm
        first.driver.general = dm.id
        [reply] = await first.driver.command("alice", "/steward me")
        await settle(first, second)
        assert reply.kind == "reply"
        assert (first.commands_handled(), second.commands_handled()) == (1, 0)


async def test_one_instance_can_run_every_shard(database_url: str, tmp_path: Path) -> None:
    async with sharded_world(database_url, tmp_path) as world:
        # With max_concurrency 2 both shards may IDENTIFY at once (keys 0 % 2 and 1 % 2 differ);
        # discord.py's default hook would wait 5 s before the second one anyway.
        world.fake.session_start_limit["max_concurrency"] = 2
        async with instance(world, ShardPlan((0, 1), COUNT)) as only:
            [(first, at0), (second, at1)] = world.fake.identified
            assert (first, second) == ((0, COUNT), (1, COUNT)) and at1 - at0 < IDENTIFY_WINDOW
            assert sorted(guild_syncs(world.fake)) == sorted(world.guilds)
            client = only.driver.adapter.client
            assert client is not None and len(client.guilds) == len(world.guilds)
            for guild in world.guilds:
                only.driver.general = world.general[guild]
                [reply] = await only.driver.command("alice", "/steward me")
                assert reply.kind == "reply"
            assert only.commands_handled() == len(world.guilds)


async def test_global_commands_are_registered_by_the_holder_of_shard_zero(
    database_url: str, tmp_path: Path
) -> None:
    async with sharded_world(database_url, tmp_path) as world:
        text = world.config_path.read_text(encoding="utf-8")
        world.config_path.write_text(text.replace("guild_ids: [", "guild_ids: []\n  # ["), encoding="utf-8")
        async with instance(world, ShardPlan((1,), COUNT)):
            assert world.fake.global_commands == [] and guild_syncs(world.fake) == []
            async with instance(world, ShardPlan((0,), COUNT)):
                assert world.fake.global_commands != []
        puts = [p for m, p, _ in world.fake.requests if m == "PUT"]
        assert len(puts) == 1


async def test_too_few_shards_is_refused_with_a_clear_reason(
    database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with sharded_world(database_url, tmp_path) as world:
        world.fake.guilds_per_shard = 3  # stands in for Discord's 2500 guilds per shard
        world.fake.recommended_shards = 4
        with caplog.at_level(logging.WARNING), pytest.raises(AdapterStartError, match="raise --shard-count"):
            async with instance(world, ShardPlan((0,), 1)):
                pass
        assert "below the 4 shards Discord recommends" in caplog.text
        assert world.fake.refused_shards == [([0, 1], "sharding required")]


async def test_exhausted_session_starts_refuse_to_start(database_url: str, tmp_path: Path) -> None:
    async with sharded_world(database_url, tmp_path) as world:
        world.fake.session_start_limit.update(remaining=1, reset_after=30 * 60_000)
        with pytest.raises(AdapterStartError, match=r"1 more session start.*resets in about 30 minute"):
            async with instance(world, ShardPlan((0, 1), COUNT)):
                pass
        assert not [f for f in world.fake.gateway_log if f.get("op") == 2]  # nothing identified


async def test_leader_posts_into_servers_of_other_shards(database_url: str, tmp_path: Path) -> None:
    """Scheduled posts come from the scheduler leader alone, so it must reach every server."""
    async with sharded_world(database_url, tmp_path) as world, AsyncExitStack() as stack:
        fake = world.fake
        leader = await stack.enter_async_context(instance(world, ShardPlan((0,), COUNT)))
        follower = await stack.enter_async_context(instance(world, ShardPlan((1,), COUNT)))
        assert leader.app.leader.is_leader and not follower.app.leader.is_leader
        elsewhere = next(world.general[g] for g, shard in world.guilds.items() if shard == 1)
        client = leader.driver.adapter.client
        assert client is not None and client.get_channel(int(elsewhere)) is None  # not on its shards
        digest = Message.text("weekly digest")
        for one in (leader, follower):  # both run the job; the post log lets one message through
            await one.app.services.poster.post_once("weekly_digest", "2025-W01", "digest", digest,
                                                    {"discord": [elsewhere]})  # fmt: skip
        [post] = fake.channel_messages(elsewhere)
        assert post.payload["content"] == "weekly digest"
        assert await leader.driver.adapter.set_topic(elsewhere, "On call: mia")  # on-call handoffs
        assert fake.channels[elsewhere].topic == "On call: mia"
