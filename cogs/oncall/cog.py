"""Wiring of /oncall: commands, buttons, GitHub event listeners, the shift ticker, the calendar feed."""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from apscheduler.triggers.interval import IntervalTrigger

from bot.core.cog import Cog, Services
from bot.core.commands import Access, Choice, Option, OptionType, action, autocomplete, command
from bot.core.errors import UserError
from bot.core.events import ConfigReloaded, HomeChanged, listener
from bot.core.github_events import (
    IssueAssigned,
    IssueClosed,
    IssueCommented,
    IssueLabeled,
    IssueOpened,
    IssueReopened,
    IssueUnlabeled,
    PullRequestOpened,
    PullRequestReviewed,
    RepoEvent,
)
from bot.core.invocation import Invocation
from bot.core.messages import Block, Bold, Image, Message, Section
from bot.core.refs import UserRef
from cogs.oncall.chart import ChartLabels, render_chart
from cogs.oncall.coverage import coverage_gaps
from cogs.oncall.home import home_member_ids, home_shifts
from cogs.oncall.ical import render_calendar
from cogs.oncall.people import split_ref
from cogs.oncall.planner import shift_counts
from cogs.oncall.service import OncallService, day_bounds, parse_day
from cogs.oncall.shiftlife import ShiftTicker, channel_of
from cogs.oncall.stats import build_report
from cogs.oncall.swaps import SwapCommands
from cogs.oncall.triage import missing_sections
from cogs.oncall.views import (
    QUEUE_LIMIT,
    home_blocks,
    now_message,
    queue_message,
    schedule_message,
    stats_blocks,
    when,
)

log = logging.getLogger(__name__)
ROTATION = Option("rotation", "oncall.option.rotation", required=False, autocomplete="oncall_rotations")
TICK_SECONDS = 60


