"""Wiring: the ``web:`` section's pages mounted on the HTTP server, each reading the feature's own service."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.core.cog import Cog, Services
from bot.web import PageResult, Site, finish_page
from bot.web.render_cache import RenderCache
from bot.web.site import PageContext
from cogs.web.board import BoardPage
from cogs.web.config import PageName, WebConfig
from cogs.web.health import HealthPage
from cogs.web.oncall import OncallPage
from cogs.web.spotlights import SpotlightPages
from cogs.web.start import StartPage
from cogs.web.theme import theme_css

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
Build = Callable[[PageContext, web.Request], Awaitable[PageResult]]


class FeatureOff(Exception):
    """The feature a page shows is not configured: the page answers 404 with a localized note."""


class WebCog(Cog):
    """Serves the pages; the data comes from the other features' services, never a copy of their logic."""

    name = "web"

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.site = Site([HERE / "templates"], HERE / "static", services.catalog, self.settings)
        self.rendered = RenderCache(services.clock.now)
        self.board = BoardPage(self)
        self.oncall = OncallPage(self)
        self.spotlights = SpotlightPages(self)
        self.start_here = StartPage(self)
        self.health = HealthPage(self)

    @property
    def cfg(self) -> WebConfig:
        return self.services.config.section(WebConfig) or WebConfig()

    def public_page(self) -> str | None:
        return "/" if self.cfg.enabled else None

    def now(self) -> datetime:
        return self.services.clock.now()

    def feature(self, name: str) -> Any:
        """The loaded cog of feature ``name``; FeatureOff when its section is not configured."""
        found = next((c for c in self.services.cogs() if c.name == name), None)
        if found is None:
            raise FeatureOff(name)
        return found

    def settings(self) -> dict[str, Any]:
        cfg = self.cfg
        return {
            "name": self.services.config.project.name,
            "logo": cfg.logo,
            "pages": [p for p in cfg.pages if self._feature_of(p) is not None],
        }

    def _feature_of(self, page: PageName) -> str | None:
        """The feature section a page needs, or None when that section is not configured."""
        needs = {
            "board": "good_first_issues",
            "oncall": "oncall",
            "spotlights": "spotlight",
            "start": "onboarding",
            "health": "github",
        }[page]
        return needs if getattr(self.services.config, needs, None) is not None else None

    def register(self) -> None:
        super().register()
        if not self.cfg.enabled:
            return
        http = self.services.http
        routes: list[tuple[str, PageName, Build]] = [
            ("/", "board", self.board.build),
            ("/oncall", "oncall", self.oncall.build),
            ("/spotlights", "spotlights", self.spotlights.archive),
            ("/spotlights/feed.xml", "spotlights", self.spotlights.feed),
            ("/spotlights/{id}", "spotlights", self.spotlights.interview),
            ("/start", "start", self.start_here.build),
            ("/health", "health", self.health.build),
        ]
        for path, page, build in routes:
            http.add_route("GET", path, self._handler(page, build))
        http.add_route("GET", "/static/theme.css", self._theme)
        http.add_route("GET", "/static/{name}", self.site.static)

    def _handler(
        self, page: PageName, build: Build
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def handle(request: web.Request) -> web.StreamResponse:
            cfg = self.services.config
            ctx = self.site.context(request, cfg.project.locale, cfg.project.timezone, self.now())
            if page not in self.cfg.pages or not self.cfg.enabled:
                return finish_page(request, self.not_found(ctx), 0)
            ttl = self.cfg.render_cache
            key = (request.path_qs, ctx.locale)
            cached = self.rendered.get(key, ttl) if ttl else None
            if cached is not None:
                return finish_page(request, cached, self.cfg.max_age)
            try:
                result = await build(ctx, request)
                if ttl and result.status == 200:
                    self.rendered.put(key, result)
            except FeatureOff:
                result = self.not_found(ctx)
            except Exception:
                # The reader gets a page in their language (no traceback); the log gets the details.
                log.exception("public page %s failed", request.path)
                result = self.site.render(
                    "error.html", ctx, {"message": ctx.t("web.error.failed"), "current": ""}, None, status=503
                )
            return finish_page(request, result, self.cfg.max_age if result.status == 200 else 0)

        return handle

    def not_found(self, ctx: PageContext, key: str = "web.error.not_found") -> PageResult:
        return self.site.render("error.html", ctx, {"message": ctx.t(key), "current": ""}, None, status=404)

    async def _theme(self, request: web.Request) -> web.StreamResponse:
        page = PageResult(theme_css(self.cfg.colours).encode("utf-8"), "text/css", None)
        return finish_page(request, page, self.cfg.max_age)
