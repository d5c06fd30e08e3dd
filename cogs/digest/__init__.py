"""The weekly digest: one post assembled from every feature's section."""

from bot.core.feature import Feature
from cogs.digest.cog import DigestCog

FEATURE = Feature(
    name="digest",
    cog=DigestCog,
    jobs=frozenset({"weekly_digest"}),
)

__all__ = ["FEATURE", "DigestCog"]
