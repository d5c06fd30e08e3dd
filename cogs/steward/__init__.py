"""Core commands every deployment has: help, me, timezone, language, reload, config, account links."""

from cogs.steward.cog import StewardCog

__all__ = ["StewardCog"]
