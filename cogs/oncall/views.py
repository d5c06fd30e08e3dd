"""Messages of the on-call cog: who is on call, schedules, the queue, handoff summaries, stats."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.messages import (
    Block,
    Bold,
    BulletList,
    Button,
    Buttons,
    Context,
    Fields,
    Header,
    Inline,
    Link,
    Message,
    Plain,
    Quote,
    Section,
)
from bot.core.moments import Elapsed, LocalTime, Weekday
from cogs.oncall.coverage import Gap
from cogs.oncall.home import HomeShifts
from cogs.oncall.models import OncallHandoffNote, OncallTriage
from cogs.oncall.people import Person
from cogs.oncall.planner import Shift
from cogs.oncall.service import RotationNow
from cogs.oncall.triage import QueueItem

T = Callable[..., str]
QUEUE_LIMIT = 20
ASK_BUTTONS = 5
GAP_LINES = 10


def when(t: T, moment: datetime, tz: ZoneInfo) -> str:
    """'Mon Jan 5, 2026, 9:00 AM' in ``tz``, in the reader's language (the view's footer names ``tz``)."""
    return t("core.time.at", at=LocalTime(moment, str(tz)))


def local_span(t: T, start: datetime, end: datetime, tz: ZoneInfo) -> str:
    """'Mon Jan 5, 2026, 9:00 AM → Mon Jan 12, 2026, 9:00 AM' in ``tz`` (the footer names ``tz``)."""
    return t("oncall.span", start=LocalTime(start, str(tz)), end=LocalTime(end, str(tz)))


def times_footer(t: T, tz: ZoneInfo, own_zone: bool) -> Context:
    """'Times in {tz}.', with how to choose one's own zone for someone who has not."""
    return Context(t("oncall.times_in" if own_zone else "oncall.times_in_project", tz=str(tz)))


def uncovered(shift: Shift) -> bool:
    """A piece of duty time nobody holds: everyone who could cover is away."""
    return shift.member is None and shift.reason != "off"


def day_names(t: T) -> tuple[str, ...]:
    return tuple(t(f"oncall.weekday.{i}") for i in range(7))


def person_inline(people: Mapping[str, Person], ref: str | None, t: T, mention: bool = False) -> Inline:
    if ref is None:
        return t("oncall.nobody")
    person = people.get(ref)
    if person is None:
        return Plain(ref)
    return person.mention() if mention else Plain(person.name)


def now_message(
    t: T, rows: Sequence[RotationNow], people: Mapping[str, Person], tz: ZoneInfo, own_zone: bool = False
) -> Message:
    """/oncall now: per rotation who holds it, since and until when (their whole stretch), and who is
    next; ``own_zone`` when the reader chose ``tz`` themselves."""
    msg = Message([Header(t("oncall.now.title"))], summary=t("oncall.now.title"))
    for row in rows:
        cur, nxt = row.current, row.upcoming
        fields: list[tuple[Inline, Inline]] = []
        if cur is not None and uncovered(cur):
            fields.append((t("oncall.now.who"), t("oncall.now.uncovered")))
        elif cur is None or cur.member is None:
            fields.append((t("oncall.now.who"), t("oncall.now.off_duty")))
        else:
            who: Inline = person_inline(people, cur.member, t)
            fields.append((t("oncall.now.who"), who))
            if cur.region:
                fields.append((t("oncall.now.region"), Plain(cur.region)))
            fields.append((t("oncall.now.since"), when(t, cur.start, tz)))
        if cur is not None:
            fields.append((t("oncall.now.until"), when(t, cur.end, tz)))
        if nxt is not None:
            fields.append(
                (
                    t("oncall.now.next"),
                    t("oncall.now.next_value", name=_name(people, nxt.member), at=when(t, nxt.start, tz)),
                )
            )
        msg.add(Section(Bold(row.rotation.name)), Fields(tuple(fields)))
    msg.add(times_footer(t, tz, own_zone))
    return msg


def _name(people: Mapping[str, Person], ref: str | None) -> str:
    if ref is None:
        return "—"
    person = people.get(ref)
    return person.name if person else ref


def shift_line(t: T, shift: Shift, people: Mapping[str, Person], tz: ZoneInfo) -> tuple[Inline, ...]:
    """One schedule line: when, who, and why when it is not the plain rotation."""
    span = local_span(t, shift.start, shift.end, tz) + "  "
    if shift.reason == "off":
        return (span, t("oncall.schedule.off"))
    if uncovered(shift):
        # Nobody covers: never "covering for", which would say someone does.
        return (span, t("oncall.schedule.uncovered", name=_name(people, shift.planned)))
    parts: list[Inline] = [span, Plain(_name(people, shift.member))]
    if shift.region:
        parts.append(f" [{shift.region}]")
    if shift.reason in ("away", "availability", "swap", "override") and shift.planned != shift.member:
        parts.append(t(f"oncall.schedule.reason_{shift.reason}", name=_name(people, shift.planned)))
    elif shift.reason == "override":
        parts.append(t("oncall.schedule.reason_override_plain"))
    return tuple(parts)


