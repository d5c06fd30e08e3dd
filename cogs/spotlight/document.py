"""The spotlight as a document (header, introduction, numbered Q&A, notes, stats) that both the chat
renderer and the Markdown export read, so the post and the blog file always say the same thing."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from bot.db.models import Member
from cogs.spotlight.models import SpotlightAnswer, SpotlightInterview
from cogs.spotlight.questions import from_snapshot


@dataclass(frozen=True)
class Stats:
    """A contributor's GitHub record, from the synced tables."""

    first_contribution_at: datetime | None
    merged_prs: int
    repos: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        first = self.first_contribution_at.isoformat() if self.first_contribution_at else None
        return {"first_contribution_at": first, "merged_prs": self.merged_prs, "repos": list(self.repos)}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Stats:
        first = data.get("first_contribution_at")
        repos = data.get("repos") or []
        merged = data.get("merged_prs") or 0
        return cls(
            datetime.fromisoformat(str(first)) if first else None,
            int(merged) if isinstance(merged, int | str) else 0,
            tuple(str(r) for r in repos) if isinstance(repos, list) else (),
        )


@dataclass(frozen=True)
class Item:
    """One numbered question with its verbatim answer and the editor's note after it (if any)."""

    number: int
    question_id: str
    question: str
    answer: str
    note: str | None


@dataclass(frozen=True)
class Document:
    """Everything a published spotlight shows."""

    interview_id: int
    name: str
    github_login: str | None
    locale: str
    introduction: str | None
    items: tuple[Item, ...]
    stats: Stats | None
    status: str
    approved_at: datetime | None
    published_at: datetime | None
    editor_name: str | None = None  # the maintainer who approved it

    @property
    def profile_url(self) -> str | None:
        return f"https://github.com/{self.github_login}" if self.github_login else None


def answers_of(session: Session, interview_id: int) -> dict[str, SpotlightAnswer]:
    rows = session.exec(
        select(SpotlightAnswer)
        .where(SpotlightAnswer.interview_id == interview_id)
        .order_by(col(SpotlightAnswer.id))
    )
    return {a.question_id: a for a in rows}


def build_document(session: Session, interview: SpotlightInterview) -> Document:
    """The document of ``interview``: answered questions in the configured order, notes after them."""
    assert interview.id is not None
    answers = answers_of(session, interview.id)
    items: list[Item] = []
    for q in from_snapshot(interview.questions):
        answer = answers.get(q.id)
        if answer is None:
            continue  # optional questions left out are not published
        # The question's own number, as the form, the review and /spotlight note give it: a skipped
        # optional question leaves a gap rather than renumbering the ones after it.
        items.append(Item(q.number, q.id, q.text(interview.locale), answer.text, answer.editor_note))
    editor = session.get(Member, interview.editor_id) if interview.editor_id is not None else None
    return Document(
        interview_id=interview.id,
        name=interview.display_name,
        github_login=interview.github_login,
        locale=interview.locale,
        introduction=interview.introduction,
        items=tuple(items),
        stats=Stats.from_json(interview.stats) if interview.stats else None,
        status=interview.status,
        approved_at=interview.approved_at,
        published_at=interview.published_at,
        editor_name=editor.display_name if editor is not None else None,
    )


def text_version(doc: Document) -> str:
    """A short fingerprint of everything the post shows; it changes whenever any of it changes.

    The contributor's Approve button carries it, so an approval always names the text it was given.
    """
    shown = {
        "name": doc.name,
        "github_login": doc.github_login,
        "locale": doc.locale,
        "introduction": doc.introduction,
        "items": [[i.number, i.question_id, i.question, i.answer, i.note] for i in doc.items],
        "stats": doc.stats.to_json() if doc.stats is not None else None,
    }
    canonical = json.dumps(shown, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
