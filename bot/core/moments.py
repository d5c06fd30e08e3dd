"""The one place that turns a time (or a large number) into text for a person: Babel's CLDR formats
in the reader's language, in the reader's time zone (else the project's), with the zone named beside
a time of day.

Cogs never format a datetime themselves (tests/core/test_no_hand_formatted_times.py checks): they
pass ``datetime`` / :class:`Day` / ``timedelta`` values as catalog parameters and the catalog calls
:func:`format_value` with the reader's locale and zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton, format_time, format_timedelta
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.units import format_unit

DEFAULT_ZONE = "UTC"
_BABEL_LOCALES = {"en": "en", "zh-CN": "zh_Hans_CN"}


@lru_cache(maxsize=16)
def babel_locale(locale: str | None) -> Locale:
    """The Babel locale for one of the bot's catalog locales (``en``, ``zh-CN``)."""
    return Locale.parse(_BABEL_LOCALES.get(locale or "en", "en"))


@lru_cache(maxsize=256)
def zone_of(name: str | None) -> ZoneInfo:
    """``ZoneInfo`` for an IANA name; an unknown or empty name reads as UTC rather than failing a reply."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


@dataclass(frozen=True)
class Day:
    """A catalog parameter shown as the calendar day of ``when`` ('Dec 6, 2026'), no time of day.

    ``zone`` overrides the reader's zone where the day is a fixed one (a report's week boundary)."""

    when: datetime | date
    zone: str | None = None


@dataclass(frozen=True)
class ShortDay:
    """A catalog parameter shown as month and day only ('Dec 6'), e.g. a report's week labels."""

    when: datetime | date
    zone: str | None = None


@dataclass(frozen=True)
class Weekday:
    """A catalog parameter shown as weekday and time of day ('Sat 2:00 AM'), for weekly patterns."""

    when: datetime
    zone: str | None = None


@dataclass(frozen=True)
class LocalTime:
    """A catalog parameter shown as weekday, day and time without naming the zone ('Sun, Dec 6, 2026,
    3:22 PM'), for lists whose footer names the zone once."""

    when: datetime
    zone: str | None = None


@dataclass(frozen=True)
class Elapsed:
    """A catalog parameter shown as a duration in its two largest units, narrow ('2d 4h', '3h 20m',
    '45m'; '2天4小时'), for figures read side by side; an en dash when there is no value."""

    seconds: float | None

    @classmethod
    def of(cls, delta: timedelta) -> Elapsed:
        """The duration ``delta``."""
        return cls(delta.total_seconds())


@dataclass(frozen=True)
class Count:
    """A catalog parameter shown as a number in the reader's language ('7,560')."""

    value: int


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def format_moment(when: datetime, locale: str | None, zone: str | None) -> str:
    """'Dec 6, 2026, 11:22 PM China Standard Time' / '2026年12月6日 23:22 中国标准时间'."""
    loc, tz = babel_locale(locale), zone_of(zone)
    local = _aware(when).astimezone(tz)
    pattern = loc.datetime_formats["medium"]
    text = str(pattern).format(
        format_time(local, "short", tzinfo=tz, locale=loc), format_date(local.date(), "medium", locale=loc)
    )
    return f"{text} {format_datetime(local, 'zzzz', tzinfo=tz, locale=loc)}"


def format_day(when: datetime | date, locale: str | None, zone: str | None) -> str:
    """'Dec 6, 2026' / '2026年12月6日', the day ``when`` falls on in ``zone``."""
    day = _aware(when).astimezone(zone_of(zone)).date() if isinstance(when, datetime) else when
    return format_date(day, "medium", locale=babel_locale(locale))


def format_local_time(when: datetime, locale: str | None, zone: str | None) -> str:
    """'Sun, Dec 6, 2026, 3:22 PM' / '2026年12月6日周日 15:22' in ``zone``, the zone not named."""
    loc, tz = babel_locale(locale), zone_of(zone)
    local = _aware(when).astimezone(tz)
    day = f"{format_date(local.date(), 'EEE', locale=loc)} {format_date(local.date(), 'medium', locale=loc)}"
    pattern = str(loc.datetime_formats["medium"])
    return pattern.format(format_time(local, "short", tzinfo=tz, locale=loc), day)


def format_short_day(when: datetime | date, locale: str | None, zone: str | None) -> str:
    """'Dec 6' / '12月6日'."""
    day = _aware(when).astimezone(zone_of(zone)).date() if isinstance(when, datetime) else when
    return format_skeleton("MMMd", day, locale=babel_locale(locale))


def format_weekday_time(when: datetime, locale: str | None, zone: str | None) -> str:
    """'Sat 2:00 AM' / '周六 02:00' in ``zone``."""
    loc, tz = babel_locale(locale), zone_of(zone)
    local = _aware(when).astimezone(tz)
    weekday = format_date(local.date(), "EEE", locale=loc)
    return f"{weekday} {format_time(local, 'short', tzinfo=tz, locale=loc)}"


def format_duration(delta: timedelta, locale: str | None) -> str:
    """'3 days' / '3天' (CLDR plural rules, rounded to the largest sensible unit)."""
    return format_timedelta(delta, threshold=1.0, locale=babel_locale(locale))


_ELAPSED_UNITS = (("duration-day", 24 * 60), ("duration-hour", 60), ("duration-minute", 1))


def format_elapsed(seconds: float | None, locale: str | None) -> str:
    """'2d 4h' / '2天4小时': whole minutes, the two largest units present (CLDR narrow unit forms)."""
    if seconds is None:
        return "–"
    loc = babel_locale(locale)
    rest = round(seconds / 60)
    amounts = []
    for unit, minutes in _ELAPSED_UNITS:
        amount, rest = divmod(rest, minutes)
        amounts.append((unit, amount))
    first = next((i for i, (_, amount) in enumerate(amounts) if amount), len(amounts) - 1)
    # The largest unit present, then the next one when it is not zero ('2d', not '2d 0h').
    shown = [amounts[first], *(x for x in amounts[first + 1 : first + 2] if x[1])]
    parts = [format_unit(amount, unit, length="narrow", locale=loc) for unit, amount in shown]
    return format_list(parts, style="unit-narrow", locale=loc)


def zone_name(locale: str | None, zone: str | None) -> str:
    """The zone as people call it: 'China Standard Time' (the IANA id is kept for UTC)."""
    tz = zone_of(zone)
    return format_datetime(datetime.now(UTC), "zzzz", tzinfo=tz, locale=babel_locale(locale))


def format_value(value: Any, locale: str | None, zone: str | None) -> Any:
    """A catalog parameter as text when it is a time; anything else is returned unchanged."""
    if isinstance(value, datetime):
        return format_moment(value, locale, zone)
    if isinstance(value, Day):
        return format_day(value.when, locale, value.zone or zone)
    if isinstance(value, ShortDay):
        return format_short_day(value.when, locale, value.zone or zone)
    if isinstance(value, Weekday):
        return format_weekday_time(value.when, locale, value.zone or zone)
    if isinstance(value, LocalTime):
        return format_local_time(value.when, locale, value.zone or zone)
    if isinstance(value, date):
        return format_date(value, "medium", locale=babel_locale(locale))
    if isinstance(value, timedelta):
        return format_duration(value, locale)
    if isinstance(value, Elapsed):
        return format_elapsed(value.seconds, locale)
    if isinstance(value, Count):
        return format_decimal(value.value, locale=babel_locale(locale))
    return value
