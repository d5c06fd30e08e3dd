"""Render a spotlight as chat messages that each fit every platform's limits.

Each Q&A stays in one message when it can; a long answer continues in the next message, split at a
paragraph or sentence boundary (never mid-sentence). Answers, names and notes are ``Plain`` text, so
nothing in them can ping or format.
"""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from bot.core.messages import (
    Block,
    Bold,
    Context,
    Divider,
    Fields,
    Header,
    Inline,
    Link,
    Message,
    Plain,
    Quote,
    Section,
)
from bot.core.moments import Day
from bot.core.plaintext import block_lines
from cogs.spotlight.document import Document, Item
from cogs.spotlight.split import split_text, weighted_len

Translate = Callable[..., str]

# Conservative per-message budgets: Discord content is 2000 characters (escaping included in the
# weighting), Slack allows 50 blocks and 3000 characters per section, headers 150.
TEXT_BUDGET = 1800
BLOCK_BUDGET = 40
HEADER_MAX = 140
_BLOCK_OVERHEAD = 8  # newlines and markup the adapters add around each block


def block_weight(block: Block) -> int:
    return weighted_len("\n".join(block_lines(block))) + _BLOCK_OVERHEAD


Unit = list[Block]  # blocks that must share a message


class _Packer:
    """Fills messages with units in order, starting a new message when the next unit won't fit."""

    def __init__(self, budget: int, max_blocks: int) -> None:
        self.budget = budget
        self.max_blocks = max_blocks
        self.messages: list[list[Block]] = [[]]
        self.used = 0

    def _fits(self, unit: Unit) -> bool:
        weight = sum(block_weight(b) for b in unit)
        return self.used + weight <= self.budget and len(self.messages[-1]) + len(unit) <= self.max_blocks

    def flush(self) -> None:
        if self.messages[-1]:
            self.messages.append([])
            self.used = 0

    def add(self, unit: Unit) -> None:
        if not self._fits(unit):
            self.flush()
        self.messages[-1].extend(unit)
        self.used += sum(block_weight(b) for b in unit)

    def add_separator(self, block: Block) -> None:
        """A divider between parts: only where it fits, since a new message separates anyway."""
        if self.messages[-1] and self._fits([block]):
            self.add([block])

    def add_group(self, units: list[Unit]) -> None:
        """Keep a group (one Q&A) in one message when it fits in one; a longer one flows on from
        wherever the previous group ended, breaking only between its units."""
        flat = [b for u in units for b in u]
        weight = sum(block_weight(b) for b in flat)
        if weight <= self.budget and len(flat) <= self.max_blocks:
            self.add(flat)
            return
        for unit in units:
            self.add(unit)


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _item_units(item: Item, name: str, t: Translate, chunk_budget: int) -> list[Unit]:
    question = Section(Bold(f"{item.number}. ", Plain(item.question)))
    # Answers are never empty (empty ones are not stored), so there is always at least one chunk.
    chunks = [c.strip() for c in split_text(item.answer, chunk_budget) if c.strip()] or [item.answer]
    quotes: list[Block] = []
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        quotes.append(Quote(Plain(chunk), Plain(name) if last else None))
    units: list[Unit] = [[question, quotes[0]], *([q] for q in quotes[1:])]
    if item.note:
        for n, part in enumerate(split_text(item.note, chunk_budget)):
            label: Inline = Bold(t("spotlight.post.editor_note")) if n == 0 else ""
            units.append([Context("📝 ", label, Plain(part.strip()))])
    return units


def _stats_blocks(doc: Document, t: Translate, tz: ZoneInfo) -> list[Block]:
    blocks: list[Block] = []
    if doc.stats is not None:
        first = doc.stats.first_contribution_at
        repos = ", ".join(doc.stats.repos[:10]) + (" …" if len(doc.stats.repos) > 10 else "")
        items: tuple[tuple[Inline, Inline], ...] = (
            (t("spotlight.post.stats_first"), t("core.time.at", at=Day(first, str(tz))) if first else "—"),
            (t("spotlight.post.stats_prs"), str(doc.stats.merged_prs)),
            (t("spotlight.post.stats_repos"), Plain(repos or "—")),
        )
        blocks.append(Fields(items))
    if doc.profile_url and doc.github_login:
        blocks.append(
            Context(Link(doc.profile_url, Plain(t("spotlight.post.profile", login=doc.github_login))))
        )
    return blocks


def render_post(
    doc: Document,
    t: Translate,
    timezone: str = "UTC",
    budget: int = TEXT_BUDGET,
    max_blocks: int = BLOCK_BUDGET,
) -> list[Message]:
    """The messages to post, in order; each within ``budget`` (weighted) and ``max_blocks``."""
    packer = _Packer(budget, max_blocks)
    header_text = _truncate(t("spotlight.post.title", name=doc.name), HEADER_MAX)
    head: list[Block] = [Header(Plain(header_text))]
    if doc.profile_url and doc.github_login:
        head.append(Section(t("spotlight.post.github"), Link(doc.profile_url, Plain("@" + doc.github_login))))
    packer.add(head)
    chunk_budget = budget // 2
    if doc.introduction:
        for part in split_text(doc.introduction, chunk_budget):
            packer.add([Section(Plain(part.strip()))])
    packer.add_separator(Divider())
    for item in doc.items:
        packer.add_group(_item_units(item, doc.name, t, chunk_budget))
    footer = _stats_blocks(doc, t, ZoneInfo(timezone))
    if footer:
        packer.add_separator(Divider())
        packer.add(footer)
    messages = [Message(blocks) for blocks in packer.messages if blocks]
    total = len(messages)
    for i, message in enumerate(messages):
        message.summary = _truncate(t("spotlight.post.summary", name=doc.name, part=i + 1, parts=total), 150)
    return messages
