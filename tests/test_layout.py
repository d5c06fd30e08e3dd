"""Every feature folder has the same shape (docs/ARCHITECTURE.md, "A feature folder")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.core.feature import Feature
from bot.features import FEATURES

ROOT = Path(__file__).resolve().parent.parent
COGS = ROOT / "cogs"
# Names that say nothing about what a module holds, or that other folders use for another role.
VAGUE_MODULES = {"utils.py", "helpers.py", "misc.py", "common.py", "manager.py", "render.py"}
MAX_CLASS_LINES = 250


def _folders() -> list[Path]:
    return sorted(p for p in COGS.iterdir() if p.is_dir() and (p / "__init__.py").exists())


def test_every_feature_folder_is_installed() -> None:
    assert {f.folder for f in FEATURES} == set(_folders())


@pytest.mark.parametrize("feature", FEATURES, ids=lambda f: f.name)
def test_feature_folder_contract(feature: Feature) -> None:
    folder = feature.folder
    assert folder.parent == COGS
    present = {p.name for p in folder.iterdir()}
    for required in ("__init__.py", "cog.py"):
        assert required in present, f"{folder.name}/ has no {required}"
    # Chat answers are built in views.py; the public pages answer in HTML from templates/ instead.
    assert "views.py" in present or "templates" in present, f"{folder.name}/ has no views.py"
    # Logic over the feature's own data lives in service.py; a feature that owns no tables and no jobs
    # (the public pages) only reads the others' services.
    if "models.py" in present or feature.jobs:
        assert "service.py" in present, f"{folder.name}/ has tables or jobs but no service.py"
    for locale in ("en.yaml", "zh-CN.yaml"):
        assert (folder / "locales" / locale).exists(), f"{folder.name}/locales/{locale}"
    has_section = feature.section is not None
    assert ("config.py" in present) == has_section, f"{folder.name}/config.py iff it has a config section"
    assert ("example.yaml" in present) == has_section, f"{folder.name}/example.yaml iff it has a section"
    assert not (present & VAGUE_MODULES), f"{folder.name}/ has {sorted(present & VAGUE_MODULES)}"
    if has_section:
        assert feature.config_model is not None
        assert feature.config_model.__module__ == f"cogs.{folder.name}.config"


@pytest.mark.parametrize("path", sorted(COGS.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_large_classes(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            lines = (node.end_lineno or node.lineno) - node.lineno + 1
            assert lines <= MAX_CLASS_LINES, f"{path.name}: class {node.name} is {lines} lines"
