"""Shared model base and small value models used by several sections."""

from __future__ import annotations

from typing import Annotated, Any, Literal, NoReturn

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

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


def check_unique(
    keys: list[str], field: str, what: str, prefix: tuple[str, ...] = (), ignore_case: bool = False
) -> None:
    """Fail at ``prefix[i].field`` for the first repeated key in ``keys``."""
    seen: set[str] = set()
    for index, key in enumerate(keys):
        folded = key.casefold() if ignore_case else key
        if folded in seen:
            fail_at((*prefix, index, field), f"{what} {key!r} is used more than once", "duplicate", key)
        seen.add(folded)
