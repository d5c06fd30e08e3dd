"""The Markdown file for the project's blog: YAML front matter, introduction, the Q&A in order.

Answers are copied verbatim into block quotes (each line prefixed with ``> ``), so whatever someone
wrote stays theirs and cannot reach the front matter; front-matter values are JSON strings, which
YAML reads as double-quoted scalars whatever characters they hold.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from cogs.spotlight.document import Document

Translate = Callable[..., str]


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
) -> str:
    """The whole file, ending with a newline."""
    on = export_day(doc, timezone, today)
    parts = [front_matter(doc, author=author, category=category, tags=tags, t=t, on=on)]
    if doc.introduction:
        parts.append(doc.introduction.strip())
    for item in doc.items:
        parts.append(f"**{item.number}. {item.question}**")
        parts.append(_quoted(item.answer.rstrip("\n")) + "\n>\n> — " + doc.name)
        if item.note:
            parts.append(f"*{t('spotlight.post.editor_note').strip()}* {item.note.strip()}")
    footer: list[str] = []
    if doc.stats is not None:
        first = doc.stats.first_contribution_at
        facts = [
            f"{t('spotlight.post.stats_first')}: "
            + (first.astimezone(ZoneInfo(timezone)).date().isoformat() if first else "—"),
            f"{t('spotlight.post.stats_prs')}: {doc.stats.merged_prs}",
            f"{t('spotlight.post.stats_repos')}: {', '.join(doc.stats.repos) or '—'}",
        ]
        footer.append(" · ".join(facts))
    if doc.profile_url and doc.github_login:
        footer.append(f"[{t('spotlight.post.profile', login=doc.github_login)}]({doc.profile_url})")
    if footer:
        parts.append("---\n\n" + "\n\n".join(footer))
    return "\n\n".join(parts) + "\n"


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
