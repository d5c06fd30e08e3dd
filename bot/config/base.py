"""Shared model base and small value models used by several sections."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, ClassVar, Literal, NoReturn

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

from bot.config.yamltree import DataPath

Locale = Literal["en", "zh-CN"]


class StrictModel(BaseModel):
    """Base for every config model: unknown keys are errors, so typos never pass silently."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class LocalizedText(StrictModel):
    """Text in English with an optional Simplified Chinese translation."""

    en: str = Field(min_length=1, description="English text (required; the fallback for every locale).")
    zh_CN: str | None = Field(default=None, alias="zh-CN", description="Simplified Chinese text.")

    def get(self, locale: str) -> str:
        """The text for ``locale``, falling back to English."""
        if locale == "zh-CN" and self.zh_CN:
            return self.zh_CN
        return self.en


def _text_from_str(value: Any) -> Any:
    # A bare string is shorthand for English-only text.
    return {"en": value} if isinstance(value, str) else value


Text = Annotated[LocalizedText, BeforeValidator(_text_from_str, json_schema_input_type=str | LocalizedText)]
"""Localized text; a plain string means English only."""


def fail_at(loc: tuple[str | int, ...], message: str, kind: str = "invalid", value: Any = None) -> NoReturn:
    """Raise a validation error at ``loc`` relative to the field or model being validated.

    Cross-field checks use this so the problem points at the offending key, not at the enclosing list.
    """
    detail = InitErrorDetails(type=PydanticCustomError(kind, message), loc=loc, input=value)
    raise ValidationError.from_exception_data("StewardConfig", [detail])


class Problems:
    """The problems a cross-field check finds, raised together: one run of ``check-config`` names
    every repeated key or unknown purpose in a file, not the first one only."""

    def __init__(self) -> None:
        self._details: list[InitErrorDetails] = []

    def add(self, loc: tuple[str | int, ...], message: str, kind: str = "invalid", value: Any = None) -> None:
        """One problem at ``loc`` (relative to the field or model being validated)."""
        self._details.append(InitErrorDetails(type=PydanticCustomError(kind, message), loc=loc, input=value))

    def raise_any(self) -> None:
        """Raise every problem added, as one validation error; nothing when there is none."""
        if self._details:
            raise ValidationError.from_exception_data("StewardConfig", self._details)


def check_unique(
    keys: list[str],
    field: str | None,
    what: str,
    prefix: tuple[str | int, ...] = (),
    ignore_case: bool = False,
) -> None:
    """Fail at ``prefix[i].field`` (``prefix[i]`` for a list of plain values, ``field`` None) for every
    repeated key in ``keys``."""
    seen: set[str] = set()
    problems = Problems()
    for index, key in enumerate(keys):
        folded = key.casefold() if ignore_case else key
        if folded in seen:
            loc: tuple[str | int, ...] = (*prefix, index) if field is None else (*prefix, index, field)
            problems.add(loc, f"{what} {key!r} is used more than once", "duplicate", key)
        seen.add(folded)
    problems.raise_any()


class FeatureSection(StrictModel):
    """Base of a feature's own config section (``cogs/<feature>/config.py``).

    The core knows sections only through these hooks, so a feature's settings live in its folder.
    """

    # Paths inside the section that only the local bootstrap file may set (secrets), see layered.py.
    local_only: ClassVar[tuple[DataPath, ...]] = ()
    # Paths inside the section that ``describe_changes`` reports; other changed settings are listed by path.
    described: ClassVar[tuple[DataPath, ...]] = ()

    @classmethod
    def describe_changes(cls, old: Any, new: Any) -> list[tuple[str, dict[str, Any]]]:
        """What a new config version changes in this section, as (catalog key, arguments), for the
        config-source announcement; ``old``/``new`` are None when the section is absent."""
        return []

    def adopt_project(self, project: Any) -> None:
        """Fill values that default to the project's (its time zone); called once the file is valid."""

    def channel_purposes(self) -> Iterator[tuple[DataPath, str]]:
        """(path inside the section, purpose) for each channel purpose the file names explicitly."""
        return iter(())

    def roles_granted(self, platform: str) -> list[str]:
        """Chat roles this feature gives people on ``platform`` (the bot needs permission for them)."""
        return []
