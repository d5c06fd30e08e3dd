"""The features this build installs: the one place that names them (the composition root's list).

Each feature's package exports ``FEATURE`` (``bot.core.feature.Feature``); the config model, the JSON
Schema, the known job names, the cogs and the command line are assembled from this list. Imports are
explicit so a feature whose dependencies are missing fails start-up loudly instead of disappearing.
"""

from __future__ import annotations

from datetime import datetime

from bot.config import StewardConfig
from bot.config.purposes import purpose_warnings
from bot.core.feature import Feature
from cogs import digest, good_first_issues, onboarding, oncall, spotlight, steward, web

FEATURES: tuple[Feature, ...] = (
    steward.FEATURE,
    digest.FEATURE,
    good_first_issues.FEATURE,
    oncall.FEATURE,
    spotlight.FEATURE,
    onboarding.FEATURE,
    web.FEATURE,
)


def config_warnings(config: StewardConfig, now: datetime) -> list[str]:
    """Warnings (not errors) about a valid config: unmapped channel purposes and each enabled feature's."""
    found = purpose_warnings(config)
    for feature in FEATURES:
        enabled = feature.section is None or getattr(config, feature.section, None) is not None
        if enabled and feature.config_warnings is not None:
            found.extend(feature.config_warnings(config, now))
    return found
