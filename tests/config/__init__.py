"""Tests of bot.config, plus small helpers shared by them."""

from __future__ import annotations

import re
from pathlib import Path

from bot.config import ConfigError, ConfigProblem, StewardConfig, load_config_text

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = REPO_ROOT / "config" / "steward.example.yaml"
SCHEMA = REPO_ROOT / "config" / "steward.schema.json"


def example_env(text: str) -> dict[str, str]:
    """A value for every ${VAR} the text references, shaped like the real secret."""
    env = {}
    for name in re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", text):
        if "SLACK_APP" in name:
            env[name] = "xapp-1-test"
        elif "SLACK_BOT" in name:
            env[name] = "xoxb-test"
        elif "PRIVATE_KEY" in name:
            env[name] = "-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----\n"
        elif "DATABASE_URL" in name:
            env[name] = ""
        else:
            env[name] = f"test-{name.lower()}"
    return env


def load(text: str, env: dict[str, str] | None = None) -> StewardConfig:
    """Load config text as if from steward.yaml."""
    return load_config_text(text, "steward.yaml", env={} if env is None else env)


def problems(text: str, env: dict[str, str] | None = None) -> list[ConfigProblem]:
    """The problems loading ``text`` reports (fails if it loads)."""
    try:
        load(text, env)
    except ConfigError as exc:
        return exc.problems
    raise AssertionError("config was accepted")
