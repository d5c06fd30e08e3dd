"""Validate a repository config file merged over this host's bootstrap file."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.config import ConfigError, ConfigProblem, StewardConfig, config_warnings
from bot.config.layered import load_layered
from bot.config.sections.source import ConfigSourceConfig
from bot.config_source.fetch import label


@dataclass
class Verdict:
    """The merged config when valid, else every problem; warnings never refuse a file."""

    config: StewardConfig | None
    problems: list[ConfigProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return self.config is not None


def validate(
    bootstrap: Path,
    text: str,
    source: ConfigSourceConfig,
    now: datetime,
    env: Mapping[str, str] | None = None,
) -> Verdict:
    """Check ``text`` (the repository file) over the bootstrap file at ``bootstrap``."""
    name = label(source)
    if len(text.encode("utf-8")) > source.max_bytes:
        return Verdict(
            None, [ConfigProblem(name, 0, 0, "", f"the file is larger than {source.max_bytes} bytes")]
        )
    try:
        boot_text = bootstrap.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return Verdict(
            None, [ConfigProblem(str(bootstrap), 0, 0, "", f"cannot read the bootstrap file: {exc}")]
        )
    base = bootstrap.absolute()
    try:
        config = load_layered(
            boot_text, str(bootstrap), text, name, os.environ if env is None else env, base.parent, base
        )
    except ConfigError as exc:
        return Verdict(None, list(exc.problems))

    return Verdict(config, [], config_warnings(config, now))
