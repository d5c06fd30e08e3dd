"""``github:`` — which repositories to watch and how to authenticate."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import BeforeValidator, Field, WithJsonSchema, field_validator, model_validator
from pydantic_core import PydanticCustomError

from bot.config.base import StrictModel, check_unique, fail_at
from bot.config.types import Duration, GitHubLogin, OptionalSecret, at_least

_TEAM = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
_REPO = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
# What editors check as the user types; the validator below adds the rules a pattern cannot say.
RepoName = Annotated[str, WithJsonSchema({"type": "string", "pattern": _REPO.pattern})]


class RepoConfig(StrictModel):
    """One watched repository with optional per-repo overrides."""

    name: RepoName = Field(description="Repository as 'owner/name'.")
    newcomer_labels: list[str] | None = Field(
        default=None, description="Labels marking newcomer issues here (default: good_first_issues.labels)."
    )
    assign_on_claim: bool | None = Field(
        default=None,
        description="Assign the claimer on GitHub (default: good_first_issues.assign_on_github).",
    )
    full_reconcile: bool = Field(default=True, description="Include this repo in the periodic full re-sync.")

    @field_validator("name")
    @classmethod
    def _owner_name(cls, value: str) -> str:
        if not _REPO.match(value) or value.endswith((".", "/..")):
            raise PydanticCustomError("repo", f"expected a repository as 'owner/name', got {value!r}")
        return value

    @property
    def owner(self) -> str:
        """The owner (user or organisation) part of ``name``."""
        return self.name.split("/", 1)[0]


def _repo_from_str(value: Any) -> Any:
    # "owner/name" is shorthand for a repo with every option at its default.
    return {"name": value} if isinstance(value, str) else value


RepoEntry = Annotated[
    RepoConfig, BeforeValidator(_repo_from_str, json_schema_input_type=RepoName | RepoConfig)
]


class GitHubAppConfig(StrictModel):
    """Credentials of a GitHub App installation (an alternative to a personal token)."""

    app_id: int = Field(ge=1, description="The App's numeric id.")
    private_key: str = Field(
        repr=False,
        description=(
            "The App's private key as PEM text, normally ${VAR}; literal '\\n' escapes and"
            " flattened line breaks (as container platforms store it) are accepted."
        ),
    )
    installation_id: int | None = Field(
        default=None,
        ge=1,
        description="Installation id (default: found from the first repo, or the App's only installation).",
    )

    @field_validator("private_key")
    @classmethod
    def _pem(cls, value: str) -> str:
        return normalize_private_key(value)


_PEM = re.compile(r"-----BEGIN ([A-Z ]+)-----(.*?)-----END \1-----", re.DOTALL)


def normalize_private_key(value: str) -> str:
    """The PEM rebuilt with real line breaks, checked to be an unencrypted RSA private key.

    Environment variables often carry a PEM with literal "\\n" escapes or with its line breaks
    turned into spaces; base64 has neither, so both are safe to rebuild from.
    """
    match = _PEM.search(value)
    if match is None or "PRIVATE KEY" not in match[1]:
        raise PydanticCustomError(
            "pem",
            "expected PEM text ('-----BEGIN ... PRIVATE KEY-----'), e.g. from ${GITHUB_APP_PRIVATE_KEY}",
        )
    label, body = match[1], re.sub(r"\\[nr]|\s", "", match[2])
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    pem = "\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----"]) + "\n"
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError) as exc:
        reason = re.sub(r"\s*See https?://\S+ for more details\.", "", str(exc).split("\n", 1)[0])
        reason = reason or type(exc).__name__
        raise PydanticCustomError(
            "pem",
            "the private key could not be read ({reason}); use the .pem file GitHub gave for the App",
            {"reason": reason},
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise PydanticCustomError("pem", "a GitHub App private key is an RSA key; this one is not")
    return pem


class GitHubConfig(StrictModel):
    """GitHub access: repositories, credentials, polling and webhooks."""

    repos: list[RepoEntry] = Field(
        default_factory=list, description="Repositories to watch: 'owner/name' or a mapping per repo."
    )
    token: OptionalSecret = Field(
        default=None, repr=False, description="Personal access token, normally ${GITHUB_TOKEN}."
    )
    app: GitHubAppConfig | None = Field(
        default=None, description="GitHub App credentials (instead of token)."
    )
    api_url: str = Field(
        default="https://api.github.com", description="REST API base URL (GitHub Enterprise)."
    )
    oauth_client_id: str | None = Field(
        default=None,
        min_length=1,
        description="Client id of an OAuth app with device flow enabled; lets people link their GitHub "
        "account by signing in on GitHub (the bio/gist code stays available).",
    )
    oauth_base_url: str = Field(
        default="https://github.com", description="Web base URL of the OAuth device flow (GitHub Enterprise)."
    )
    link_code_lifetime: Annotated[Duration, at_least(timedelta(minutes=5))] = Field(
        default=timedelta(hours=1),
        description="How long a /steward link github code (for a bio or a gist) stays valid.",
    )
    poll_interval: Annotated[Duration, at_least(timedelta(seconds=30))] = Field(
        default=timedelta(minutes=5), description="How often to poll for changes (minimum 30s)."
    )
    full_reconcile_interval: Annotated[Duration, at_least(timedelta(minutes=5))] = Field(
        default=timedelta(days=1), description="How often to re-read everything, not just changes."
    )
    webhook_secret: OptionalSecret = Field(
        default=None,
        repr=False,
        description="Secret to verify webhook signatures; enables the webhook receiver.",
    )
    maintainer_teams: list[str] = Field(
        default_factory=list,
        description="Members of these teams ('org/team-slug') count as maintainers.",
    )
    bot_logins: list[GitHubLogin] = Field(default_factory=list, description="Extra logins treated as bots.")
    rate_limit_reserve: int = Field(default=500, ge=0, description="API points kept free for user actions.")
    history_months: int = Field(
        default=12,
        ge=0,
        le=120,
        description="Closed issues and merged PRs of this many past months are read once per repository "
        "(contribution history for claim limits, spotlights, first contributions); 0 reads none.",
    )
    demo_data: str | None = Field(
        default=None,
        description="Path to offline demo data used instead of the network (relative to this file).",
    )

    @field_validator("api_url", "oauth_base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+(/\S*)?$", value):
            raise PydanticCustomError("url", f"expected an http(s) URL, got {value!r}")
        return value.rstrip("/")

    @field_validator("maintainer_teams")
    @classmethod
    def _teams(cls, value: list[str]) -> list[str]:
        for team in value:
            if not _TEAM.match(team):
                raise PydanticCustomError("team", f"expected a team as 'org/team-slug', got {team!r}")
        return value

    @field_validator("repos")
    @classmethod
    def _unique(cls, value: list[RepoConfig]) -> list[RepoConfig]:
        check_unique([repo.name for repo in value], "name", "repository", ignore_case=True)
        return value

    @model_validator(mode="after")
    def _one_credential(self) -> GitHubConfig:
        if self.token is not None and self.app is not None:
            fail_at(("app",), "set either 'token' or 'app', not both")
        return self
