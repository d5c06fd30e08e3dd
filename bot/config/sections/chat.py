"""``discord:`` and ``slack:`` — chat platform connections (presence enables the adapter)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from bot.config.base import StrictModel
from bot.config.types import OptionalSecret

Snowflake = Annotated[int, Field(ge=1, le=2**63 - 1)]


class DiscordConfig(StrictModel):
    """Discord bot connection and where it posts."""

    token: str = Field(repr=False, description="Bot token, normally ${DISCORD_TOKEN}.")
    application_id: Snowflake | None = Field(
        default=None, description="Application id (default: from the token)."
    )
    guild_ids: list[Snowflake] = Field(
        default_factory=list,
        description="Servers to register commands in instantly (empty: global commands).",
    )
    channels: dict[str, Snowflake] = Field(
        default_factory=dict,
        description="Purpose (announcements, welcome, oncall, spotlight, digest, ...) -> channel id.",
    )
    maintainer_role_ids: list[Snowflake] = Field(
        default_factory=list, description="Roles whose members may run maintainer commands."
    )
    greet_new_members: bool = Field(default=True, description="Greet people who join the server.")


def _check_command(value: str) -> str:
    if (
        not value.startswith("/")
        or len(value) > 32
        or value != value.lower()
        or len(value) < 2
        or any(c.isspace() for c in value)
    ):
        raise PydanticCustomError(
            "slash_command",
            "a Slack command must start with '/', be lowercase, have no spaces and be at most 32 characters,"
            f" got {value!r}",
        )
    return value


SlashCommand = Annotated[str, AfterValidator(_check_command)]


class SlackConfig(StrictModel):
    """Slack app connection: Socket Mode (app_token) or HTTP mode (signing_secret)."""

    bot_token: str = Field(repr=False, description="Bot token (xoxb-...), normally ${SLACK_BOT_TOKEN}.")
    app_token: OptionalSecret = Field(
        default=None, repr=False, description="App-level token (xapp-...): selects Socket Mode."
    )
    signing_secret: OptionalSecret = Field(
        default=None, repr=False, description="Signing secret: selects HTTP mode (needs the HTTP server)."
    )
    channels: dict[str, str] = Field(
        default_factory=dict, description="Channel purpose -> channel id or #name."
    )
    maintainer_user_ids: list[str] = Field(
        default_factory=list, description="Users who may run maintainer commands."
    )
    maintainer_usergroup_ids: list[str] = Field(
        default_factory=list, description="User groups whose members may run maintainer commands."
    )
    command_names: dict[str, SlashCommand] = Field(
        default_factory=dict, description="Command group -> slash command, e.g. {oncall: /triage}."
    )
    greet_new_members: bool = Field(default=True, description="Greet people who join the workspace.")
    welcome_channel_join: bool = Field(
        default=False, description="Greet on joining the welcome channel instead of the workspace."
    )

    @field_validator("bot_token")
    @classmethod
    def _not_app_token(cls, value: str) -> str:
        if value.startswith("xapp-"):
            raise PydanticCustomError(
                "token_kind", "this is an app-level token (xapp-); put it in 'app_token'"
            )
        return value

    @field_validator("app_token")
    @classmethod
    def _not_bot_token(cls, value: str | None) -> str | None:
        if value is not None and value.startswith("xoxb-"):
            raise PydanticCustomError("token_kind", "this is a bot token (xoxb-); put it in 'bot_token'")
        return value

    @model_validator(mode="after")
    def _one_mode(self) -> SlackConfig:
        if self.app_token is None and self.signing_secret is None:
            raise PydanticCustomError(
                "slack_mode",
                "set 'app_token' (Socket Mode) or 'signing_secret' (HTTP mode); neither is set"
                " (an empty value counts as not set)",
            )
        if self.app_token is not None and self.signing_secret is not None:
            raise PydanticCustomError(
                "slack_mode",
                "set only one of 'app_token' (Socket Mode) or 'signing_secret' (HTTP mode), not both",
            )
        return self

    @property
    def socket_mode(self) -> bool:
        """True when the app connects over Socket Mode rather than receiving HTTP requests."""
        return self.app_token is not None
