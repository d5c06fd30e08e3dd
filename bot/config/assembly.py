"""The config model of this build: the core's ``StewardConfig`` plus a section for each installed feature.

The composition root (``bot.features``) installs the features once, when it is imported; the config
package never imports a feature. Loading a config before that is a programming error and says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from pydantic import Field, create_model

from bot.config.models import StewardConfig
from bot.config.purposes import purpose_warnings
from bot.config.sections.schedules import CORE_JOBS, schedule_model

if TYPE_CHECKING:
    from bot.core.feature import Feature

DESCRIPTION = (
    "The whole config file. Feature sections are optional; a section's presence enables its feature."
)
_INSTALLED: list[tuple[Feature, ...]] = []


def assemble(features: Sequence[Feature]) -> type[StewardConfig]:
    """``StewardConfig`` with one optional section per feature that has one, and their jobs known."""
    sections = {f.section: f for f in features if f.section is not None and f.config_model is not None}
    jobs = CORE_JOBS.union(*(f.jobs for f in features))
    fields: dict[str, Any] = {
        key: (f.config_model | None, Field(default=None, description=f.description))  # type: ignore[operator]
        for key, f in sections.items()
    }
    fields["schedules"] = (
        list[schedule_model(jobs)],  # type: ignore[misc]
        Field(default_factory=list, description="When scheduled jobs run."),
    )
    model = create_model(
        "StewardConfig",
        __base__=StewardConfig,
        __module__=StewardConfig.__module__,
        __doc__=DESCRIPTION,
        **fields,
    )
    model.feature_models = {key: f.config_model for key, f in sections.items()}  # type: ignore[misc]
    model.known_jobs = jobs
    return model


def install(features: Sequence[Feature]) -> None:
    """Make ``features`` the ones every config is loaded with (called by the composition root)."""
    _INSTALLED[:] = [tuple(features)]
    installed_model.cache_clear()


def installed_features() -> tuple[Feature, ...]:
    """The installed features, in the composition root's order."""
    if not _INSTALLED:
        raise RuntimeError("no features installed: import bot.features (the composition root) first")
    return _INSTALLED[0]


@cache
def installed_model() -> type[StewardConfig]:
    """The config model for the installed features."""
    return assemble(installed_features())


def config_warnings(config: StewardConfig, now: datetime) -> list[str]:
    """Warnings (not errors) about a valid config: unmapped channel purposes and each enabled feature's."""
    found = purpose_warnings(config)
    for feature in installed_features():
        enabled = feature.section is None or getattr(config, feature.section, None) is not None
        if enabled and feature.config_warnings is not None:
            found.extend(feature.config_warnings(config, now))
    return found
