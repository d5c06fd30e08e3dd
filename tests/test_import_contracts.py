"""The import contracts of [tool.importlinter] (pyproject.toml) hold, and cover every feature."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    found: list[dict[str, object]] = config["tool"]["importlinter"]["contracts"]
    return found


def test_every_feature_folder_is_in_the_independence_contract() -> None:
    [independence] = [c for c in contracts() if c["type"] == "independence"]
    features = {f"cogs.{p.name}" for p in (ROOT / "cogs").iterdir() if (p / "__init__.py").is_file()}
    assert features == set(independence["modules"])  # type: ignore[arg-type]


def test_lint_imports_keeps_every_contract() -> None:
    script = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(script), "--no-cache"], cwd=ROOT, text=True, capture_output=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
