"""JSON Schema of the config file.

Regenerate the committed copy with ``steward config-schema > config/steward.schema.json``.
"""

from __future__ import annotations

import json
from datetime import time, timedelta
from typing import Any

from pydantic.json_schema import GenerateJsonSchema

from bot.config.assembly import installed_model
from bot.config.types import format_clock, format_duration

SCHEMA_ID = "https://github.com/steward-bot/steward/config/steward.schema.json"


class _Generator(GenerateJsonSchema):
    def encode_default(self, dft: Any) -> Any:
        # Show defaults in the same notation people write in the YAML ("5m", "09:00"), not ISO 8601.
        if isinstance(dft, timedelta):
            return format_duration(dft)
        if isinstance(dft, time):
            return format_clock(dft)
        return super().encode_default(dft)


def config_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the installed config model, for editors and CI."""
    schema = installed_model().model_json_schema(mode="validation", schema_generator=_Generator)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def render_schema() -> str:
    """The schema as the text committed in ``config/steward.schema.json``."""
    return json.dumps(config_json_schema(), indent=2, ensure_ascii=False) + "\n"
