"""Core commands every deployment has: help, me, timezone, language, reload."""

from cogs.steward.cog import StewardCog

__all__ = ["StewardCog"]
