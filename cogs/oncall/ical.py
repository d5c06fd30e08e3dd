"""iCalendar (RFC 5545) feeds of a rotation's shifts.

One VEVENT per shift, UID derived from the rotation, region and start (stable across restarts),
DTSTART/DTEND in UTC, text escaped (backslash, semicolon, comma, newline), CRLF line endings and
lines folded at 75 octets without splitting a UTF-8 character.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from cogs.oncall.planner import Shift

CRLF = "\r\n"
MAX_OCTETS = 75
UID_DOMAIN = "oncall.steward"  # a fixed right-hand side: UIDs depend on nothing about the request


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets; continuation lines start with a space."""
    out: list[str] = []
    current = ""
    size = 0
    limit = MAX_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            out.append(current)
            current, size = " ", 1
            limit = MAX_OCTETS
        current += char
        size += octets
    out.append(current)
    return CRLF.join(out)


def _stamp(when: datetime) -> str:
    return when.strftime("%Y%m%dT%H%M%SZ")


def render_calendar(
    rotation: str,
    shifts: Sequence[Shift],
    names: dict[str, str],
    summary: str,
    nobody: str,
    now: datetime,
) -> str:
    """The VCALENDAR text; ``summary`` is a format string with ``{name}`` and ``{rotation}``."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Steward//On-call//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(rotation)}",
    ]
    for shift in shifts:
        if shift.reason == "off":
            continue
        name = names.get(shift.member or "", shift.member or nobody)
        title = summary.format(name=name, rotation=rotation)
        if shift.region:
            title = f"{title} ({shift.region})"
        # Never the request's Host: one shift fetched through two hostnames must stay one event.
        uid = f"{shift.key.replace('/', '-')}@{UID_DOMAIN}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{escape_text(uid)}",
            f"DTSTAMP:{_stamp(now)}",
            f"DTSTART:{_stamp(shift.start)}",
            f"DTEND:{_stamp(shift.end)}",
            f"SUMMARY:{escape_text(title)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return CRLF.join(fold(line) for line in lines) + CRLF
