"""The example config: the core's sections (``example.yaml`` beside this module) with each installed
feature's own commented section (``cogs/<feature>/example.yaml``) where ``@FEATURES@`` stands.

Regenerate the committed copy with ``steward config-example > config/steward.example.yaml``.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from bot.config.assembly import installed_features, installed_model

TEMPLATE = Path(__file__).with_name("example.yaml")
FEATURE_FILE = "example.yaml"


def render_example() -> str:
    """The example config as committed in ``config/steward.example.yaml``."""
    features = installed_features()
    parts = [(f.folder / FEATURE_FILE).read_text(encoding="utf-8") for f in features if f.section is not None]
    jobs = textwrap.fill(
        f"Each entry runs one job ({', '.join(sorted(installed_model().known_jobs))})",
        width=100,
        initial_indent="# ",
        subsequent_indent="# ",
        break_on_hyphens=False,
    )
    template = TEMPLATE.read_text(encoding="utf-8")
    return template.replace("@FEATURES@\n", "\n".join(parts) + "\n").replace("@JOBS@", jobs)
