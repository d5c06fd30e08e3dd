"""The platform-neutral message model: blocks of inline spans that each adapter renders.

Bot-authored text is a plain ``str``; emphasis and code are spans (:class:`Bold`, :class:`Code`),
never Markdown inside the string, so every platform renders them its own way. Anything that comes
from outside (issue titles, names, interview answers) must be wrapped in :class:`Plain`, which
adapters escape so it can neither ping nor break formatting. Adapters also neutralise
@everyone/@here/<!channel> in bot-authored text: a mention only pings when it is a
:class:`Mention`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.core.moments import Count


@dataclass(frozen=True)
class Plain:
    """Text from outside the bot, shown verbatim and never interpreted as markup or mentions."""

    text: str


@dataclass(frozen=True)
class Bold:
    """Bold span."""

    parts: tuple[Inline, ...]

    def __init__(self, *parts: Inline) -> None:
        object.__setattr__(self, "parts", parts)


@dataclass(frozen=True)
class Code:
    """Inline code (escaped by the adapter)."""

    text: str


@dataclass(frozen=True)
class Link:
    """A hyperlink; the label may be outside text."""

    url: str
    label: Inline


@dataclass(frozen=True)
class Mention:
    """A deliberate mention of one person: platform -> user id; ``name`` is shown elsewhere."""

    name: str
    user_ids: Mapping[str, str] = field(default_factory=dict)


Inline = str | Plain | Bold | Code | Link | Mention


@dataclass(frozen=True)
class Header:
    """A heading line."""

    text: Inline


@dataclass(frozen=True)
class Section:
    """A paragraph made of inline spans."""

    parts: tuple[Inline, ...]

    def __init__(self, *parts: Inline) -> None:
        object.__setattr__(self, "parts", parts)


@dataclass(frozen=True)
class Quote:
    """Quoted text, e.g. an interview answer; attribution shown after it."""

    text: Inline
    attribution: Inline | None = None


@dataclass(frozen=True)
class Fields:
    """Label/value pairs shown as a compact table."""

    items: tuple[tuple[Inline, Inline], ...]


@dataclass(frozen=True)
class BulletList:
    """A list whose items are tuples of inline spans."""

    items: tuple[tuple[Inline, ...], ...]


class ButtonStyle(StrEnum):
    """Visual weight of a button."""

    PRIMARY = "primary"
    SECONDARY = "secondary"
    DANGER = "danger"


@dataclass(frozen=True)
class Button:
    """A button routed to ``action`` (a cog's action name) with a small string ``value``."""

    label: str
    action: str = ""
    value: str = ""
    style: ButtonStyle = ButtonStyle.SECONDARY
    url: str | None = None


@dataclass(frozen=True)
class Buttons:
    """A row of buttons."""

    buttons: tuple[Button, ...]


@dataclass(frozen=True)
class Image:
    """An image: PNG bytes the adapter uploads, or a URL."""

    alt: str
    data: bytes | None = None
    url: str | None = None
    filename: str = "image.png"


@dataclass(frozen=True)
class File:
    """A file attached to the message (an export); adapters upload it, the console saves it."""

    filename: str
    data: bytes
    mime_type: str = "text/plain"


@dataclass(frozen=True)
class Context:
    """Small print under a message (footer)."""

    parts: tuple[Inline, ...]

    def __init__(self, *parts: Inline) -> None:
        object.__setattr__(self, "parts", parts)


@dataclass(frozen=True)
class Divider:
    """A horizontal rule."""


@dataclass(frozen=True)
class Break:
    """A hint, shown as nothing: where the message may be split. An adapter that must split a message
    for its platform's limits (message length, blocks per message) splits at these, keeping the blocks
    between two breaks together in one platform message whenever they fit in one; only a part too
    long for one message is split inside, at paragraph, sentence or word boundaries. Cogs never know
    a platform's limits: they say what belongs together."""


Block = Header | Section | Quote | Fields | BulletList | Buttons | Image | File | Context | Divider | Break


@dataclass
class Message:
    """An ordered list of blocks; ``summary`` is the short notification/fallback text."""

    blocks: list[Block] = field(default_factory=list)
    summary: str | None = None

    @classmethod
    def text(cls, *parts: Inline) -> Message:
        """A message of one paragraph."""
        return cls([Section(*parts)])

    def add(self, *blocks: Block) -> Message:
        self.blocks.extend(blocks)
        return self


@dataclass(frozen=True)
class Question:
    """One input of a form."""

    id: str
    label: str
    long: bool = False
    required: bool = True
    max_length: int = 1000
    placeholder: str | None = None
    default: str | None = None

    def too_long(self, value: str) -> dict[str, Any] | None:
        """Parameters of ``core.form.too_long`` when ``value`` is over this question's limit, else None.
        An answer over a limit is refused with these, never cut: what people write stays theirs."""
        return too_long(value, self.max_length)


TOO_LONG = "core.form.too_long"


def too_long(value: str, limit: int) -> dict[str, Any] | None:
    """``core.form.too_long``'s parameters (length, limit, how much to cut) for ``value``, else None."""
    excess = len(value) - limit
    if excess <= 0:
        return None
    return {"length": Count(len(value)), "limit": Count(limit), "excess": Count(excess), "count": excess}


@dataclass(frozen=True)
class Form:
    """A short questionnaire; its answers are submitted to the cog action ``action`` with ``value``."""

    title: str
    action: str
    questions: tuple[Question, ...]
    value: str = ""
    errors: Mapping[str, str] = field(default_factory=dict)
