"""The discord.py clients the adapter runs (plain or sharded) and the checks before a shard plan starts."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

import discord
from bot.core.adapter import PlatformStartFailed
from bot.counted import counted
from bot.shards import ShardPlan

log = logging.getLogger(__name__)
# Gateway close codes that refuse a shard plan (Discord's opcodes-and-status-codes table).
SHARD_REFUSALS = {
    4010: "Discord refused the shard (close code 4010, invalid shard): check --shard-ids and --shard-count",
    4011: "Discord requires more shards for this bot (close code 4011, sharding required): "
    "raise --shard-count on every instance",
}
IDENTIFY_WINDOW = 5.0  # seconds; Discord allows max_concurrency IDENTIFYs per window


class AdapterStartError(PlatformStartFailed):
    """Discord refused the connection (bad token, gateway unreachable)."""


async def login(client: discord.Client, token: str) -> None:
    """``client.login``, its failures as AdapterStartError: a refused token, or Discord unreachable."""
    try:
        await client.login(token)
    except discord.LoginFailure as exc:
        await client.close()
        raise AdapterStartError("Discord rejected the bot token (discord.token)") from exc
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        await client.close()
        raise AdapterStartError(
            f"could not reach Discord ({exc or type(exc).__name__}): check the network and try again"
        ) from exc


@dataclass(frozen=True)
class GatewayEvents:
    """What the gateway hands on, and to whom: all a client knows of the adapter."""

    ready: Callable[[], None]
    interaction: Callable[[discord.Interaction[Any]], object]  # starts the work; does not wait for it
    member_joined: Callable[[discord.Member], Awaitable[None]]


class _AdapterEvents:
    """The gateway events the adapter handles, for the plain and the sharded client alike."""

    events: GatewayEvents

    async def on_ready(self) -> None:
        # A sharded client fires this once every shard it runs has received its guilds.
        self.events.ready()

    def dispatch(self, event: str, /, *args: Any, **kwargs: Any) -> None:
        # An interaction goes straight to the adapter, which starts its own tracked task: through an
        # ``on_interaction`` listener, discord.py would start one more task (and a wrapper) for each.
        if event == "interaction":
            self.events.interaction(*args)
        super().dispatch(event, *args, **kwargs)  # type: ignore[misc]

    async def on_member_join(self, member: discord.Member) -> None:
        await self.events.member_joined(member)


class GatewayClient(_AdapterEvents, discord.Client):
    """discord.Client whose events go to the adapter (one connection, every guild)."""

    def __init__(self, events: GatewayEvents, **options: Any) -> None:
        super().__init__(**options)
        self.events = events


class ShardedGatewayClient(_AdapterEvents, discord.AutoShardedClient):
    """discord.AutoShardedClient running only this process's shards; events go to the adapter."""

    def __init__(self, events: GatewayEvents, shards: ShardPlan, **options: Any) -> None:
        super().__init__(shard_ids=list(shards.shard_ids), shard_count=shards.shard_count, **options)
        self.events = events
        self.max_concurrency = 1  # from GET /gateway/bot, set before connecting
        self._identified: dict[int, float] = {}  # rate-limit key -> when its last IDENTIFY went out

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Space IDENTIFYs as Discord asks: ``max_concurrency`` per 5 s, keyed by shard_id % it.

        discord.py's default waits 5 s before every shard but the first, whatever the bot's limit.
        """
        loop = asyncio.get_running_loop()
        key = (shard_id or 0) % self.max_concurrency
        last = self._identified.get(key)
        if last is not None and loop.time() - last < IDENTIFY_WINDOW:
            await asyncio.sleep(IDENTIFY_WINDOW - (loop.time() - last))
        self._identified[key] = loop.time()


async def check_shard_plan(client: discord.Client, shards: ShardPlan) -> None:
    """Ask Discord (GET /gateway/bot) whether the plan can start: identify budget and shard count."""
    recommended, _, limits = await client.http.get_bot_gateway()
    if isinstance(client, ShardedGatewayClient):
        client.max_concurrency = max(1, int(limits["max_concurrency"]))
    remaining, starting = int(limits["remaining"]), len(shards.shard_ids)
    if remaining < starting:
        # Running out of session starts gets the token reset by Discord: refuse before that.
        minutes = int(limits["reset_after"]) // 60000
        raise AdapterStartError(
            f"Discord allows {counted(remaining, 'more session start', 'more session starts')} today "
            f"and {counted(starting, 'shard', 'shards')} would "
            f"start; the budget resets in about {counted(minutes, 'minute', 'minutes')}"
        )
    if shards.shard_count < recommended:
        log.warning(
            "discord: --shard-count %d is below the %d shards Discord recommends for this bot; "
            "Discord closes shards that hold more than 2500 guilds",
            shards.shard_count,
            recommended,
        )
