"""Contributor spotlights: a weekly interview, in the contributor's own words."""

from bot.core.feature import Feature
from cogs.spotlight.checks import config_warnings
from cogs.spotlight.cog import SpotlightCog
from cogs.spotlight.config import SpotlightConfig

FEATURE = Feature(
    name="spotlight",
    cog=SpotlightCog,
    section="spotlight",
    config_model=SpotlightConfig,
    description="Contributor spotlights.",
    jobs=frozenset({"spotlight_candidates", "spotlight_publish", "spotlight_reminders"}),
    group="spotlight",
    config_warnings=config_warnings,
)

__all__ = ["FEATURE", "SpotlightCog"]
