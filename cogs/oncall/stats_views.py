"""The response-time report as message blocks: /oncall stats (eight weeks) and the weekly digest."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from zoneinfo import ZoneInfo

from bot.core.messages import Block, Bold, BulletList, Code, Fields, Plain, Section
from bot.core.moments import Day, Elapsed
from cogs.oncall.stats import Bucket, Report

T = Callable[..., str]


def _pair(t: T, bucket: Bucket) -> str:
    fr, tr = bucket.summaries()
    return t(
        "oncall.stats.pair",
        fr_median=Elapsed(fr.median),
        fr_p90=Elapsed(fr.p90),
        tr_median=Elapsed(tr.median),
        tr_p90=Elapsed(tr.p90),
        count=max(fr.count, tr.count),
    )


def stats_blocks(t: T, report: Report, people: Mapping[str, str], tz: ZoneInfo) -> list[Block]:
    """The numbers of a stats report: overall, per week, per rotation, per person, backlog."""
    blocks: list[Block] = [Section(t("oncall.stats.legend"))]
    blocks.append(Fields(((t("oncall.stats.overall"), _pair(t, report.overall)),)))
    week_rows = tuple(
        (
            Code(t("core.time.at", at=Day(w, str(tz)))),
            " ",
            _pair(t, report.per_week[w]),
            " · ",
            t("oncall.stats.backlog_at", count=report.backlog[i][1]),
        )
        for i, w in enumerate(report.weeks)
    )
    blocks += [Section(Bold(t("oncall.stats.per_week"))), BulletList(week_rows)]
    return blocks + _groups(t, report, people)


def digest_blocks(t: T, report: Report, people: Mapping[str, str]) -> list[Block]:
    """The digest's numbers for its week (a report from ``period_report``): the week's response
    times, the backlog at its end and at its start, per rotation and per person."""
    (_, before), (_, now) = report.backlog
    blocks: list[Block] = [
        Section(t("oncall.stats.legend")),
        Fields(((t("oncall.digest.period"), _pair(t, report.overall)),)),
        Section(t("oncall.digest.backlog", count=now, before=before)),
    ]
    return blocks + _groups(t, report, people)


def _groups(t: T, report: Report, people: Mapping[str, str]) -> list[Block]:
    blocks: list[Block] = []
    if report.per_rotation:
        rows = tuple((Plain(name), " ", _pair(t, b)) for name, b in sorted(report.per_rotation.items()))
        blocks += [Section(Bold(t("oncall.stats.per_rotation"))), BulletList(rows)]
    if report.per_person:
        rows = tuple(
            (Plain(people.get(name, name)), " ", _pair(t, b)) for name, b in sorted(report.per_person.items())
        )
        blocks += [Section(Bold(t("oncall.stats.per_person"))), BulletList(rows)]
    return blocks
