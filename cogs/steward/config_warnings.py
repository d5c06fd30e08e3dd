"""The warnings `/steward config` shows for a config that runs from a local file.

The composition root computes the same list at start-up; this asks the loaded features directly, so
the member features never import the composition root (an import-linter contract forbids it).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from datetime import datetime

from bot.config import StewardConfig
from bot.config.purposes import purpose_warnings


def feature_warnings(config: StewardConfig, cogs: Iterable[object], now: datetime) -> list[str]:
    """Cross-section warnings, then each loaded feature's: ``<its package>.checks.config_warnings``."""
    found: list[str] = purpose_warnings(config)
    for cog in cogs:
        package = type(cog).__module__.rpartition(".")[0]
        try:
            module = importlib.import_module(f"{package}.checks")
        except ModuleNotFoundError:  # a feature without config warnings has no checks module
            continue
        found.extend(module.config_warnings(config, now))
    return found
