"""The iCalendar feed of each rotation's shifts (30 days back, 90 ahead), served over HTTP."""

from __future__ import annotations

import hmac
from datetime import timedelta
from typing import Any

from aiohttp import web

from cogs.oncall.ical import render_calendar
from cogs.oncall.service import OncallService

PATH = "/oncall/{rotation}.ics"


class CalendarFeed:
    """Answers calendar apps polling ``PATH``; names and texts are in the project's language."""

    def __init__(self, service: OncallService) -> None:
        self.service = service
        self.services = service.services

    def t(self, key: str, **params: Any) -> str:
        return self.services.catalog.translate(self.services.config.project.locale, key, **params)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """GET ``PATH``: the feed, or 404 for an unknown rotation or (when a token is set) a wrong token."""
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
            self.t("oncall.ical.summary"),
            self.t("oncall.nobody"),
            request.host.split(":")[0] or "steward",
            now,
        )
        return web.Response(body=text.encode("utf-8"), content_type="text/calendar", charset="utf-8")
