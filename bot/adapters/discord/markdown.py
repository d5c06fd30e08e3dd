"""Discord markdown: outside text escaped, bot text defused, and lines split within a limit.

Only :class:`Mention` produces a ping, and only for that user; every split keeps every character
(the pieces are posted one after the other) and breaks at paragraphs, sentences or spaces.
"""

from __future__ import annotations

import re

import discord
from bot.adapters.fitting import break_point
from bot.core.messages import (
    Block,
    Bold,
    BulletList,
    Code,
    Context,
    Divider,
    Fields,
    Header,
    Image,
    Inline,
    Link,
    Mention,
    Plain,
    Quote,
    Section,
)
from bot.core.plaintext import wrap_markup

PLATFORM = "discord"
_MASS_MENTION = re.compile(r"@(everyone|here)")


def fits(text: str, limit: int) -> bool:
    """Whether ``text`` fits a slot of ``limit`` characters. Nothing is ever cut to fit: text that
    does not fit goes where it does (the description, a line of its own), whole."""
    return len(text) <= limit


def escape_outside(text: str) -> str:
    """Outside text: no markdown, no mentions of anyone (a zero-width space defuses '@')."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def _defuse(text: str) -> str:
    """Bot-authored text keeps its markdown but can never ping @everyone/@here."""
    # Most fragments hold no "@" at all: the membership test costs a fraction of the regex.
    return _MASS_MENTION.sub("@\u200b\\1", text) if "@" in text else text


class Writer:
    """Accumulates inline markdown and the users it deliberately mentions."""

    def __init__(self) -> None:
        self.mentions: list[str] = []

    def inline(self, part: Inline) -> str:
        if isinstance(part, str):
            return _defuse(part)
        if isinstance(part, Plain):
            return escape_outside(part.text)
        if isinstance(part, Bold):
            return wrap_markup("".join(self.inline(p) for p in part.parts), "**")
        if isinstance(part, Code):
            return "`" + _defuse(part.text.replace("`", "ˋ")) + "`"
        if isinstance(part, Link):
            return f"[{self.inline(part.label)}]({part.url})"
        if isinstance(part, Mention):
            uid = part.user_ids.get(PLATFORM)
            if uid:
                if uid not in self.mentions:
                    self.mentions.append(uid)
                return f"<@{uid}>"
            return "@" + escape_outside(part.name)
        raise TypeError(f"unknown inline span {part!r}")

    def join(self, parts: tuple[Inline, ...]) -> str:
        return "".join(self.inline(p) for p in parts)

    def lines(self, block: Block) -> list[str]:
        if isinstance(block, Header):
            return ["**" + self.inline(block.text) + "**"]
        if isinstance(block, Section):
            return self.join(block.parts).splitlines() or [""]
        if isinstance(block, Quote):
            out = ["> " + line for line in self.inline(block.text).splitlines()] or ["> "]
            if block.attribution is not None:
                out.append("— " + self.inline(block.attribution))
            return out
        if isinstance(block, BulletList):
            return ["• " + self.join(item) for item in block.items]
        if isinstance(block, Fields):
            return [f"**{self.inline(k)}:** {self.inline(v)}" for k, v in block.items]
        if isinstance(block, Context):
            return ["-# " + self.join(block.parts)]
        if isinstance(block, Divider):
            return ["───"]
        if isinstance(block, Image):
            return [f"[{escape_outside(block.alt)}]({block.url})" if block.url else ""]
        return []


def _long_line_cut(line: str, limit: int) -> int:
    """Where to break a line longer than ``limit`` (see ``break_point``); never right after a
    backslash (an escape) nor inside a ``<@id>`` mention."""
    cut = break_point(line, limit)
    while cut > 1 and line[cut - 1] == "\\":
        cut -= 1
    opening = line.rfind("<", 0, cut)
    if opening > 0 and ">" not in line[opening:cut]:
        cut = opening
    return cut


def chunks(lines: list[str], limit: int) -> list[str]:
    """Join lines into pieces of at most ``limit`` characters, splitting over-long lines at sentence or
    word boundaries (every character arrives: the pieces are posted one after the other)."""
    pieces: list[str] = []
    current = ""
    for line in lines:
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            cut = _long_line_cut(line, limit)
            pieces.append(line[:cut])
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        pieces.append(current)
    return pieces


def grouped_chunks(groups: list[list[str]], limit: int) -> list[str]:
    """Pieces of at most ``limit`` characters; the lines of a group (between two :class:`Break` hints)
    share a piece whenever they fit in one, and only a group longer than a piece is split inside."""
    pieces: list[str] = []
    for group in groups:
        text = "\n".join(group)
        if not text.strip():
            continue
        if pieces and len(pieces[-1]) + 1 + len(text) <= limit:
            pieces[-1] += "\n" + text
        elif len(text) <= limit:
            pieces.append(text)
        else:
            pieces.extend(chunks(group, limit))
    return pieces
