"""The architecture's import boundaries are enforced by ruff's banned-api rule (docs/ARCHITECTURE.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def ruff_on(filename: str, source: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--stdin-filename", filename, "-"],
        cwd=ROOT,
        input=source,
        text=True,
        capture_output=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("filename", "source"),
    [
        ("cogs/good_first_issues/service.py", "import discord\n"),
        ("bot/core/dispatch.py", "from slack_bolt import App\n"),
        ("cogs/oncall/cog.py", "from slack_sdk.web import WebClient\n"),
        ("bot/app.py", "from github import Github\n"),
        ("bot/adapters/discord/client.py", "from github import Github\n"),
        ("bot/github/client.py", "import discord\n"),
    ],
)
def test_forbidden_imports_fail_lint(filename: str, source: str) -> None:
    result = ruff_on(filename, source + "\nprint(1)\n")
    assert result.returncode != 0
    assert "TID251" in result.stdout


@pytest.mark.parametrize(
    ("filename", "source"),
    [
        ("bot/adapters/discord/client.py", "import discord\n"),
        ("bot/adapters/slack/app.py", "from slack_bolt.async_app import AsyncApp\n"),
        ("bot/github/client.py", "from github import Github\n"),
    ],
)
def test_allowed_imports_pass(filename: str, source: str) -> None:
    result = ruff_on(
        filename, source + "\nprint(AsyncApp if False else 1)\n" if "AsyncApp" in source else source
    )
    assert "TID251" not in result.stdout
