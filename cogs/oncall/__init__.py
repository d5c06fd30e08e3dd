"""On-call triage rotations."""

from bot.core.feature import Feature
from cogs.oncall.checks import config_warnings
from cogs.oncall.cog import OncallCog
from cogs.oncall.config import OncallConfig
from cogs.oncall.feed_cli import register as register_cli

FEATURE = Feature(
    name="oncall",
    cog=OncallCog,
    section="oncall",
    config_model=OncallConfig,
    description="On-call triage rotations.",
    jobs=frozenset({"oncall_handoff"}),
    group="oncall",
    config_warnings=config_warnings,
    cli=register_cli,
)

__all__ = ["FEATURE", "OncallCog"]
