"""Core commands every deployment has: help, me, timezone, language, reload, config, account links."""

from bot.core.feature import Feature
from cogs.steward.cog import StewardCog

FEATURE = Feature(
    name="steward",
    cog=StewardCog,
)

__all__ = ["FEATURE", "StewardCog"]
