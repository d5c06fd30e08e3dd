"""The site: a Jinja2 environment with autoescaping, per-request language and formatting, and the
static files. Pages render through :meth:`Site.render` and answer with :func:`finish_page`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from bot.i18n import LOCALES, Catalog
from bot.web.formatting import Formatter
from bot.web.negotiation import choose_locale
from bot.web.responses import SECURITY_HEADERS, PageResult


class PageContext:
    """What one request renders with: its language, the translator, the formatter and URL building."""

    def __init__(
        self, request: web.Request, catalog: Catalog, default_locale: str, formatter: Formatter
    ) -> None:
        self.request = request
        self.locale, self.explicit = choose_locale(
            request.query.get("lang"), request.headers.get("Accept-Language"), default_locale
        )
        self.catalog = catalog
        self.fmt = formatter

    def t(self, key: str, **params: Any) -> str:
        return self.catalog.translate(self.locale, key, **params)

    def url(self, path: str, **params: Any) -> str:
        """A link within the site that keeps an explicitly chosen language."""
        query = {k: v for k, v in params.items() if v not in (None, "")}
        if self.explicit:
            query["lang"] = self.locale
        return path + ("?" + urlencode(query) if query else "")

    def switch_to(self, locale: str) -> str:
        """This page in ``locale`` (all other query parameters kept)."""
        query = dict(self.request.query)
        query["lang"] = locale
        return self.request.path + "?" + urlencode(query)


class Site:
    """Templates and static files of the public pages."""

    def __init__(
        self,
        template_dirs: list[Path],
        static_dir: Path,
        catalog: Catalog,
        settings: Callable[[], Mapping[str, Any]],
    ) -> None:
        self.env = Environment(
            loader=FileSystemLoader([str(d) for d in template_dirs]),
            autoescape=select_autoescape(["html", "xml", "svg"], default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.static_dir = static_dir
        self.catalog = catalog
        self.settings = settings  # project name, logo, colours, enabled pages (follows config reloads)

    def context(self, request: web.Request, default_locale: str, timezone: str, now: datetime) -> PageContext:
        """The per-request context; the locale is chosen before the formatter needs it."""
        locale, _ = choose_locale(
            request.query.get("lang"), request.headers.get("Accept-Language"), default_locale
        )
        return PageContext(request, self.catalog, default_locale, Formatter(locale, timezone, now))

    def render(
        self,
        template: str,
        page: PageContext,
        values: Mapping[str, Any],
        last_modified: datetime | None,
        content_type: str = "text/html",
        status: int = 200,
    ) -> PageResult:
        """``template`` rendered with the site's settings, the page context and ``values``."""
        body = self.env.get_template(template).render(
            site=self.settings(),
            page=page,
            t=page.t,
            fmt=page.fmt,
            url=page.url,
            locales=LOCALES,
            **values,
        )
        return PageResult(body.encode("utf-8"), content_type, last_modified, status)

    async def static(self, request: web.Request) -> web.StreamResponse:
        """GET /static/{name}: one of the files shipped beside the templates (no paths, no listing)."""
        name = request.match_info["name"]
        path = self.static_dir / name
        if "/" in name or name.startswith(".") or not path.is_file():
            raise web.HTTPNotFound()
        response = web.FileResponse(
            path, headers={**SECURITY_HEADERS, "Cache-Control": "public, max-age=3600"}
        )
        return response
