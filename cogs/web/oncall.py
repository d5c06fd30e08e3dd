"""``/oncall``: who is on call now, the next shifts, calendar feeds, the queue and response times,
read through the on-call services the /oncall commands use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from aiohttp import web
from sqlmodel import Session

from bot.web import PageResult
from bot.web.charts import bar_chart
from bot.web.site import PageContext
from cogs.oncall.planner import Shift
from cogs.oncall.public_names import public_name
from cogs.oncall.stats import Report, response_times

if TYPE_CHECKING:
    from cogs.oncall.rotation_people import RotationPeople
    from cogs.oncall.service import RotationNow, Schedule
    from cogs.oncall.triage import TriageAccess
    from cogs.web.cog import WebCog

AHEAD = timedelta(weeks=3)  # "the next weeks' shifts"
WEEKS = 8


@dataclass(frozen=True)
class ShiftRow:
    """A shift as the page shows it: when and who (a public name, never a chat id)."""

    rotation: str
    region: str | None
    start: datetime
    end: datetime
    who: str | None


@dataclass(frozen=True)
class Loaded:
    """Everything the page shows, read on one snapshot (one connection, one trip to a worker thread)."""

    current: list[RotationNow]
    rows: list[ShiftRow]
    names: dict[str, str]
    queue: int
    changed: datetime | None
    report: Report


def _load(
    schedule: Schedule, people: RotationPeople, triage: TriageAccess, session: Session, now: datetime
) -> Loaded:
    # One planner per rotation serves both spans: loading one reads the rotation's whole roster,
    # time-away and override history.
    planners = {r.name: schedule.planner(session, r) for r in schedule.config.rotations}
    current = schedule.now(session, now, planners)
    shifts: list[Shift] = []
    for planner in planners.values():
        shifts += [s for s in planner.shifts(now, now + AHEAD) if s.reason != "off"]
    refs = {s.member for s in shifts if s.member}
    refs |= {s.member for r in current for s in (r.current, r.upcoming) if s is not None and s.member}
    # known(), not resolve(): a page view reads, it never creates member rows.
    names = {ref: people.known(session, ref).name for ref in refs}
    rows = [ShiftRow(s.rotation, s.region, s.start, s.end, public_name(names, s.member)) for s in shifts]
    rows.sort(key=lambda r: (r.start, r.rotation, r.region or ""))
    queue = triage.store().queue_size(session, None)
    # Only the response times: the backlog series /oncall stats also draws is not shown here.
    report = response_times(session, now, schedule.project_tz(), WEEKS, None)
    return Loaded(current, rows, names, queue, schedule.changed_at(session), report)


class OncallPage:
    """Per rotation: now and next; the coming shifts (in the reader's zone in the browser); feeds; stats."""

    def __init__(self, cog: WebCog) -> None:
        self.cog = cog

    async def build(self, ctx: PageContext, request: web.Request) -> PageResult:
        oncall = self.cog.feature("oncall")
        schedule: Schedule = oncall.schedule
        now = self.cog.now()
        await oncall.triage.ensure_waiting(self.cog.services.db)
        loaded = await self.cog.services.db.read(
            lambda s: _load(schedule, oncall.people, oncall.triage, s, now)
        )
        report, names = loaded.report, loaded.names
        points = []
        for week in report.weeks:
            summary = report.per_week[week].summaries()[0] if week in report.per_week else None
            hours = summary.median / 3600 if summary and summary.median is not None else None
            text = ctx.fmt.number(round(hours, 1)) if hours is not None else "—"
            points.append((ctx.fmt.date(week, "short"), hours, text))
        chart = bar_chart(ctx.t("web.oncall.ttfr_title"), ctx.t("web.oncall.chart_desc"), points)
        config = schedule.config
        # The feeds always need a token (the configured one or the deployment's generated one), and
        # the token keeps them private: a public page can only say where to ask, never link them.
        feeds_private = config.calendar_feeds
        values = {
            "current": "oncall",
            "title": ctx.t("web.oncall.title"),
            "now_rows": [
                {
                    "rotation": r.rotation.name,
                    "who": public_name(names, r.current.member if r.current else None),
                    "until": r.current.end if r.current else None,
                    "next": public_name(names, r.upcoming.member if r.upcoming else None),
                    "next_start": r.upcoming.start if r.upcoming else None,
                }
                for r in loaded.current
            ],
            "shifts": loaded.rows,
            "feeds_private": feeds_private,
            "queue": loaded.queue,
            "chart": chart,
            "site_zone": self.cog.services.config.project.timezone,
        }
        return self.cog.site.render("oncall.html", ctx, values, loaded.changed)
