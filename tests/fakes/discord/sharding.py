"""Sharding rules of the fake gateway: which shard owns a guild, and what IDENTIFY may ask for.

Discord routes a guild's events to shard ``(guild_id >> 22) % num_shards``, DMs only to shard 0, and
closes a connection with 4010 (invalid shard) or 4011 (sharding required: a shard would hold more
than 2500 guilds) — DDOCS ``events/gateway.mdx`` "Sharding", ``opcodes-and-status-codes.mdx``.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from tests.fakes.discord.payloads import DISCORD_EPOCH_MS

GUILDS_PER_SHARD = 2500
INVALID_SHARD, SHARDING_REQUIRED = 4010, 4011
_counter = itertools.count(1)


def shard_of(guild_id: str | int | None, shard_count: int) -> int:
    """The shard that receives a guild's events; events outside a guild (DMs) go to shard 0."""
    return 0 if guild_id is None else (int(guild_id) >> 22) % shard_count


def snowflake_on_shard(shard_id: int, shard_count: int) -> str:
    """A fresh snowflake whose guild would be owned by ``shard_id`` of ``shard_count``."""
    ms = int(datetime.now(UTC).timestamp() * 1000) - DISCORD_EPOCH_MS
    ms -= (ms - shard_id) % shard_count
    return str((ms << 22) | (next(_counter) & 0x3FFFFF))


def identify_shard(data: dict[str, Any]) -> tuple[int, int] | str:
    """The ``[shard_id, num_shards]`` an IDENTIFY asks for (default ``[0, 1]``), or why it is invalid."""
    shard = data.get("shard", [0, 1])
    if not (isinstance(shard, list) and len(shard) == 2 and all(isinstance(n, int) for n in shard)):
        return f"shard must be [shard_id, num_shards], got {shard!r}"
    shard_id, count = shard
    if count < 1 or not 0 <= shard_id < count:
        return f"shard {shard_id} of {count} does not exist"
    return shard_id, count
