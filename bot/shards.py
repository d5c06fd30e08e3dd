"""Which Discord shards this process runs: ``--shard-ids``/``--shard-count`` or their env variables."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SHARD_IDS_ENV = "STEWARD_SHARD_IDS"
SHARD_COUNT_ENV = "STEWARD_SHARD_COUNT"
# Discord's own ceiling would be far higher; this only catches typos such as an extra zero.
MAX_SHARD_COUNT = 4096


class ShardPlanError(ValueError):
    """The shard options are inconsistent; the message says which option and why."""


@dataclass(frozen=True)
class ShardPlan:
    """Shards ``shard_ids`` of ``shard_count``: this process serves the guilds those shards own."""

    shard_ids: tuple[int, ...]
    shard_count: int

    def shard_of(self, guild_id: int) -> int:
        """The shard Discord routes a guild to: ``(guild_id >> 22) % shard_count``."""
        return (int(guild_id) >> 22) % self.shard_count

    def owns(self, guild_id: int) -> bool:
        """Whether one of this process's shards receives the guild's events."""
        return self.shard_of(guild_id) in self.shard_ids

    @property
    def holds_shard_zero(self) -> bool:
        """Shard 0 gets DMs, and its holder registers the global commands."""
        return 0 in self.shard_ids

    def describe(self) -> str:
        noun = "shard" if len(self.shard_ids) == 1 else "shards"
        return f"{noun} {', '.join(map(str, self.shard_ids))} of {self.shard_count}"


def _count(text: str, source: str) -> int:
    try:
        count = int(text.strip())
    except ValueError:
        raise ShardPlanError(f"{source} must be a whole number, got {text!r}") from None
    if not 1 <= count <= MAX_SHARD_COUNT:
        raise ShardPlanError(f"{source} must be between 1 and {MAX_SHARD_COUNT}, got {count}")
    return count


def _ids(text: str, source: str, count: int) -> tuple[int, ...]:
    parts = [p.strip() for p in text.split(",")]
    if not parts or any(not p for p in parts):
        raise ShardPlanError(f"{source} must be comma-separated shard ids such as 0,1, got {text!r}")
    ids: list[int] = []
    for part in parts:
        if not part.isdigit():
            raise ShardPlanError(f"{source}: {part!r} is not a shard id (a whole number from 0)")
        shard = int(part)
        if shard >= count:
            raise ShardPlanError(
                f"{source}: shard id {shard} does not exist with a shard count of {count} "
                f"(ids run from 0 to {count - 1})"
            )
        if shard in ids:
            raise ShardPlanError(f"{source}: shard id {shard} is listed twice")
        ids.append(shard)
    return tuple(sorted(ids))


def shard_plan(
    shard_ids: str | None, shard_count: str | int | None, env: Mapping[str, str] | None = None
) -> ShardPlan | None:
    """The plan from command-line values, falling back to ``STEWARD_SHARD_*`` in ``env``.

    ``None`` when neither is given (one unsharded connection); both or neither must be set.
    """
    env = env or {}
    ids_source, count_source = "--shard-ids", "--shard-count"
    if shard_ids is None and env.get(SHARD_IDS_ENV, "").strip():
        shard_ids, ids_source = env[SHARD_IDS_ENV], SHARD_IDS_ENV
    if shard_count is None and env.get(SHARD_COUNT_ENV, "").strip():
        shard_count, count_source = env[SHARD_COUNT_ENV], SHARD_COUNT_ENV
    if shard_ids is None and shard_count is None:
        return None
    if shard_ids is None:
        raise ShardPlanError(
            f"{count_source} is set but not --shard-ids ({SHARD_IDS_ENV}): give both, "
            "e.g. --shard-ids 0,1 --shard-count 3"
        )
    if shard_count is None:
        raise ShardPlanError(
            f"{ids_source} is set but not --shard-count ({SHARD_COUNT_ENV}): give both, "
            "e.g. --shard-ids 0,1 --shard-count 3"
        )
    count = _count(str(shard_count), count_source)
    return ShardPlan(_ids(shard_ids, ids_source, count), count)
