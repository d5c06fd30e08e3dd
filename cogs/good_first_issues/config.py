"""``good_first_issues:`` — the newcomer issue board."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from bot.config.base import DataPath, FeatureSection, Text, fail_at
from bot.config.types import Duration, at_least


class GoodFirstIssuesConfig(FeatureSection):
    """The good-first-issue board: which labels count, claiming rules, announcements."""

    labels: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=lambda: ["good first issue", "help wanted", "easy"],
        min_length=1,
        description="Issues with any of these labels are listed (matched case-insensitively).",
    )
    areas: dict[str, str] = Field(default_factory=dict, description="Label -> area name used for filtering.")
    difficulty: dict[str, str] = Field(
        default_factory=dict, description="Label -> difficulty name shown and filtered."
    )
    priority_label: str | None = Field(default=None, description="Issues with this label are listed first.")
    # Bounded: a limit nobody can reach is a typo, and huge integers reach SQL and arithmetic.
    claim_limit: int = Field(default=2, ge=1, le=100, description="Open claims one person may hold.")
    newcomer_claim_limit: int = Field(
        default=1, ge=1, le=100, description="Open claims for someone with no merged PR yet."
    )
    claim_lifetime: Annotated[Duration, at_least(timedelta(hours=1))] = Field(
        default=timedelta(days=14), description="A claim without progress is released after this long."
    )
    reminder_at: float = Field(
        default=0.7, gt=0, lt=1, description="Fraction of claim_lifetime after which the claimer is reminded."
    )
    assign_on_github: bool = Field(
        default=True, description="Assign the claimer on GitHub (verified links only)."
    )
    announce_channels: list[str] = Field(
        default_factory=lambda: ["announcements"],
        description="Channel purposes where new issues are announced.",
    )
    page_size: int = Field(default=10, ge=1, le=25, description="Issues per page in listings.")
    announce_batch_window: Duration = Field(
        default=timedelta(minutes=2),
        description="New issues arriving within this window are announced together in one message.",
    )
    offer_window: Annotated[Duration, at_least(timedelta(minutes=10))] = Field(
        default=timedelta(days=2),
        description="How long a released issue stays reserved for the next person on its waitlist.",
    )
    claim_comment: Text | None = Field(
        default=None,
        description="GitHub comment posted on claim; {login} and {name} are filled in (default: built-in).",
    )
    assign_refused_comment: Text | None = Field(
        default=None,
        description="GitHub comment when GitHub refuses the assignment; {login}, {name} (default: built-in).",
    )

    @field_validator("labels")
    @classmethod
    def _unique_labels(cls, value: list[str]) -> list[str]:
        folded = [label.casefold() for label in value]
        if len(set(folded)) != len(folded):
            raise PydanticCustomError("duplicate", "labels must be unique (ignoring case)")
        return value

    @model_validator(mode="before")
    @classmethod
    def _moved_settings(cls, data: Any) -> Any:
        # Linking accounts works without the board now; its setting moved with it.
        if isinstance(data, dict) and "link_code_lifetime" in data:
            fail_at(("link_code_lifetime",), "moved: set github.link_code_lifetime instead", "moved")
        return data

    @model_validator(mode="after")
    def _newcomer_limit(self) -> GoodFirstIssuesConfig:
        if self.newcomer_claim_limit > self.claim_limit:
            fail_at(
                ("newcomer_claim_limit",),
                f"newcomer_claim_limit ({self.newcomer_claim_limit}) is above"
                f" claim_limit ({self.claim_limit})",
            )
        return self

    def channel_purposes(self) -> Iterator[tuple[DataPath, str]]:
        """The announcement channels, when the file names them (the default is no typo)."""
        if "announce_channels" in self.model_fields_set:
            for i, purpose in enumerate(self.announce_channels):
                yield ("announce_channels", i), purpose