class OncallCog(SwapCommands, Cog):
    """On-call triage rotations."""

    name = "oncall"

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.service = OncallService(services)
        self.ticker = ShiftTicker(self.service)

    def register(self) -> None:
        super().register()
        if self.service.config.calendar_feeds:
            self.services.http.add_route("GET", "/oncall/{rotation}.ics", self.calendar_feed)

    def jobs(self) -> dict[str, Callable[[], Any]]:
        return {"oncall_handoff": self.ticker.tick}

    def default_schedules(self) -> dict[str, tuple[Any, timedelta]]:
        # Shift boundaries come from the rotations: check every minute unless a schedule says otherwise.
        # The scheduler runs it on the leader only, so several instances never hand off twice.
        return {"oncall_handoff": (IntervalTrigger(seconds=TICK_SECONDS), timedelta(seconds=TICK_SECONDS))}

    async def start(self) -> None:
        await self.services.db.run(self.service.sync_rosters, self.services.clock.now())

    # -- commands ------------------------------------------------------------------------------
    @command("oncall now", "oncall.now.description")
    async def now(self, inv: Invocation) -> None:
        svc, now = self.service, self.services.clock.now()

        def load(session):  # type: ignore[no-untyped-def]
            rows = svc.now(session, now)
            refs = {s.member for r in rows for s in (r.current, r.upcoming) if s is not None and s.member}
            return rows, {ref: svc.resolve(session, ref, now) for ref in refs}

        rows, people = await self.services.db.run(load)
        await inv.reply(now_message(inv.t, rows, people, svc.viewer_tz(inv.actor)))

    @command(
        "oncall schedule",
        "oncall.schedule.description",
        ROTATION,
        Option("days", "oncall.option.days", OptionType.INTEGER, required=False, min_value=1, max_value=90),
    )
    async def schedule(self, inv: Invocation, rotation: str | None = None, days: int | None = None) -> None:
        svc, now = self.service, self.services.clock.now()
        rotations = svc.rotation(rotation)
        span = days or 14

        def load(session):  # type: ignore[no-untyped-def]
            per, fairness, refs = [], {}, set()
            for rot in rotations:
                shifts = [s for s in svc.shifts(session, rot, now, now + timedelta(days=span))]
                per.append((rot.name, shifts))
                past = svc.shifts(session, rot, now - timedelta(days=91), now)
                fairness[rot.name] = dict(
                    shift_counts([s for s in past if s.start >= now - timedelta(days=91)])
                )
                refs |= {s.member for s in shifts if s.member} | {s.planned for s in shifts if s.planned}
                refs |= set(fairness[rot.name])
            return per, fairness, {r: svc.resolve(session, r, now) for r in refs}

        per, fairness, people = await self.services.db.run(load)
        gaps = [g for g in coverage_gaps(svc.config, now) if g.rotation in {r.name for r in rotations}]
        await inv.reply(schedule_message(inv.t, per, people, svc.viewer_tz(inv.actor), span, gaps, fairness))

    @command("oncall queue", "oncall.queue.description", ROTATION)
    async def queue(self, inv: Invocation, rotation: str | None = None) -> None:
        svc, now = self.service, self.services.clock.now()
        chosen = svc.rotation(rotation)[0] if rotation else None
        triage = svc.triage()

        def load(session):  # type: ignore[no-untyped-def]
            return triage.queue(session, chosen, limit=QUEUE_LIMIT), triage.queue_size(session, chosen)

        items, total = await self.services.db.run(load)
        name = chosen.name if chosen else None
        await inv.reply(queue_message(inv.t, name, items, now, svc.config.sla, total))

    @command(
        "oncall away",
        "oncall.away.description",
        Option("from", "oncall.option.from"),
        Option("to", "oncall.option.to"),
    )
    async def away(self, inv: Invocation, **args: str) -> None:
        svc, now = self.service, self.services.clock.now()
        tz = svc.viewer_tz(inv.actor)
        first, last = parse_day(args["from"]), parse_day(args["to"])
        if last < first:
            raise UserError("oncall.error.away_order", start=first.isoformat(), end=last.isoformat())
        if (last - first).days > 366:
            raise UserError("oncall.error.away_too_long")
        refs = svc.my_refs(inv.actor)
        if not refs:
            raise UserError("oncall.error.not_a_member")
        start, _ = day_bounds(first, tz)
        _, end = day_bounds(last, tz)

        def store(session):  # type: ignore[no-untyped-def]
            svc.add_away(session, refs, start, end, inv.actor.member_id, now)
            session.flush()
            covered = []
            for rot in svc.config.rotations:
                covered += [
                    s
                    for s in svc.shifts(session, rot, start, end)
                    if s.reason == "away" and s.planned in refs
                ]
            people = {s.member: svc.resolve(session, s.member, now) for s in covered if s.member}
            return covered, people

        covered, people = await self.services.db.run(store)
        await self.homes_changed({*refs, *(s.member for s in covered)})
        msg = Message([Section(inv.t("oncall.away.stored", start=first.isoformat(), end=last.isoformat()))])
        for s in covered[:10]:
            name = people[s.member].name if s.member in people else inv.t("oncall.nobody")
            msg.add(
                Section(
                    inv.t(
                        "oncall.away.covered", rotation=s.rotation, span=when(inv.t, s.start, tz), name=name
                    )
                )
            )
        await inv.reply(msg)

    @command(
        "oncall handoff",
        "oncall.handoff.description",
        Option("note", "oncall.option.note", required=False, greedy=True, max_length=1500),
    )
    async def handoff(self, inv: Invocation, note: str | None = None) -> None:
        svc, now = self.service, self.services.clock.now()

        def store(session):  # type: ignore[no-untyped-def]
            for rot in svc.config.rotations:
                refs = svc.my_refs(inv.actor, [rot])
                current = next(
                    (
                        s
                        for s in svc.shifts(session, rot, now, now + timedelta(seconds=1))
                        if s.contains(now) and s.member in refs
                    ),
                    None,
                )
                if current is not None:
                    if note:
                        svc.add_note(session, current, inv.actor.display_name, inv.actor.member_id, note, now)
                    return current, svc.triage().queue(session, rot)
            raise UserError("oncall.error.not_on_call_now")

        current, waiting = await self.services.db.run(store)
        tz = svc.viewer_tz(inv.actor)
        key = "oncall.handoff.noted" if note else "oncall.handoff.status"
        await inv.reply(
            inv.t(key, rotation=current.rotation, until=when(inv.t, current.end, tz), count=len(waiting))
        )

    @command(
        "oncall override",
        "oncall.override.description",
        Option("rotation", "oncall.option.rotation", autocomplete="oncall_rotations"),
        Option("member", "oncall.option.member", OptionType.USER),
        Option("until", "oncall.option.until", required=False),
        access=Access.MAINTAINERS,
    )
    async def override(
        self, inv: Invocation, rotation: str, member: UserRef, until: str | None = None
    ) -> None:
        svc, now = self.service, self.services.clock.now()
        rot = svc.rotation(rotation)[0]
        tz = svc.viewer_tz(inv.actor)
        ref = self._member_ref(member, svc.rotation_refs(rot))

        def store(session):  # type: ignore[no-untyped-def]
            if until:
                end = day_bounds(parse_day(until), tz)[1]
            else:
                current = next(
                    (s for s in svc.shifts(session, rot, now, now + timedelta(seconds=1)) if s.contains(now)),
                    None,
                )
                end = current.end if current else now + timedelta(days=1)
            if end <= now:
                raise UserError("oncall.error.until_past")
            replaced = next(
                (
                    s.member
                    for s in svc.shifts(session, rot, now, now + timedelta(seconds=1))
                    if s.contains(now)
                ),
                None,
            )
            svc.add_override(session, rot.name, ref, now, end, "override", inv.actor.member_id, now)
            return end, svc.resolve(session, ref, now), replaced

        end, person, replaced = await self.services.db.run(store)
        await self.homes_changed({ref, replaced})
        text = self._project_t(
            "oncall.override.posted",
            rotation=rot.name,
            name=person.name,
            until=when(self._project_t, end, svc.project_tz()),
            by=inv.actor.display_name,
        )
        await self.services.poster.post(
            channel_of(rot.channel), Message([Section(person.mention(), " ", text)])
        )
        await self.services.poster.set_topic(
            channel_of(rot.channel),
            self._project_t(
                "oncall.topic",
                rotation=rot.name,
                name=person.name,
                until=when(self._project_t, end, svc.project_tz()),
            ),
        )
        await inv.reply(
            inv.t("oncall.override.done", rotation=rot.name, name=person.name, until=when(inv.t, end, tz))
        )

    @command("oncall stats", "oncall.stats.description", ROTATION, access=Access.MAINTAINERS)
    async def stats(self, inv: Invocation, rotation: str | None = None) -> None:
        chosen = self.service.rotation(rotation)[0].name if rotation else None
        now = self.services.clock.now()
        blocks = await self._stats_blocks(inv.t, now - timedelta(weeks=8), now, chosen)
        title = inv.t("oncall.stats.title", rotation=chosen or inv.t("oncall.queue.all"))
        await inv.reply(Message([Section(title), *blocks], summary=title))

    async def _stats_blocks(
        self, t: Callable[..., str], start: datetime, end: datetime, rotation: str | None
    ) -> list[Block]:
        tz = self.service.project_tz()
        weeks = max(1, min(8, round((end - start) / timedelta(weeks=1))))
        report = await self.services.db.run(lambda s: build_report(s, end, tz, weeks, rotation))
        labels = ChartLabels(
            t("oncall.chart.title"),
            t("oncall.chart.hours"),
            t("oncall.chart.backlog"),
            t("oncall.chart.median"),
            t("oncall.chart.p90"),
        )
        png = await asyncio.to_thread(render_chart, report, labels)
        return [
            *stats_blocks(t, report, {}, tz),
            Image(t("oncall.chart.alt"), data=png, filename="oncall-stats.png"),
        ]

    async def digest_section(self, start: datetime, end: datetime, locale: str) -> list[Block]:
        def t(key: str, **params: object) -> str:
            return self.services.catalog.translate(locale, key, **params)

        return [Section(Bold(t("oncall.digest.title"))), *await self._stats_blocks(t, start, end, None)]

    async def home_section(self, member_id: int, locale: str) -> list[Block]:
        svc, now = self.service, self.services.clock.now()

        def load(session):  # type: ignore[no-untyped-def]
            info = self.services.members.info(session, member_id)
            return home_shifts(svc, session, member_id, now), info.timezone if info else None

        home, timezone = await self.services.db.run(load)
        if home is None:
            return []

        def t(key: str, **params: object) -> str:
            return self.services.catalog.translate(locale, key, **params)

        return home_blocks(t, home, ZoneInfo(timezone) if timezone else svc.project_tz())

    async def homes_changed(self, refs: set[str | None]) -> None:
        """Tell adapters that the home pages of the people behind ``refs`` changed (shifts, swaps)."""
        now = self.services.clock.now()
        for member_id in await self.services.db.run(lambda s: home_member_ids(self.service, s, refs, now)):
            await self.services.bus.publish(HomeChanged(member_id))

    # -- buttons -------------------------------------------------------------------------------
    @action("oncall_ask")
    async def ask_for_sections(self, inv: Invocation) -> None:
        svc, now = self.service, self.services.clock.now()
        repo, _, number_text = inv.value.rpartition("#")
        if not number_text.isdigit():
            raise UserError("core.error.stale_button")
        number = int(number_text)
        mine = svc.my_refs(inv.actor)
        if not mine and not inv.actor.is_maintainer:
            raise UserError("oncall.error.not_a_member")
        github = self.services.github
        if github is None:
            raise UserError("oncall.error.no_github")

        def load(session):  # type: ignore[no-untyped-def]
            item = next(
                (
                    i
                    for i in svc.triage().queue(session, None)
                    if i.repo.lower() == repo.lower() and i.number == number
                ),
                None,
            )
            if item is None:
                raise UserError("oncall.error.not_in_queue", ref=inv.value)
            return item

        item = await self.services.db.run(load)
        missing = item.missing_sections or tuple(missing_sections(None, svc.config.required_sections))
        locale = self.services.config.project.locale
        body = self.services.catalog.translate(
            locale,
            "oncall.github.ask_sections",
            author=item.author or "",
            sections="\n".join(f"- {s}" for s in missing),
        )
        await github.comment(
            item.repo,
            number,
            body,
            requested_by=inv.actor.member_id,
            dedupe_key=f"oncall-sections:{item.repo.lower()}#{number}",
            context={"feature": "oncall"},
        )
        await self.services.db.run(
            lambda s: svc.triage().mark(s, item.repo, number, item.opened_at, sections_requested_at=now)
        )
        await inv.reply(inv.t("oncall.queue.asked_reply", ref=inv.value))

    @autocomplete("oncall_rotations")
    async def rotations(self, inv: Invocation, partial: str) -> list[Choice]:
        return [Choice(r.name) for r in self.service.config.rotations if partial.lower() in r.name]

    # -- GitHub events -------------------------------------------------------------------------
    @listener(IssueOpened)
    async def on_opened(self, event: IssueOpened) -> None:
        await self.services.db.run(lambda s: self.service.triage().opened(s, event))

    @listener(PullRequestOpened)
    async def on_pr_opened(self, event: PullRequestOpened) -> None:
        await self.services.db.run(lambda s: self.service.triage().opened(s, event))

    async def _responded(self, event: RepoEvent) -> None:
        await self.services.db.run(lambda s: self.service.triage().responded(s, event))

    @listener(IssueLabeled)
    async def on_labeled(self, event: IssueLabeled) -> None:
        await self._responded(event)

    @listener(IssueUnlabeled)
    async def on_unlabeled(self, event: IssueUnlabeled) -> None:
        await self._responded(event)

    @listener(IssueCommented)
    async def on_commented(self, event: IssueCommented) -> None:
        await self._responded(event)

    @listener(IssueAssigned)
    async def on_assigned(self, event: IssueAssigned) -> None:
        await self._responded(event)

    @listener(IssueClosed)
    async def on_closed(self, event: IssueClosed) -> None:
        await self.services.db.run(lambda s: self.service.triage().state_changed(s, event))
        await self._responded(event)

    @listener(IssueReopened)
    async def on_reopened(self, event: IssueReopened) -> None:
        await self.services.db.run(lambda s: self.service.triage().state_changed(s, event))

    @listener(PullRequestReviewed)
    async def on_reviewed(self, event: PullRequestReviewed) -> None:
        await self._responded(event)

    @listener(ConfigReloaded)
    async def on_reload(self, event: ConfigReloaded) -> None:
        await self.services.db.run(self.service.sync_rosters, self.services.clock.now())

    # -- calendar feed -------------------------------------------------------------------------
    async def calendar_feed(self, request: web.Request) -> web.StreamResponse:
        config = self.service.config
        token = config.calendar_token
        if token and not hmac.compare_digest(request.query.get("token", ""), token):
            raise web.HTTPNotFound()
        name = request.match_info["rotation"]
        if name not in {r.name for r in config.rotations}:
            raise web.HTTPNotFound()
        svc, now = self.service, self.services.clock.now()
        rot = svc.rotation(name)[0]

        def load(session):  # type: ignore[no-untyped-def]
            shifts = svc.shifts(session, rot, now - timedelta(days=30), now + timedelta(days=90))
            refs = {s.member for s in shifts if s.member}
            return shifts, {r: svc.resolve(session, r, now).name for r in refs}

        shifts, names = await self.services.db.run(load)
        text = render_calendar(
            rot.name,
            shifts,
            names,
            self._project_t("oncall.ical.summary"),
            self._project_t("oncall.nobody"),
            request.host.split(":")[0] or "steward",
            now,
        )
        return web.Response(body=text.encode("utf-8"), content_type="text/calendar", charset="utf-8")

    # -- helpers -------------------------------------------------------------------------------
    def _project_t(self, key: str, **params: object) -> str:
        return self.services.catalog.translate(self.services.config.project.locale, key, **params)

    def _member_ref(self, user: UserRef | None, rotation_refs: list[str]) -> str:
        """The rotation ref naming ``user`` (by platform id, console name or GitHub login)."""
        assert user is not None
        ident = user.user_id or user.name or ""
        candidates = [f"{user.platform}:{ident}".lower(), ident.lower()]
        for ref in rotation_refs:
            if ref.lower() in candidates:
                return ref
        for entry in self.services.config.maintainers:
            ids = {
                "discord": str(entry.discord) if entry.discord else None,
                "slack": entry.slack,
                "console": entry.console,
            }
            if ids.get(user.platform) == ident and entry.github:
                for ref in rotation_refs:
                    if ref.lower() == entry.github.lower():
                        return ref
        if split_ref(f"{user.platform}:{ident}")[0] is not None:
            return f"{user.platform}:{ident}"
        raise UserError("oncall.error.unknown_member", name=str(user))
