"""Dates, ages and numbers as a reader of ``locale`` writes them (Babel / CLDR)."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_timedelta
from babel.numbers import format_decimal


def babel_locale(locale: str) -> Locale:
    """Babel's locale for one of ours (``zh-CN`` -> ``zh_Hans_CN``)."""
    return Locale.parse(locale, sep="-")


class Formatter:
    """Formats values for one page view: one locale, one time zone (the project's; the browser's
    script then shows ``<time>`` elements in the visitor's own zone)."""

    def __init__(self, locale: str, timezone: str, now: dt.datetime) -> None:
        self.locale = babel_locale(locale)
        self.zone = ZoneInfo(timezone)
        self.now = now

    def datetime(self, when: dt.datetime | None, form: str = "medium") -> str:
        if when is None:
            return "—"
        return format_datetime(when, form, tzinfo=self.zone, locale=self.locale)

    def date(self, when: dt.datetime | None, form: str = "medium") -> str:
        if when is None:
            return "—"
        return format_date(when.astimezone(self.zone).date(), form, locale=self.locale)

    def age(self, since: dt.datetime | None) -> str:
        """How long ago ``since`` was ("3 days ago" / "3天前")."""
        if since is None:
            return "—"
        return format_timedelta(since - self.now, add_direction=True, locale=self.locale)

    def duration(self, seconds: float | None) -> str:
        if seconds is None:
            return "—"
        return format_timedelta(timedelta(seconds=seconds), threshold=1.5, locale=self.locale)

    def number(self, value: float | int | None) -> str:
        if value is None:
            return "—"
        return format_decimal(value, locale=self.locale)

    @staticmethod
    def iso(when: dt.datetime | None) -> str:
        """The machine-readable instant for ``<time datetime=...>``."""
        return when.isoformat() if when is not None else ""
