"""The config model of this build: the core's ``StewardConfig`` plus a section for each installed feature."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from pydantic import Field, create_model

from bot.config.models import StewardConfig
from bot.config.sections.schedules import CORE_JOBS, schedule_model

if TYPE_CHECKING:
    from bot.core.feature import Feature

DESCRIPTION = (
    "The whole config file. Feature sections are optional; a section's presence enables its feature."
)


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


@cache
def installed_model() -> type[StewardConfig]:
    """The config model for the features this build registers (``bot.features``)."""
    # Imported here: the composition root imports the features, which import the config package.
    from bot.features import FEATURES

    return assemble(FEATURES)
