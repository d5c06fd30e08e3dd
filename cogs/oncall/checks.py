"""Config warnings for ``steward check-config``: coverage gaps (reported, never refusing the file)."""

from __future__ import annotations

from datetime import datetime

from bot.config import StewardConfig
from cogs.oncall.config import OncallConfig
from cogs.oncall.coverage import coverage_gaps, describe_gap


def config_warnings(config: StewardConfig, now: datetime) -> list[str]:
    """One line per rotation gap: 'oncall.rotations.<name>: nobody covers Saturday 02:00–06:00 UTC'."""
    oncall = config.section(OncallConfig)
    if oncall is None:
        return []
    return [
        f"oncall.rotations.{gap.rotation}: nobody covers {describe_gap(gap)}"
        for gap in coverage_gaps(oncall, now)
    ]
