"""``database:``, ``http:`` and ``logging:`` — the process's own infrastructure."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from bot.config.base import StrictModel
from bot.config.types import Duration, OptionalSecret, at_least

_POSTGRES_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")


class DatabaseConfig(StrictModel):
    """Where state lives: PostgreSQL when ``url`` is set, else a SQLite file."""

    url: OptionalSecret = Field(
        default=None,
        repr=False,
        description="PostgreSQL URL (postgresql://user:pass@host/db), normally ${VAR}.",
    )
    sqlite_path: str = Field(
        default="steward.db", min_length=1, description="SQLite file, relative to this file."
    )
    echo: bool = Field(default=False, description="Log every SQL statement (debugging).")
    leader_lease: Annotated[Duration, at_least(timedelta(seconds=1))] = Field(
        default=timedelta(seconds=5),
        description="How long the scheduler leader's lease lasts: it renews it every fifth of this, "
        "and a dead or frozen leader is replaced once it runs out.",
    )

    @field_validator("url")
    @classmethod
    def _postgres(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(_POSTGRES_SCHEMES):
            raise PydanticCustomError(
                "database_url",
                "only PostgreSQL URLs (postgresql://...) go in 'url'; for SQLite set 'sqlite_path'",
            )
        return value


class HttpConfig(StrictModel):
    """The HTTP server for Slack HTTP mode, GitHub webhooks, /healthz and /metrics."""

    host: str = Field(default="127.0.0.1", min_length=1, description="Address to listen on.")
    port: int = Field(default=8080, ge=0, le=65535, description="Port to listen on (0: any free port).")
    enabled: bool | None = Field(
        default=None, description="Force the server on or off (default: on only when a feature needs it)."
    )
    metrics_token: OptionalSecret = Field(
        default=None,
        description="If set, /metrics requires `Authorization: Bearer <this>`; default: open to anyone "
        "who can reach the server.",
    )
    metrics_port: int | None = Field(
        default=None,
        ge=0,
        le=65535,
        description="Serve /metrics on this port only (not on the public one); default: on `port`.",
    )
    metrics_host: str | None = Field(
        default=None,
        min_length=1,
        description="Address for the /metrics port (with metrics_port; default: `host`).",
    )


class LoggingConfig(StrictModel):
    """Log level and format."""

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        default="INFO", description="Minimum level logged."
    )
    json_format: bool = Field(
        default=False, alias="json", description="One JSON object per line (for log shippers)."
    )

    @field_validator("level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value
