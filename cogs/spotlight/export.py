"""The Markdown file for the project's blog: YAML front matter, introduction, the Q&A in order.

Everything people wrote (answers, introduction, notes, names, questions) is written as literal text
(cogs/spotlight/blog_text.py): the page shows exactly their characters and the blog's generator never
reads them as HTML, Markdown, a Vue template or a Hugo shortcode. Front-matter values are JSON strings,
which YAML reads as double-quoted scalars whatever characters they hold.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from bot.core.moments import Day
from bot.i18n import Translate
from cogs.spotlight.blog_text import BlogTarget, literal_line, literal_text, wrap_body
from cogs.spotlight.document import Document


@dataclass(frozen=True)
class FrontMatter:
    """What the blog needs to file the post."""

    title: str
    date: date
    author: str
    co_authors: tuple[str, ...]
    category: str
    tags: tuple[str, ...]


def export_day(doc: Document, timezone: str, today: date) -> date:
    """The post's date: publication day, else approval day, else ``today`` (project time zone)."""
    stamp = doc.published_at or doc.approved_at
    return stamp.astimezone(ZoneInfo(timezone)).date() if stamp else today


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _quoted(text: str) -> str:
    """``text`` (already literal Markdown) as a block quote."""
    return "\n".join(f"> {line}" if line else ">" for line in text.split("\n"))


def front_matter(
    doc: Document, *, author: str, category: str, tags: list[str], t: Translate, on: date
) -> str:
    """The ``---`` block; ``on`` is the publication (or approval) day in the project's time zone."""
    who = f"{doc.name} (@{doc.github_login})" if doc.github_login else doc.name
    lines = [
        "---",
        f"title: {_q(t('spotlight.post.title', name=doc.name))}",
        f"date: {on.isoformat()}",
        f"author: {_q(author)}",
        f"co-authors: [{_q(who)}]",
        f"category: {_q(category)}",
        f"tags: [{', '.join(_q(tag) for tag in tags)}]",
        "---",
    ]
    return "\n".join(lines)


def export_markdown(
    doc: Document,
    *,
    author: str,
    category: str,
    tags: list[str],
    t: Translate,
    timezone: str = "UTC",
    today: date,
    target: BlogTarget = BlogTarget.PLAIN,
) -> str:
    """The whole file for the ``target`` generator, ending with a newline."""
    on = export_day(doc, timezone, today)
    name = literal_text(doc.name)
    parts: list[str] = []
    if doc.introduction and doc.introduction.strip():
        parts.append(literal_text(doc.introduction))
    for item in doc.items:
        parts.append(f"**{item.number}\\. {literal_line(item.question)}**")
        parts.append(_quoted(literal_text(item.answer) + "\n\n— " + name))
        if item.note and item.note.strip():
            parts.append(f"*{t('spotlight.post.editor_note').strip()}* {literal_text(item.note)}")
    footer: list[str] = []
    if doc.stats is not None:
        first = doc.stats.first_contribution_at
        facts = [
            f"{t('spotlight.post.stats_first')}: "
            + (t("core.time.at", at=Day(first, timezone)) if first else "—"),
            f"{t('spotlight.post.stats_prs')}: {doc.stats.merged_prs}",
            f"{t('spotlight.post.stats_repos')}: {literal_line(', '.join(doc.stats.repos)) or '—'}",
        ]
        footer.append(" · ".join(facts))
    if doc.profile_url and doc.github_login:
        label = literal_line(t("spotlight.post.profile", login=doc.github_login))
        footer.append(f"[{label}](<{doc.profile_url}>)")
    if footer:
        parts.append("---\n\n" + "\n\n".join(footer))
    head = front_matter(doc, author=author, category=category, tags=tags, t=t, on=on)
    return head + "\n\n" + wrap_body("\n\n".join(parts), target) + "\n"


def export_filename(doc: Document, on: date) -> str:
    slug = "".join(c if c.isalnum() else "-" for c in (doc.github_login or doc.name).lower()).strip("-")
    return f"{on.isoformat()}-spotlight-{slug or doc.interview_id}.md"


def without_front_matter(text: str) -> str:
    """The post's body: the export minus its ``---`` front-matter block (the web page shows the
    same Markdown the blog gets, with the title and date as the page's own)."""
    if not text.startswith("---\n"):
        return text
    end = text.find("\n---\n", 4)
    return text[end + 5 :].lstrip("\n") if end != -1 else text
