"""What a feature declares to the composition root: its config section, cog, jobs and command group."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.config.base import FeatureSection
    from bot.core.cog import Cog, Services


@dataclass(frozen=True)
class Feature:
    """One feature of the bot, exported as ``FEATURE`` by its ``cogs/<feature>/__init__.py``.

    A feature with a ``section`` is enabled by the presence of that key in the config file; one without
    (the member commands, the digest) is always on.
    """

    name: str
    cog: Callable[[Services], Cog]
    section: str | None = None
    config_model: type[FeatureSection] | None = None
    description: str = ""
    jobs: frozenset[str] = frozenset()
    # The top-level command group, so a command of a feature left off is answered as such.
    group: str | None = None
    # Warnings (not errors) about a valid config with the section present: (config, now) -> messages.
    config_warnings: Callable[[Any, datetime], list[str]] | None = None
    # Adds the feature's own subcommands to the command line: register(subparsers).
    cli: Callable[[Any], None] | None = None

    @property
    def folder(self) -> Path:
        """The feature's folder (its locales, templates and example config live there)."""
        return Path(inspect.getfile(self.cog)).parent

    def __post_init__(self) -> None:
        if (self.section is None) != (self.config_model is None):
            raise ValueError(f"feature {self.name!r}: a section and its config model go together")
