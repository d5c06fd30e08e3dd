"""Config warnings for ``steward check-config``: coverage gaps (reported, never refusing the file)."""

from __future__ import annotations

from datetime import datetime

from bot.config import StewardConfig
from bot.config.purposes import chat_channel_sections
from cogs.oncall.config import OncallConfig
from cogs.oncall.coverage import coverage_gaps, describe_gap
from cogs.oncall.shiftlife import channel_of


def config_warnings(config: StewardConfig, now: datetime) -> list[str]:
    """One line per rotation gap ('oncall.rotations.<name>: nobody covers Saturday 02:00–06:00 UTC'),
    and per rotation whose hand-off channel a chat platform does not map (its default included)."""
    oncall = config.section(OncallConfig)
    if oncall is None:
        return []
    warnings = [
        f"oncall.rotations.{gap.rotation}: nobody covers {describe_gap(gap)}"
        for gap in coverage_gaps(oncall, now)
    ]
    for platform, section in chat_channel_sections(config).items():
        for rotation in oncall.rotations:
            purpose = channel_of(rotation.channel)
            if purpose not in section.channels:
                warnings.append(
                    f"{platform}.channels: no {purpose!r} channel (oncall.rotations.{rotation.name}), so "
                    f"its hand-offs and channel topic are not posted on {platform.capitalize()}"
                )
    return warnings
