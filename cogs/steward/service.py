"""Logic behind the core commands: personal preferences and the help listing."""

from __future__ import annotations

import difflib
import zoneinfo
from dataclasses import dataclass
from functools import cache

from bot.core.commands import Access, Command, CommandRegistry, CommandStyle
from bot.core.errors import UserError
from bot.i18n import LOCALES


@cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def validate_timezone(name: str) -> str:
    """The canonical IANA name, or a UserError with close suggestions."""
    zones = _zones()
    if name in zones:
        return name
    by_lower = {z.lower(): z for z in zones}
    if name.lower() in by_lower:
        return by_lower[name.lower()]
    close = difflib.get_close_matches(name, zones, n=3, cutoff=0.6)
    if close:
        raise UserError("steward.timezone.unknown_suggest", zone=name, suggestions=", ".join(close))
    raise UserError("steward.timezone.unknown", zone=name)


def matching_timezones(partial: str, limit: int = 25) -> list[str]:
    """Time zone names containing ``partial`` (case-insensitive), for autocomplete."""
    low = partial.lower()
    return [z for z in _zones() if low in z.lower()][:limit]


def validate_locale(value: str) -> str:
    for loc in LOCALES:
        if loc.lower() == value.lower():
            return loc
    raise UserError("steward.language.unknown", value=value, choices=", ".join(LOCALES))


@dataclass(frozen=True)
class HelpEntry:
    """One line of /steward help."""

    usage: str
    description_key: str
    maintainers_only: bool


def help_entries(
    registry: CommandRegistry, is_maintainer: bool, prefix: str | CommandStyle = "/"
) -> dict[str, list[HelpEntry]]:
    """Commands grouped by the top-level name people type; maintainer-only ones only for maintainers."""
    style = CommandStyle.of(prefix)
    groups: dict[str, list[HelpEntry]] = {}
    for top in registry.top_level():
        entries = [
            _entry(cmd, style)
            for cmd in registry.under(top)
            if is_maintainer or cmd.access is not Access.MAINTAINERS
        ]
        if entries:
            # A group renamed on this platform is headed by the name people type there.
            groups[style.renamed.get(top, top)] = entries
    return groups


def _entry(cmd: Command, prefix: CommandStyle) -> HelpEntry:
    return HelpEntry(cmd.usage(prefix), cmd.description, cmd.access is Access.MAINTAINERS)
