"""Features are declared in their own folders and assembled: config sections, jobs, cogs, example."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import Field

from bot.app import App
from bot.config import ConfigError, FeatureSection, assemble, load_config, load_config_text
from bot.config.example import render_example
from bot.core.cog import Cog
from bot.core.feature import Feature
from bot.features import FEATURES
from tests.config import EXAMPLE, example_env


class _PlantsConfig(FeatureSection):
    """A made-up feature's section, as a new feature would declare it in cogs/plants/config.py."""

    water_every: int = Field(default=3, ge=1, description="Days between waterings.")


class _PlantsCog(Cog):
    name = "plants"


PLANTS = Feature(
    name="plants",
    cog=_PlantsCog,
    section="plants",
    config_model=_PlantsConfig,
    description="Office plants.",
    jobs=frozenset({"plants_water"}),
)


def test_a_new_feature_brings_its_section_jobs_and_schema_without_touching_the_core() -> None:
    model = assemble([*FEATURES, PLANTS])
    config = model.model_validate(
        {
            "project": {"name": "X"},
            "plants": {"water_every": 5},
            "schedules": [{"job": "plants_water", "interval": "1d"}],
        }
    )
    assert config.section(_PlantsConfig) == _PlantsConfig(water_every=5)
    schema = json.dumps(model.model_json_schema())
    assert "Days between waterings." in schema and "plants_water" in schema
    # Without the feature the same file is refused: the section and the job are unknown.
    with pytest.raises(ValueError) as refused:
        assemble(FEATURES).model_validate({"project": {"name": "X"}, "plants": {}})
    assert "plants" in str(refused.value)


def test_unknown_job_names_the_features_jobs() -> None:
    text = "project:\n  name: X\nschedules:\n  - job: oncall_handof\n    interval: 1h\n"
    with pytest.raises(ConfigError) as refused:
        load_config_text(text)
    assert "did you mean 'oncall_handoff'?" in str(refused.value)


def test_every_cog_offers_exactly_the_jobs_its_feature_declares(tmp_path: Path) -> None:
    config = load_config(EXAMPLE, env=example_env(EXAMPLE.read_text(encoding="utf-8")))
    config.database.sqlite_path = str(tmp_path / "steward.db")
    config.database.url = None
    app = App(config, run_migrations=False)
    by_name = {cog.name: cog for cog in app.cogs}
    for feature in FEATURES:
        cog = by_name[feature.name]
        assert set(cog.jobs()) == set(feature.jobs), feature.name
        assert set(cog.default_schedules()) <= set(feature.jobs), feature.name


def test_a_feature_left_out_of_the_file_answers_as_switched_off(tmp_path: Path) -> None:
    config = load_config_text(f"project:\n  name: X\ndatabase:\n  sqlite_path: {tmp_path / 's.db'}\n")
    app = App(config, run_migrations=False)
    assert {cog.name for cog in app.cogs} == {f.name for f in FEATURES if f.section is None}
    groups = {f.group: f.section for f in FEATURES if f.group is not None}
    assert app.registry.switched_off == groups


def test_each_feature_with_a_section_ships_its_example() -> None:
    example = render_example()
    for feature in FEATURES:
        if feature.section is None:
            continue
        own = (feature.folder / "example.yaml").read_text(encoding="utf-8")
        assert f"\n{feature.section}:\n" in "\n" + own, feature.name
        assert own in example
    assert EXAMPLE.read_text(encoding="utf-8") == example
