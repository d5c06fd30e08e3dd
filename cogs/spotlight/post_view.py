"""Render a spotlight as one chat message whose hints say what belongs together.

The cog knows no platform's limits: it marks each Q&A (question, answer, editor's note) as a part
that stays together, with :class:`Break` hints between the parts, and every adapter splits the post
by its own limits (message length, blocks per message), inside a part only when that part alone is
too long, at a paragraph or sentence boundary. Answers, names and notes are ``Plain`` text, so
nothing in them can ping or format, and they are never cut.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.core.messages import (
    Block,
    Bold,
    Break,
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
from bot.i18n import Translate
from cogs.spotlight.document import Document, Item


def _item_blocks(item: Item, name: str, t: Translate) -> list[Block]:
    blocks: list[Block] = [
        Section(Bold(f"{item.number}. ", Plain(item.question))),
        Quote(Plain(item.answer), Plain(name)),
    ]
    if item.note:
        blocks.append(Context("📝 ", Bold(t("spotlight.post.editor_note")), Plain(item.note)))
    return blocks


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


def render_post(doc: Document, t: Translate, timezone: str = "UTC") -> list[Message]:
    """The post, as one message with :class:`Break` hints between its parts (a list, so callers can
    send it along with messages of their own); adapters split it by their limits."""
    blocks: list[Block] = [Header(Plain(t("spotlight.post.title", name=doc.name)))]
    if doc.profile_url and doc.github_login:
        blocks.append(
            Section(t("spotlight.post.github"), Link(doc.profile_url, Plain("@" + doc.github_login)))
        )
    if doc.introduction:
        blocks += [Break(), Section(Plain(doc.introduction))]
    blocks.append(Divider())
    for item in doc.items:
        blocks += [Break(), *_item_blocks(item, doc.name, t)]
    footer = _stats_blocks(doc, t, ZoneInfo(timezone))
    if footer:
        blocks += [Break(), Divider(), *footer]
    return [Message(blocks, summary=t("spotlight.post.summary", name=doc.name))]
