"""``/health``: weekly new contributors and first merged pull requests, the onboarding funnel and time
to first response, as SVG charts with their numbers in tables."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlmodel import Session

from bot.web import PageResult
from bot.web.charts import BarChart, bar_chart
from bot.web.site import PageContext
from cogs.good_first_issues.claimed import board_changed_at
from cogs.onboarding.config import OnboardingConfig
from cogs.onboarding.funnel import Stage, compute_funnel
from cogs.oncall.config import OncallConfig
from cogs.oncall.stats import Report, response_times, week_starts
from cogs.web.contributors import weekly_newcomers

if TYPE_CHECKING:
    from cogs.web.cog import WebCog

WEEKS = 8
# (first PRs opened, first PRs merged) per week, the funnel, response times, Last-Modified
Figures = tuple[tuple[list[int], list[int]], list[Stage] | None, Report | None, datetime | None]


class HealthPage:
    """Four charts over the last eight weeks; a chart of a feature that is not configured is left out."""

    def __init__(self, cog: WebCog) -> None:
        self.cog = cog

    async def build(self, ctx: PageContext, request: web.Request) -> PageResult:
        config = self.cog.services.config
        if config.github is None:
            self.cog.feature("github")  # raises FeatureOff: the page has nothing to show
        db, now = self.cog.services.db, self.cog.now()
        tz = ZoneInfo(config.project.timezone)
        starts = week_starts(now, WEEKS, tz)
        labels = [ctx.fmt.date(s, "short") for s in starts]
        bots = config.github.bot_logins if config.github else []
        onboarding, oncall = config.section(OnboardingConfig), config.section(OncallConfig)
        longest = max((len(p.steps) for p in onboarding.paths), default=0) if onboarding else 0

        def load(session: Session) -> Figures:
            # Every figure on one read-only snapshot: one connection, one trip to a worker thread.
            newcomers = weekly_newcomers(session, starts, bots)
            stages = compute_funnel(session, starts[0], now, longest) if onboarding else None
            report = response_times(session, now, tz, WEEKS, None) if oncall else None
            return newcomers, stages, report, board_changed_at(session)

        (opened, merged), stages, report, changed = await db.read(load)
        charts: list[dict[str, Any]] = [
            self._counts(ctx, "new_contributors", labels, opened),
            self._counts(ctx, "first_merged", labels, merged),
        ]
        funnel = None
        funnel_chart = None
        if stages is not None:
            funnel = [
                {
                    "label": ctx.t(f"web.health.stage_{s.key}", step=s.step),
                    "count": s.count,
                    "days": s.median_days,
                }
                for s in stages
            ]
            funnel_chart = bar_chart(
                ctx.t("web.health.funnel"),
                ctx.t("web.health.funnel_desc"),
                [
                    (ctx.t(f"web.health.stage_{s.key}", step=s.step), float(s.count), ctx.fmt.number(s.count))
                    for s in stages
                ],
            )
        if report is not None:
            hours: list[float | None] = []
            for week in report.weeks:
                median = report.per_week[week].summaries()[0].median if week in report.per_week else None
                hours.append(round(median / 3600, 1) if median is not None else None)
            chart = bar_chart(
                ctx.t("web.health.ttfr"),
                ctx.t("web.health.ttfr_desc"),
                [(label, h, ctx.fmt.number(h)) for label, h in zip(labels, hours, strict=False)],
            )
            charts.append({"id": "ttfr", "chart": chart})
        values = {
            "current": "health",
            "title": ctx.t("web.health.title"),
            "charts": charts,
            "funnel": funnel,
            "funnel_chart": funnel_chart,
        }
        return self.cog.site.render("health.html", ctx, values, changed)

    @staticmethod
    def _counts(ctx: PageContext, key: str, labels: list[str], counts: list[int]) -> dict[str, Any]:
        chart: BarChart = bar_chart(
            ctx.t(f"web.health.{key}"),
            ctx.t(f"web.health.{key}_desc"),
            [(label, float(n), ctx.fmt.number(n)) for label, n in zip(labels, counts, strict=True)],
        )
        return {"id": key.replace("_", "-"), "chart": chart}
