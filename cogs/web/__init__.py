"""The community's public pages: good first issues, on-call, spotlights, start here, health."""

from bot.core.feature import Feature
from cogs.web.cog import WebCog
from cogs.web.config import WebConfig

FEATURE = Feature(
    name="web",
    cog=WebCog,
    section="web",
    config_model=WebConfig,
    description="Public web pages (served by the HTTP server).",
)

__all__ = ["FEATURE", "WebCog"]
