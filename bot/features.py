"""The features this build installs: the one place that names them (the composition root's list).

Each feature's package exports ``FEATURE`` (``bot.core.feature.Feature``); the config model, the JSON
Schema, the known job names, the example config, the cogs and the command line are assembled from this
list. Imports are explicit so a feature whose dependencies are missing fails start-up loudly instead of
disappearing. Importing this module installs the list into the config package (``bot.config.assembly``).
"""

from __future__ import annotations

from bot.config.assembly import config_warnings, install
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
install(FEATURES)

__all__ = ["FEATURES", "config_warnings"]
