"""Contributor spotlights: a weekly interview, in the contributor's own words."""

from cogs.spotlight.cog import SpotlightCog

__all__ = ["SpotlightCog"]
