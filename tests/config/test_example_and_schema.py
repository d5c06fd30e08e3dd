"""The shipped example config and the committed JSON Schema stay correct and complete."""

from __future__ import annotations

import json
import re
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from bot.config import config_json_schema, installed_model, load_config
from bot.config.errors import _expand
from bot.config.example import render_example
from tests.config import EXAMPLE, SCHEMA, example_env


def test_example_loads_with_its_env_vars_set() -> None:
    config = load_config(EXAMPLE, env=example_env(EXAMPLE.read_text(encoding="utf-8")))
    assert config.project.name == "Example Project"
    assert config.source_path == EXAMPLE.absolute()
    assert config.github is not None and config.github.token == "test-github_token"
    assert config.slack is not None and config.slack.socket_mode
    # Every optional feature is shown in the example, so every one is enabled by it.
    for section in ("github", "discord", "slack", "good_first_issues", "oncall", "spotlight", "onboarding"):
        assert getattr(config, section) is not None, section
    assert config.database_url() == f"sqlite:///{EXAMPLE.parent.absolute() / 'steward.db'}"


def test_committed_schema_is_up_to_date() -> None:
    committed = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert committed == config_json_schema(), (
        "config/steward.schema.json is stale; regenerate it with "
        "`steward config-schema > config/steward.schema.json`"
    )


def test_committed_example_is_assembled_from_the_features() -> None:
    assert EXAMPLE.read_text(encoding="utf-8") == render_example(), (
        "config/steward.example.yaml is stale; regenerate it with "
        "`steward config-example > config/steward.example.yaml`"
    )


def _all_keys(model: type[BaseModel], seen: set[type[BaseModel]]) -> set[str]:
    if model in seen:
        return set()
    seen.add(model)
    keys: set[str] = set()
    for name, info in model.model_fields.items():
        keys.add(info.alias or name)
        stack: list[Any] = [info.annotation]
        while stack:
            for tp in _expand(stack.pop()):
                if isinstance(tp, type) and issubclass(tp, BaseModel):
                    keys |= _all_keys(tp, seen)
                elif get_origin(tp) in (list, dict):
                    stack.extend(get_args(tp))
    return keys


def test_example_documents_every_option() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    # Keys count whether written out or shown commented out (mutually exclusive options).
    written = set(re.findall(r"^[\s#]*(?:-\s+)?([A-Za-z_][\w-]*):", text, flags=re.MULTILINE))
    written |= set(re.findall(r"[{,]\s*([A-Za-z_][\w-]*):", text))
    missing = _all_keys(installed_model(), set()) - written
    assert not missing, f"options not shown in {EXAMPLE.name}: {sorted(missing)}"