def schedule_message(
    t: T,
    per_rotation: Sequence[tuple[str, Sequence[Shift]]],
    people: Mapping[str, Person],
    tz: ZoneInfo,
    days: int,
    gaps: Sequence[Gap],
    fairness: Mapping[str, Mapping[str, int]],
) -> Message:
    msg = Message(
        [Header(t("oncall.schedule.title", days=days, count=days))],
        summary=t("oncall.schedule.title", days=days, count=days),
    )
    for name, shifts in per_rotation:
        items = tuple(shift_line(t, s, people, tz) for s in shifts[:40])
        msg.add(Section(Bold(name)))
        msg.add(BulletList(items) if items else Section(t("oncall.schedule.none")))
        if len(shifts) > 40:
            msg.add(Context(t("oncall.schedule.more", count=len(shifts) - 40)))
        counts = fairness.get(name) or {}
        if counts:
            shown = ", ".join(
                f"{_name(people, ref)} {n}" for ref, n in sorted(counts.items(), key=lambda kv: -kv[1])
            )
            msg.add(Context(t("oncall.schedule.fairness"), Plain(shown)))
        msg.add(*_gap_warnings(t, name, shifts, gaps, tz))
    msg.add(Context(t("oncall.schedule.footer", tz=str(tz))))
    return msg


def _gap_warnings(
    t: T, rotation: str, shifts: Sequence[Shift], gaps: Sequence[Gap], tz: ZoneInfo
) -> list[Block]:
    """Coverage gaps: the dated ones time away leaves in these shifts, then the weekly pattern of
    hours nobody is available (from the members' stated availability)."""
    zone = str(tz)
    dated = [(LocalTime(start, zone), LocalTime(end, zone)) for start, end in uncovered_spans(shifts)]
    weekly = [(Weekday(g.start, zone), Weekday(g.end, zone)) for g in gaps if g.rotation == rotation]
    spans: list[tuple[object, object]] = [*dated[:GAP_LINES], *weekly[:GAP_LINES]]
    return [
        Context(t("oncall.schedule.gap", when=t("oncall.schedule.gap_span", start=start, end=end)))
        for start, end in spans
    ]


def uncovered_spans(shifts: Sequence[Shift]) -> list[tuple[datetime, datetime]]:
    """The times nobody covers, back-to-back pieces joined (a gap across a handoff is one gap)."""
    spans: list[tuple[datetime, datetime]] = []
    for shift in shifts:
        if not uncovered(shift):
            continue
        if spans and spans[-1][1] == shift.start:
            spans[-1] = (spans[-1][0], shift.end)
        else:
            spans.append((shift.start, shift.end))
    return spans


def queue_blocks(
    t: T,
    items: Sequence[QueueItem],
    now: datetime,
    sla: timedelta,
    limit: int = QUEUE_LIMIT,
    total: int | None = None,
) -> list[Block]:
    """The queue as a bullet list (oldest first) with ages against the SLA and flags.

    ``total`` is the queue's full size when ``items`` holds only its head.
    """
    total = len(items) if total is None else total
    if not items:
        return [Section(t("oncall.queue.empty"))]
    lines: list[tuple[Inline, ...]] = []
    for item in items[:limit]:
        ref = f"{item.repo}#{item.number}"
        parts: list[Inline] = [
            Link(item.url, Plain(ref)) if item.url else Plain(ref),
            " ",
            Plain(item.title),
            " — ",
        ]
        key = "oncall.queue.breached" if item.breached(now, sla) else "oncall.queue.within"
        age, within = Elapsed.of(item.age(now)), Elapsed.of(sla)
        parts.append(t(key, age=age, sla=within))
        if item.is_pull_request:
            parts.append(t("oncall.queue.pr"))
        if item.missing_sections:
            parts.append(t("oncall.queue.missing", sections=", ".join(item.missing_sections)))
            if item.sections_requested:
                parts.append(t("oncall.queue.asked"))
        lines.append(tuple(parts))
    blocks: list[Block] = [BulletList(tuple(lines))]
    shown = min(limit, len(items))
    if total > shown:
        blocks.append(Context(t("oncall.queue.more", count=total - shown)))
    return blocks


