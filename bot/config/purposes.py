"""Cross-section check: every channel purpose a feature posts to is one the chat platforms define.

A purpose nobody maps to a channel makes a feature post nowhere, silently; a typo ("anouncements")
is the usual cause, so the file is refused with the purposes that do exist.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from bot.config.base import Problems
from bot.config.yamltree import DataPath, format_path

if TYPE_CHECKING:
    from bot.config.models import StewardConfig

_SNOWFLAKE = re.compile(r"^[0-9]{1,20}$")
_SLACK_ID = re.compile(r"^[CGD][A-Z0-9]{6,}$")


def _purposes_used(config: StewardConfig) -> Iterator[tuple[DataPath, str]]:
    """(where, purpose) for every purpose the config names explicitly (defaults are not typos)."""
    for key, section in config.sections():
        for where, purpose in section.channel_purposes():
            yield (key, *where), purpose


def _unknown(problems: Problems, where: DataPath, purpose: str, known: set[str]) -> None:
    close = difflib.get_close_matches(purpose, sorted(known), n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    listed = ", ".join(sorted(known)) or "none"
    message = f"unknown channel purpose {purpose!r}; {hint}configured purposes: {listed}"
    problems.add(where, message, "purpose")


def check_channel_purposes(config: StewardConfig) -> None:
    """Fail at every purpose no configured chat platform maps to a channel.

    Without Discord or Slack (console only) every purpose is printed, so nothing is checked."""
    discord = set(config.discord.channels) if config.discord is not None else None
    slack = set(config.slack.channels) if config.slack is not None else None
    if discord is None and slack is None:
        return
    known = (discord or set()) | (slack or set())
    problems = Problems()
    for where, purpose in _purposes_used(config):
        if purpose not in known:
            _unknown(problems, where, purpose, known)
    for i, schedule in enumerate(config.schedules):
        here = ("schedules", i, "channels")
        if discord is not None:
            for j, target in enumerate(schedule.channels.discord):
                if not _SNOWFLAKE.match(target) and target not in discord:
                    _unknown(problems, (*here, "discord", j), target, discord)
        if slack is not None:
            for j, target in enumerate(schedule.channels.slack):
                if not (_SLACK_ID.match(target) or target.startswith("#")) and target not in slack:
                    _unknown(problems, (*here, "slack", j), target, slack)
    problems.raise_any()


def chat_channel_sections(config: StewardConfig) -> dict[str, Any]:
    """The config's chat platform sections that are present, by name: every section with a
    ``channels`` map (features name no platform; a new adapter's section is covered too)."""
    found: dict[str, Any] = {}
    for name in type(config).model_fields:
        section = getattr(config, name, None)
        if isinstance(getattr(section, "channels", None), Mapping):
            found[name] = section
    return found


def purpose_warnings(config: StewardConfig) -> list[str]:
    """Purposes mapped on one configured platform but not the other: legitimate when a feature is
    meant for one community only, so a warning, not an error."""
    if config.discord is None or config.slack is None:
        return []
    platforms = {"Discord": set(config.discord.channels), "Slack": set(config.slack.channels)}
    found = []
    for where, purpose in _purposes_used(config):
        lacking = [name for name, known in platforms.items() if purpose not in known]
        if len(lacking) == 1:
            found.append(
                f"{format_path(where)}: channel purpose {purpose!r} has no {lacking[0]} channel;"
                f" on {lacking[0]} it is not posted"
            )
    return found
