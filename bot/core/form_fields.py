"""Platform form fields and what people wrote: a field's limit is never applied by cutting text."""

from __future__ import annotations

from bot.core.errors import UserError
from bot.core.messages import Question, too_long


def field_limit(question: Question, platform_limit: int) -> int:
    """The most characters the platform's field for ``question`` may take."""
    return min(question.max_length, platform_limit)


def prefill(question: Question, value: str | None, platform_limit: int) -> str | None:
    """``value`` as the field's initial text, whole; a saved answer the field cannot hold refuses to
    open the form (UserError naming the limit and the excess) instead of showing, and then saving,
    a shortened copy."""
    if not value:
        return None
    over = too_long(value, field_limit(question, platform_limit))
    if over is not None:
        del over["count"]
        raise UserError("core.form.saved_too_long", outside={"question": question.label}, **over)
    return value
