"""The interview's questions: a snapshot taken from the config when someone accepts, and its pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cogs.spotlight.config import QuestionConfig

PAGE_SIZE = 5  # Discord modals hold at most five inputs; every platform gets the same pages.


@dataclass(frozen=True)
class InterviewQuestion:
    """One question as frozen into an interview."""

    number: int  # 1-based
    id: str
    texts: dict[str, str]  # locale -> text ("en" always present)
    optional: bool

    def text(self, locale: str) -> str:
        return self.texts.get(locale) or self.texts["en"]


def snapshot(questions: list[QuestionConfig]) -> list[dict[str, Any]]:
    """JSON-able copy of the configured questions, stored on the interview."""
    out: list[dict[str, Any]] = []
    for q in questions:
        texts = {"en": q.text.en}
        if q.text.zh_CN:
            texts["zh-CN"] = q.text.zh_CN
        out.append({"id": q.id, "texts": texts, "optional": q.optional})
    return out


def from_snapshot(data: list[dict[str, Any]]) -> list[InterviewQuestion]:
    return [
        InterviewQuestion(i + 1, str(d["id"]), dict(d["texts"]), bool(d.get("optional", False)))
        for i, d in enumerate(data)
    ]


def pages(questions: list[InterviewQuestion]) -> list[list[InterviewQuestion]]:
    """Questions in pages of at most PAGE_SIZE, in order."""
    return [questions[i : i + PAGE_SIZE] for i in range(0, len(questions), PAGE_SIZE)]