def queue_message(
    t: T, name: str | None, items: Sequence[QueueItem], now: datetime, sla: timedelta, total: int
) -> Message:
    """/oncall queue: the head of the queue (``items``) of ``total`` items, with "ask author" buttons."""
    title = (
        t("oncall.queue.title", rotation=name, count=total)
        if name
        else t("oncall.queue.title_all", count=total)
    )
    msg = Message([Header(title)], summary=title)
    msg.add(*queue_blocks(t, items, now, sla, total=total))
    askable = [i for i in items[:QUEUE_LIMIT] if i.missing_sections and not i.sections_requested][
        :ASK_BUTTONS
    ]
    if askable:
        msg.add(
            Buttons(
                tuple(
                    Button(
                        t("oncall.queue.ask_button", ref=f"#{i.number}"), "oncall_ask", f"{i.repo}#{i.number}"
                    )
                    for i in askable
                )
            )
        )
    return msg


def handoff_message(
    t: T,
    rotation: str,
    previous: Shift | None,
    current: Shift,
    people: Mapping[str, Person],
    triaged: Sequence[OncallTriage],
    waiting: Sequence[QueueItem],
    now: datetime,
    sla: timedelta,
    notes: Sequence[OncallHandoffNote],
) -> Message:
    """The post at a shift change: what the last shift did and who is on call now, until the end of
    their stretch (``current``; times in ``t``'s zone, named: a channel has no one zone)."""
    title = t("oncall.handoff.title", rotation=rotation)
    msg = Message([Header(title)])
    nxt = person_inline(people, current.member, t, mention=True)
    if previous is not None and previous.member is not None:
        prev = person_inline(people, previous.member, t)
        msg.add(Section(t("oncall.handoff.from_to_prefix"), prev, " → ", nxt))
        breached_triaged = [r for r in triaged if r.triaged_at and r.triaged_at - r.opened_at > sla]
        breached_waiting = [i for i in waiting if i.breached(now, sla)]
        msg.add(
            Fields(
                (
                    (t("oncall.handoff.triaged"), str(len(triaged))),
                    (t("oncall.handoff.waiting"), str(len(waiting))),
                    (t("oncall.handoff.breaches"), str(len(breached_triaged) + len(breached_waiting))),
                )
            )
        )
        if triaged:
            msg.add(
                Section(Bold(t("oncall.handoff.triaged_list"))),
                BulletList(
                    tuple(
                        (
                            Plain(f"{r.repo}#{r.number}"),
                            " — ",
                            t(f"oncall.kind.{r.triage_kind or 'label'}"),
                            " ",
                            Plain(r.triaged_by or ""),
                        )
                        for r in triaged[:10]
                    )
                ),
            )
        for note in notes:
            msg.add(Quote(Plain(note.note), Plain(note.author)))
    else:
        msg.add(Section(t("oncall.handoff.starting"), nxt))
    msg.add(Section(Bold(t("oncall.handoff.queue", count=len(waiting)))))
    msg.add(*queue_blocks(t, waiting, now, sla, limit=10))
    msg.add(Context(t("oncall.handoff.until", at=current.end)))
    msg.summary = t("oncall.handoff.summary", rotation=rotation, name=_name(people, current.member))
    return msg


HOME_SHIFTS = 20


def home_blocks(t: T, home: HomeShifts, tz: ZoneInfo) -> list[Block]:
    """The on-call part of a person's home page."""
    blocks: list[Block] = [Header(t("oncall.home.title"))]
    for shift in home.current:
        blocks.append(
            Section(t("oncall.home.on_call_now", rotation=shift.rotation, until=when(t, shift.end, tz)))
        )
    if not home.current:
        blocks.append(Section(t("oncall.home.not_now")))
    if home.upcoming:
        lines: list[tuple[Inline, ...]] = []
        for shift in home.upcoming[:HOME_SHIFTS]:
            parts: list[Inline] = [Bold(shift.rotation)]
            if shift.region:
                parts.append(f" [{shift.region}]")
            parts.append(" " + local_span(t, shift.start, shift.end, tz))
            if shift.planned and shift.planned != shift.member:
                parts.append(t("oncall.home.covering", name=home.names.get(shift.planned, shift.planned)))
            lines.append(tuple(parts))
        blocks += [
            Section(t("oncall.home.upcoming", days=home.days, count=home.days)),
            BulletList(tuple(lines)),
        ]
        if len(home.upcoming) > HOME_SHIFTS:
            blocks.append(Context(t("oncall.home.more", count=len(home.upcoming) - HOME_SHIFTS)))
    else:
        blocks.append(Section(t("oncall.home.none", days=home.days, count=home.days)))
    if home.swaps:
        asks = tuple(
            (
                Plain(s.requester),
                t(
                    "oncall.home.swap_line",
                    rotation=s.rotation,
                    id=s.id,
                    span=local_span(t, s.start, s.end, tz),
                ),
            )
            for s in home.swaps[:HOME_SHIFTS]
        )
        blocks += [Section(t("oncall.home.swaps")), BulletList(asks), Context(t("oncall.home.swap_hint"))]
    blocks.append(Context(t("oncall.home.footer", tz=str(tz))))
    return blocks
