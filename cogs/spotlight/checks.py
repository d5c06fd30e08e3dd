"""Config warnings for ``steward check-config``: spotlight setups that are valid but would go quiet.

Each job runs on its default cadence unless ``schedules:`` names it, so the silent failures left are
entries that name a job only to disable it, and chat platforms with nowhere to post.
"""

from __future__ import annotations

from datetime import datetime

from bot.config import StewardConfig
from bot.config.purposes import chat_channel_sections
from cogs.spotlight.config import SpotlightConfig

# What stops happening when a job never runs.
_JOB_EFFECTS = {
    "spotlight_publish": "approved spotlights are never published",
    "spotlight_reminders": "interviewees are never reminded, interviews never expire and a post that "
    "failed part-way is only retried at the next publishing slot",
    "spotlight_candidates": "the weekly candidate list is never posted",
}


def config_warnings(config: StewardConfig, now: datetime) -> list[str]:
    """One line per problem, e.g. 'schedules: every spotlight_publish entry is disabled: ...'."""
    spotlight = config.section(SpotlightConfig)
    if spotlight is None:
        return []
    warnings: list[str] = []
    for job, effect in _JOB_EFFECTS.items():
        entries = [e for e in config.schedules if e.job == job]
        if entries and not any(e.enabled for e in entries):
            warnings.append(
                f"schedules: every {job} entry is disabled, so {effect} "
                "(remove the entries to use the default schedule)"
            )
    for platform, section in chat_channel_sections(config).items():
        for key, purpose, effect in (
            ("channel", spotlight.channel, "spotlights are not published"),
            ("maintainer_channel", spotlight.maintainer_channel, "maintainers get no spotlight notices"),
        ):
            if purpose not in section.channels:
                warnings.append(
                    f"{platform}.channels: no {purpose!r} channel (spotlight.{key}), so {effect} "
                    f"on {platform.capitalize()}"
                )
    return warnings
