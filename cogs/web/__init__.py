"""The community's public pages: good first issues, on-call, spotlights, start here, health."""

from cogs.web.cog import WebCog

__all__ = ["WebCog"]
