"""Reusable annotated field types: durations, clock times, time zones, slugs, member ids."""

from __future__ import annotations

import re
from datetime import time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BeforeValidator, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

__all__ = [
    "ClockTime",
    "Duration",
    "GitHubLogin",
    "MemberRef",
    "OptionalSecret",
    "Slug",
    "TimeZoneName",
    "at_least",
    "format_clock",
    "format_duration",
    "parse_clock",
    "parse_duration",
    "parse_hours_window",
]

_UNITS: dict[str, int] = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
_DURATION_PART = re.compile(r"(\d+)\s*([wdhms])")
_DURATION_FULL = re.compile(r"^(?:\d+\s*[wdhms]\s*)+$")
DURATION_PATTERN = r"^\s*(\d+|(\d+\s*[wdhms]\s*)+)$"
_DURATION_HINT = "expected a duration such as 30s, 5m, 2h, 14d, 1w, 1h30m or a whole number of seconds"


def _bad(kind: str, message: str) -> PydanticCustomError:
    # A custom error keeps pydantic from prefixing "Value error, " to messages shown to people.
    return PydanticCustomError(kind, message)


def parse_duration(value: Any) -> timedelta:
    """Turn ``int`` seconds or strings like ``"1h30m"`` into a non-negative ``timedelta``."""
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, bool):
        raise _bad("duration", f"{_DURATION_HINT}, got {value!r}")
    elif isinstance(value, int):
        seconds = value
    elif isinstance(value, str):
        text = value.strip()
        if text.isdigit() and text.isascii():
            seconds = int(text)
        elif _DURATION_FULL.match(text):
            parts = _DURATION_PART.findall(text)
            units = [unit for _, unit in parts]
            order = list(_UNITS)
            # Units must be unique and largest first, so "1m1m" or "30m1h" is caught as a likely typo.
            if len(set(units)) != len(units) or units != sorted(units, key=order.index):
                raise _bad("duration", f"{value!r}: give each unit once, largest first (e.g. '1h30m')")
            seconds = sum(int(n) * _UNITS[u] for n, u in parts)
        else:
            raise _bad("duration", f"{_DURATION_HINT}, got {value!r}")
    else:
        raise _bad("duration", f"{_DURATION_HINT}, got {type(value).__name__}")
    if seconds < 0:
        raise _bad("duration", f"duration must not be negative, got {value!r}")
    if seconds > 10 * 365 * 86400:
        raise _bad("duration", f"duration is longer than ten years: {value!r}")
    return timedelta(seconds=seconds)


def format_duration(value: timedelta) -> str:
    """Render a ``timedelta`` in the compact form the config accepts (``"1h30m"``, ``"0s"``)."""
    seconds = int(value.total_seconds())
    if seconds == 0:
        return "0s"
    out = []
    for unit, size in _UNITS.items():
        count, seconds = divmod(seconds, size)
        if count:
            out.append(f"{count}{unit}")
    return "".join(out)


def at_least(minimum: timedelta) -> AfterValidator:
    """Validator requiring a duration of at least ``minimum``."""

    def check(value: timedelta) -> timedelta:
        if value < minimum:
            raise _bad(
                "duration_min", f"must be at least {format_duration(minimum)}, got {format_duration(value)}"
            )
        return value

    return AfterValidator(check)


Duration = Annotated[
    timedelta,
    BeforeValidator(parse_duration),
    PlainSerializer(format_duration, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 0, "description": "seconds"},
                {
                    "type": "string",
                    "pattern": DURATION_PATTERN,
                    "examples": ["30s", "5m", "1h30m", "14d", "1w"],
                },
            ]
        }
    ),
]
"""A span of time: whole seconds or a string such as ``"5m"``; validates to ``datetime.timedelta``."""

_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
CLOCK_PATTERN = r"^([01]?\d|2[0-3]):[0-5]\d$"


def parse_clock(value: Any) -> time:
    """Parse ``"HH:MM"`` (24-hour clock) into ``datetime.time``."""
    if isinstance(value, time):
        return value
    match = _CLOCK.match(value.strip()) if isinstance(value, str) else None
    if not match:
        raise _bad("clock_time", f"expected a 24-hour time 'HH:MM' (00:00-23:59), got {value!r}")
    return time(int(match.group(1)), int(match.group(2)))


def format_clock(value: time) -> str:
    """Render a ``datetime.time`` as ``"HH:MM"``."""
    return f"{value.hour:02d}:{value.minute:02d}"


ClockTime = Annotated[
    time,
    BeforeValidator(parse_clock),
    PlainSerializer(format_clock, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": CLOCK_PATTERN, "examples": ["09:00"]}),
]
"""A wall-clock time written ``"HH:MM"``; validates to ``datetime.time``."""


def parse_hours_window(value: str) -> tuple[time, time]:
    """Split ``"HH:MM-HH:MM"`` into start and end times (an end at or before the start wraps midnight)."""
    start, sep, end = value.partition("-")
    if not sep:
        raise _bad("hours", f"expected hours as 'HH:MM-HH:MM', got {value!r}")
    try:
        return parse_clock(start), parse_clock(end)
    except PydanticCustomError:
        raise _bad("hours", f"expected hours as 'HH:MM-HH:MM' (00:00-23:59), got {value!r}") from None


def _check_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise _bad("time_zone", f"unknown time zone {value!r}") from None
    return value


TimeZoneName = Annotated[
    str,
    AfterValidator(_check_zone),
    WithJsonSchema({"type": "string", "examples": ["UTC", "Europe/Berlin", "Asia/Shanghai"]}),
]
"""An IANA time zone name such as ``"Europe/Berlin"``, checked against the tz database."""

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


def _check_slug(value: str) -> str:
    if not _SLUG.match(value):
        raise _bad("slug", f"expected a lowercase id of letters, digits, '-' or '_' (max 63), got {value!r}")
    return value


Slug = Annotated[
    str,
    AfterValidator(_check_slug),
    WithJsonSchema({"type": "string", "pattern": _SLUG.pattern}),
]
"""A short lowercase identifier used as a stable key (``"docs-first"``)."""

_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")
_LOGIN_BOT = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(\[bot\])?$")


def _check_login(value: str) -> str:
    if not _LOGIN_BOT.match(value):
        raise _bad("github_login", f"not a valid GitHub login: {value!r}")
    return value


GitHubLogin = Annotated[
    str, AfterValidator(_check_login), WithJsonSchema({"type": "string", "pattern": _LOGIN_BOT.pattern})
]
"""A GitHub user name (``"octocat"``; ``"name[bot]"`` is accepted for apps)."""

_MEMBER = re.compile(
    r"^(discord:\d{1,20}|slack:[A-Z0-9]{2,30}|console:[A-Za-z0-9_.-]{1,64}|[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))$"
)


def _check_member(value: str) -> str:
    if not _MEMBER.match(value):
        raise _bad(
            "member",
            "expected a GitHub login, 'discord:<user id>', 'slack:<user id>' or 'console:<name>', "
            f"got {value!r}",
        )
    return value


MemberRef = Annotated[
    str, AfterValidator(_check_member), WithJsonSchema({"type": "string", "pattern": _MEMBER.pattern})
]
"""A person: a GitHub login, or ``discord:<id>`` / ``slack:<id>`` / ``console:<name>`` (no linked login)."""


def _empty_as_none(value: Any) -> Any:
    # "${VAR:-}" yields "" when the variable is unset; for an optional setting that means "not set".
    return None if value == "" else value


OptionalSecret = Annotated[str | None, BeforeValidator(_empty_as_none)]
"""An optional string (usually a secret from ``${VAR:-}``) where an empty value means unset."""
