"""Response-time statistics: median and p90 to first response and to triage, and backlog over time.

Percentiles use the nearest-rank method (p90 of n values is the ceil(0.9 n)-th smallest); the median
is the middle value, or the mean of the two middle values for an even count.
"""

from __future__ import annotations

import asyncio
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Float, Integer, String, bindparam, case, cast, func, literal, or_, select
from sqlmodel import Session, col

from bot.db.database import Database
from bot.db.models import TZDateTime
from cogs.oncall.config import RotationConfig
from cogs.oncall.models import OncallTriage
from cogs.oncall.triage import TriageStore
from cogs.oncall.untriaged import SPANS, backlog_from_steps


def nearest_rank(values: Sequence[float], q: float) -> float:
    """The nearest-rank ``q`` quantile of ``values`` (not empty)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


@dataclass(frozen=True)
class Summary:
    """Count, median and p90 of a set of durations (in seconds)."""

    count: int
    median: float | None
    p90: float | None

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Summary:
        if not seconds:
            return cls(0, None, None)
        ordered = sorted(seconds)  # once, for both
        n = len(ordered)
        middle = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
        return cls(n, float(middle), float(ordered[max(0, math.ceil(0.9 * n) - 1)]))


@dataclass
class Bucket:
    """Durations collected for one group (a week, a rotation, a person)."""

    first_response: list[float] = field(default_factory=list)
    triage: list[float] = field(default_factory=list)

    def summaries(self) -> tuple[Summary, Summary]:
        return Summary.of(self.first_response), Summary.of(self.triage)


@dataclass
class Report:
    """Everything /oncall stats, the digest and the chart show."""

    weeks: list[datetime]  # week starts (aware UTC), oldest first
    per_week: dict[datetime, Bucket]
    per_rotation: dict[str, Bucket]
    per_person: dict[str, Bucket]
    backlog: list[tuple[datetime, int]]  # (instant, untriaged items then)
    overall: Bucket


def week_start(when: datetime, tz: ZoneInfo) -> datetime:
    """Monday 00:00 local of the week containing ``when``, as aware UTC."""
    local = when.astimezone(tz)
    monday = (local - timedelta(days=local.weekday())).date()
    return datetime(monday.year, monday.month, monday.day, tzinfo=tz).astimezone(ZoneInfo("UTC"))


def week_starts(now: datetime, weeks: int, tz: ZoneInfo) -> list[datetime]:
    """The starts of the last ``weeks`` weeks (the current one last), DST-aware."""
    current = week_start(now, tz).astimezone(tz)
    out = []
    for i in range(weeks - 1, -1, -1):
        day = (current - timedelta(days=7 * i)).date()
        out.append(datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(ZoneInfo("UTC")))
    return out


def seconds_between(session: Session, later: Any, earlier: Any) -> Any:
    """SQL for ``later - earlier`` (NULL when either is NULL), on SQLite and PostgreSQL: in seconds on
    PostgreSQL (exact), in whole milliseconds on SQLite (julianday arithmetic is off by microseconds,
    and integers turn into text far faster than floats do). :func:`durations` reads either back."""
    if session.get_bind().dialect.name == "sqlite":
        return cast(func.round((func.julianday(later) - func.julianday(earlier)) * 86_400_000.0), Integer)
    return cast(func.extract("epoch", later - earlier), Float)  # a float, not a numeric


def durations(joined: str | None, millis: bool) -> list[float]:
    """Seconds from a space-joined list of :func:`seconds_between` values (None: no values)."""
    if joined is None:
        return []
    if millis:
        return [int(v) / 1000 for v in joined.split()]
    return [float(v) for v in joined.split()]


def build_report(
    session: Session,
    store: TriageStore,
    now: datetime,
    tz: ZoneInfo,
    weeks: int = 8,
    rotation: RotationConfig | None = None,
) -> Report:
    """Stats for items opened in the last ``weeks`` weeks and the backlog at the end of each week.

    Response times come from the triage records (filed under the first rotation covering an item);
    the backlog is the size of the rotation's queue at each week's end and now (``store``).
    """
    report = response_times(session, now, tz, weeks, rotation)
    report.backlog = store.backlog_series(session, backlog_instants(report.weeks, now), rotation)
    return report


async def gather_report(
    db: Database,
    store: TriageStore,
    now: datetime,
    tz: ZoneInfo,
    weeks: int = 8,
    rotation: RotationConfig | None = None,
) -> Report:
    """:func:`build_report` with its queries at once, each on a read-only snapshot of its own: the
    response times and the backlog's two spans. The command waits for the slowest, not for all in
    turn. (Write transactions would take SQLite's write lock one after the other.)"""
    starts = week_starts(now, weeks, tz)
    return await _read_report(db, store, starts, now, backlog_instants(starts, now), rotation)


async def period_report(
    db: Database,
    store: TriageStore,
    start: datetime,
    end: datetime,
    rotation: RotationConfig | None = None,
) -> Report:
    """The response times of the items opened in [start, end) as one bucket (``overall``, and per
    rotation and person), with the backlog at ``start`` and at ``end``: the digest's period, which
    need not begin on a Monday. Read afresh (it is asked for once a week), like :func:`gather_report`."""
    return await _read_report(db, store, [start], end, [start, end], rotation)


async def _read_report(
    db: Database,
    store: TriageStore,
    starts: list[datetime],
    end: datetime,
    instants: list[datetime],
    rotation: RotationConfig | None,
) -> Report:
    """The response times of the buckets beginning at ``starts`` (the last one ends at ``end``) and
    the backlog at each of ``instants``, their three queries at once."""
    rows, open_steps, closed_steps = await asyncio.gather(
        db.read(response_rows, end, starts, rotation),
        db.read(store.backlog_steps, instants, rotation, SPANS[0]),
        db.read(store.backlog_steps, instants, rotation, SPANS[1]),
    )
    report = report_from_rows(starts, rows)
    report.backlog = backlog_from_steps(instants, [open_steps, closed_steps])
    return report


def backlog_instants(starts: Sequence[datetime], now: datetime) -> list[datetime]:
    """Where the backlog is measured: the end of each week of the report (the last one ends now)."""
    return [*starts[1:], now]


def response_times(
    session: Session, now: datetime, tz: ZoneInfo, weeks: int = 8, rotation: RotationConfig | None = None
) -> Report:
    """The response-time part of a report (its backlog left empty)."""
    starts = week_starts(now, weeks, tz)
    return report_from_rows(starts, response_rows(session, now, starts, rotation))


@dataclass(frozen=True)
class ResponseRow:
    """The durations of one (week, rotation, responder, triager) group, in seconds."""

    week: int  # index into the report's week starts
    rotation: str | None
    responder: str | None
    triager: str | None
    first_response: list[float]
    triage: list[float]
    later: bool = False  # a response or triage of the group's records lies after ``now``


def response_rows(
    session: Session,
    now: datetime,
    starts: Sequence[datetime],
    rotation: RotationConfig | None = None,
    first_week: int = 0,
) -> list[ResponseRow]:
    """The grouped durations of the records opened from week ``first_week`` of ``starts`` until ``now``."""
    millis = session.get_bind().dialect.name == "sqlite"
    key = (len(starts), rotation is not None, millis)
    query = _RESPONSE_QUERIES.get(key)
    if query is None:
        query = _RESPONSE_QUERIES[key] = _response_query(session, len(starts), rotation is not None)
    params: dict[str, Any] = {f"w{i}": start for i, start in enumerate(starts)}
    params["now"] = now
    params["lo"] = starts[first_week]
    if rotation is not None:
        params["rotation"] = rotation.name
    # Sorted here: a bucket joins several groups' lists, and sorting runs already in order is nearly
    # free for the summaries (thousands of values sorted anew cost milliseconds a call).
    return [
        ResponseRow(
            index,
            rot,
            responder,
            triager,
            sorted(durations(responses, millis)),
            sorted(durations(triages, millis)),
            bool(later),
        )
        for index, rot, responder, triager, responses, triages, later in session.connection().execute(
            query, params
        )
    ]


def report_from_rows(starts: Sequence[datetime], rows: Sequence[ResponseRow]) -> Report:
    """A report's response times (its backlog left empty) from :func:`response_rows`."""
    per_week: dict[datetime, Bucket] = {s: Bucket() for s in starts}
    per_rotation: dict[str, Bucket] = defaultdict(Bucket)
    per_person: dict[str, Bucket] = defaultdict(Bucket)
    overall = Bucket()
    for row in rows:
        buckets = (per_week[starts[row.week]], per_rotation[row.rotation or "-"], overall)
        for kind, who, values in (
            ("first_response", row.responder, row.first_response),
            ("triage", row.triager, row.triage),
        ):
            if not values:
                continue
            for bucket in buckets:
                getattr(bucket, kind).extend(values)
            if who:
                getattr(per_person[who], kind).extend(values)
    return Report(
        weeks=list(starts),
        per_week=per_week,
        per_rotation=dict(per_rotation),
        per_person=dict(per_person),
        backlog=[],
        overall=overall,
    )


# response_times' statement per (weeks, filtered by rotation, SQLite): built once and bound at each call,
# because building and keying it cost milliseconds, a good part of what running it took.
_RESPONSE_QUERIES: dict[tuple[int, bool, bool], Any] = {}


def _response_query(session: Session, weeks: int, by_rotation: bool) -> Any:
    """The statement of :func:`response_rows`: week starts bound as ``w0``.., then ``now``, ``lo`` (the
    first week read) and (``by_rotation``) ``rotation``."""
    starts = [bindparam(f"w{i}", type_=TZDateTime) for i in range(weeks)]
    now = bindparam("now", type_=TZDateTime)
    opened = col(OncallTriage.opened_at)
    later = [(opened < start, i) for i, start in enumerate(starts[1:])]
    week = case(*later, else_=len(starts) - 1) if later else literal(0)
    responded = case((col(OncallTriage.first_response_at) <= now, OncallTriage.first_response_at))
    triaged = case((col(OncallTriage.triaged_at) <= now, OncallTriage.triaged_at))
    # One pass over the window's records (read from an index that holds every column used here): the
    # database computes each duration and week, and hands both kinds back joined into strings per
    # (week, rotation, responder, triager): a few dozen rows instead of thousands, whose row objects
    # cost more to make (and to garbage-collect) than parsing the numbers does.
    items = select(
        week.label("week"),
        col(OncallTriage.rotation).label("rotation"),
        col(OncallTriage.first_response_by).label("responder"),
        col(OncallTriage.triaged_by).label("triager"),
        seconds_between(session, responded, opened).label("first_response"),
        seconds_between(session, triaged, opened).label("triage"),
        case(
            (or_(col(OncallTriage.first_response_at) > now, col(OncallTriage.triaged_at) > now), 1), else_=0
        ).label("later"),
    ).where(opened >= bindparam("lo", type_=TZDateTime), opened < now)
    if by_rotation:
        # Through COALESCE: on the plain column the planners pick the rotation's index and read all of
        # its history, where the window's (covering) index reads eight weeks.
        items = items.where(func.coalesce(OncallTriage.rotation, "") == bindparam("rotation"))
    by = items.subquery()
    return select(
        by.c.week,
        by.c.rotation,
        by.c.responder,
        by.c.triager,
        func.aggregate_strings(cast(by.c.first_response, String), " "),
        func.aggregate_strings(cast(by.c.triage, String), " "),
        func.max(by.c.later),
    ).group_by(by.c.week, by.c.rotation, by.c.responder, by.c.triager)
