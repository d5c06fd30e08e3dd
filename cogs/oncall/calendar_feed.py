"""The iCalendar feed of each rotation's shifts (30 days back, 90 ahead), served over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from aiohttp import web

from bot.core.clock import Clock
from bot.db.database import Database
from bot.i18n import Catalog
from cogs.oncall.feed_token import stored_feed_token, token_matches
from cogs.oncall.ical import render_calendar
from cogs.oncall.public_names import public_name
from cogs.oncall.rotation_people import RotationPeople
from cogs.oncall.service import Schedule

PATH = "/oncall/{rotation}.ics"


class CalendarFeed:
    """Answers calendar apps polling ``PATH``; names and texts are in the project's language."""

    def __init__(
        self,
        schedule: Schedule,
        people: RotationPeople,
        db: Database,
        clock: Clock,
        catalog: Catalog,
        locale: Callable[[], str],
    ) -> None:
        self.schedule = schedule
        self.people = people
        self.db = db
        self.clock = clock
        self.catalog = catalog
        self.locale = locale  # the project's language, asked on each use
        self._generated: str | None = None  # the stored token, once read

    async def token(self) -> str:
        """The token feeds require: the configured one, else the one generated for this deployment."""
        configured = self.schedule.config.calendar_token
        if configured:
            return configured
        if self._generated is None:
            now = self.clock.now()
            self._generated = await self.db.run(stored_feed_token, now)
        return self._generated

    def t(self, key: str, **params: Any) -> str:
        return self.catalog.translate(self.locale(), key, **params)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """GET ``PATH``: the feed, or 404 for an unknown rotation or a missing or wrong token."""
        config = self.schedule.config
        if not token_matches(request.query.get("token", ""), await self.token()):
            raise web.HTTPNotFound()
        name = request.match_info["rotation"]
        if name not in {r.name for r in config.rotations}:
            raise web.HTTPNotFound()
        now = self.clock.now()
        rot = self.schedule.rotation(name)[0]

        def load(session):  # type: ignore[no-untyped-def]
            shifts = self.schedule.shifts(session, rot, now - timedelta(days=30), now + timedelta(days=90))
            refs = {s.member for s in shifts if s.member}
            # known(), not resolve(): a calendar app polling the feed never creates member rows.
            return shifts, {r: self.people.known(session, r).name for r in refs}

        shifts, names = await self.db.read(load)
        # Named as on the public on-call page: a bare chat id means nothing in a calendar.
        unnamed = self.t("oncall.unnamed")
        shown = {ref: public_name(names, ref) or unnamed for ref in names}
        text = render_calendar(
            rot.name,
            shifts,
            shown,
            self.t("oncall.ical.summary"),
            self.t("oncall.nobody"),
            now,
        )
        return web.Response(body=text.encode("utf-8"), content_type="text/calendar", charset="utf-8")
