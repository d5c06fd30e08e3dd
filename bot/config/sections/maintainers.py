"""``maintainers:`` — who maintains the project, with the identities they use on each platform."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from bot.config.base import StrictModel
from bot.config.types import GitHubLogin


class MaintainerConfig(StrictModel):
    """One maintainer and the identities they use on each platform (at least one)."""

    name: str | None = Field(default=None, description="Display name.")
    github: GitHubLogin | None = Field(default=None, description="GitHub login.")
    discord: Annotated[int, Field(ge=1, le=2**63 - 1)] | None = Field(
        default=None, description="Discord user id."
    )
    slack: str | None = Field(default=None, description="Slack user id (U...).")
    console: str | None = Field(default=None, description="Console user name (for the console adapter).")

    @model_validator(mode="after")
    def _some_identity(self) -> MaintainerConfig:
        if self.github is None and self.discord is None and self.slack is None and self.console is None:
            raise PydanticCustomError(
                "maintainer_identity",
                "a maintainer needs at least one of 'github', 'discord', 'slack' or 'console'",
            )
        return self
