"""The iCalendar feed of each rotation's shifts (30 days back, 90 ahead), served over HTTP."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp import web

from cogs.oncall.feed_token import stored_feed_token, token_matches
from cogs.oncall.ical import render_calendar
from cogs.oncall.public_names import public_name
from cogs.oncall.service import OncallService

PATH = "/oncall/{rotation}.ics"


class CalendarFeed:
    """Answers calendar apps polling ``PATH``; names and texts are in the project's language."""

    def __init__(self, service: OncallService) -> None:
        self.service = service
        self.services = service.services
        self._generated: str | None = None  # the stored token, once read

    async def token(self) -> str:
        """The token feeds require: the configured one, else the one generated for this deployment."""
        configured = self.service.config.calendar_token
        if configured:
            return configured
        if self._generated is None:
            now = self.services.clock.now()
            self._generated = await self.services.db.run(stored_feed_token, now)
        return self._generated

    def t(self, key: str, **params: Any) -> str:
        return self.services.catalog.translate(self.services.config.project.locale, key, **params)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """GET ``PATH``: the feed, or 404 for an unknown rotation or a missing or wrong token."""
        config = self.service.config
        if not token_matches(request.query.get("token", ""), await self.token()):
            raise web.HTTPNotFound()
        name = request.match_info["rotation"]
        if name not in {r.name for r in config.rotations}:
            raise web.HTTPNotFound()
        svc, now = self.service, self.services.clock.now()
        rot = svc.rotation(name)[0]

        def load(session):  # type: ignore[no-untyped-def]
            shifts = svc.shifts(session, rot, now - timedelta(days=30), now + timedelta(days=90))
            refs = {s.member for s in shifts if s.member}
            # known(), not resolve(): a calendar app polling the feed never creates member rows.
            return shifts, {r: svc.known(session, r).name for r in refs}

        shifts, names = await self.services.db.read(load)
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
