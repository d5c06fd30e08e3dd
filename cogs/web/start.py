"""``/start``: the onboarding paths and their steps, each with the open good first issues that fit it
(the same suggestions /onboard shows)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.web import PageResult
from bot.web.site import PageContext
from cogs.good_first_issues.claimed import board_changed_at

if TYPE_CHECKING:
    from cogs.web.cog import WebCog


class StartPage:
    """Every path, every step, its links and matching issues."""

    def __init__(self, cog: WebCog) -> None:
        self.cog = cog

    async def build(self, ctx: PageContext, request: web.Request) -> PageResult:
        onboarding = self.cog.feature("onboarding")
        config = self.cog.services.config
        repos = {r.name.lower() for r in (config.github.repos if config.github else [])}
        paths: list[dict[str, Any]] = []
        for path in onboarding.cfg.paths:
            steps = []
            for index, step in enumerate(path.steps):
                found = await onboarding.issues_for(path, index)
                # Only the configured repositories are public: a repo dropped from the config keeps
                # its synced rows, and they are not shown.
                issues = [i for i in found if i.repo.lower() in repos]
                steps.append(
                    {
                        "number": index + 1,
                        "title": step.title.get(ctx.locale),
                        "description": step.description.get(ctx.locale) if step.description else None,
                        "links": step.links,
                        "suggests": bool(step.labels or step.areas),
                        "issues": issues,
                    }
                )
            paths.append(
                {
                    "id": path.id,
                    "title": path.title.get(ctx.locale),
                    "description": path.description.get(ctx.locale) if path.description else None,
                    "steps": steps,
                }
            )
        values = {"current": "start", "title": ctx.t("web.start.title"), "paths": paths}
        newest = await self.cog.services.db.read(board_changed_at)
        return self.cog.site.render("start.html", ctx, values, newest)
