"""The framework of the public pages: language choice, rendering, caching and security headers.

Feature pages (``cogs/web``) hand it a template name, a context and the time their data last changed.
"""

from bot.web.negotiation import choose_locale
from bot.web.responses import PageResult, finish_page
from bot.web.site import Site

__all__ = ["PageResult", "Site", "choose_locale", "finish_page"]
