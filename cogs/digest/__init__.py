"""The weekly digest: one post assembled from every feature's section."""

from cogs.digest.cog import DigestCog

__all__ = ["DigestCog"]
