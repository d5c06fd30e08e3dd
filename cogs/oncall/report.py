"""The response-time report with its chart, as message blocks: for /oncall stats and the weekly digest."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.core.messages import Block, Image
from bot.core.moments import ShortDay
from bot.db.database import Database
from cogs.oncall.chart import ChartLabels, ChartRenderer
from cogs.oncall.config import RotationConfig
from cogs.oncall.service import Schedule
from cogs.oncall.stats import Report, period_report
from cogs.oncall.stats_cache import StatsCache
from cogs.oncall.stats_views import digest_blocks, stats_blocks
from cogs.oncall.triage import TriageAccess


class StatsReport:
    """Gathers the weekly response times of one rotation (or all) and draws their chart."""

    def __init__(self, schedule: Schedule, triage: TriageAccess, db: Database) -> None:
        self.schedule = schedule
        self.triage = triage
        self.db = db
        self.charts = ChartRenderer()  # one renderer: it caches charts already drawn
        self.stats = StatsCache()  # one cache: it keeps the figures and follows the change journal

    async def blocks(
        self, t: Callable[..., str], start: datetime, end: datetime, rotation: RotationConfig | None
    ) -> list[Block]:
        """The report of the calendar weeks of [start, end) (at most 8), in ``t``'s language, chart last."""
        weeks = max(1, min(8, round((end - start) / timedelta(weeks=1))))
        report = await self._weeks(end, weeks, rotation)
        tz = self.schedule.project_tz()
        return [*stats_blocks(t, report, {}, tz), await self._chart(t, report)]

    async def digest_blocks(self, t: Callable[..., str], start: datetime, end: datetime) -> list[Block]:
        """The digest's part: the items opened in [start, end) (its week, whatever day it starts on)
        and the backlog then and at its start, with the chart of the eight weeks up to ``end``."""
        period = await period_report(self.db, self.triage.store(), start, end)
        chart = await self._chart(t, await self._weeks(end, 8, None))
        return [*digest_blocks(t, period, {}), chart]

    async def _weeks(self, end: datetime, weeks: int, rotation: RotationConfig | None) -> Report:
        tz = self.schedule.project_tz()
        return await self.stats.report(self.db, self.triage.store(), end, tz, weeks, rotation)

    async def _chart(self, t: Callable[..., str], report: Report) -> Image:
        tz = self.schedule.project_tz()
        labels = ChartLabels(
            t("oncall.chart.title"),
            t("oncall.chart.hours"),
            t("oncall.chart.backlog"),
            t("oncall.chart.median"),
            t("oncall.chart.p90"),
            tuple(t("core.time.at", at=ShortDay(w, str(tz))) for w in report.weeks),
        )
        # Drawing is CPU work: a worker thread keeps the event loop free (cache hits return at once).
        png = await asyncio.to_thread(self.charts.png, report, labels)
        return Image(t("oncall.chart.alt"), data=png, filename="oncall-stats.png")
