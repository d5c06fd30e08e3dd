"""``config_source:`` — read the community's settings from a file in its own GitHub repository."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from bot.config.base import StrictModel
from bot.config.types import Duration, at_least

_REPO = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")


class ConfigSourceConfig(StrictModel):
    """Where the repository-held config lives; only valid in the local bootstrap file."""

    repo: str = Field(description="Repository holding the config file, as 'owner/name'.")
    path: str = Field(
        default=".github/steward.yaml", description="Path of the config file in the repository."
    )
    ref: str = Field(default="main", min_length=1, description="Branch whose pushes are applied.")
    poll_interval: Annotated[Duration, at_least(timedelta(minutes=1))] = Field(
        default=timedelta(minutes=5),
        description="How often the leader checks the file without a push webhook (safety net, ETag: free).",
    )
    watch_interval: Annotated[Duration, at_least(timedelta(seconds=1))] = Field(
        default=timedelta(seconds=5),
        description="How often every instance looks in the database for a newly accepted version.",
    )
    max_bytes: int = Field(
        default=256 * 1024, ge=1024, le=1024 * 1024, description="Largest config file accepted (bytes)."
    )
    check_name: str = Field(
        default="Steward config", min_length=1, description="Name of the check run reported on pull requests."
    )

    @field_validator("repo")
    @classmethod
    def _owner_name(cls, value: str) -> str:
        if not _REPO.match(value):
            raise PydanticCustomError("repo", f"expected a repository as 'owner/name', got {value!r}")
        return value

    @field_validator("path")
    @classmethod
    def _relative(cls, value: str) -> str:
        parts = value.split("/")
        if not value or value.startswith("/") or any(p in ("", ".", "..") for p in parts):
            raise PydanticCustomError("path", f"expected a path inside the repository, got {value!r}")
        return value
