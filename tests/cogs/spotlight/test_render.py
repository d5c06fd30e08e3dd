"""Rendering a spotlight: every message within every platform's limits, answers whole and verbatim."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from functools import partial

import pytest

from bot.core.messages import Context, Header, Plain, Quote, Section
from bot.i18n import Catalog, catalog_directories
from cogs.spotlight.document import Document, Item, Stats
from cogs.spotlight.render import render_post
from tests.cogs.spotlight.limits import problems

WORDS = "the compiler kernel *bold* _under_ `code` [link](x) @everyone <@&42> patch review test docs".split()


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + rng.choice([".", "!", "?"])


def answer(rng: random.Random, size: int = 3000) -> str:
    """About ``size`` characters of sentences and paragraphs, markup and mentions included."""
    paragraphs: list[str] = []
    while sum(len(p) + 2 for p in paragraphs) < size:
        paragraphs.append(" ".join(sentence(rng, rng.randint(4, 40)) for _ in range(rng.randint(1, 6))))
    return "\n\n".join(paragraphs)[:size].rstrip() + "."


@pytest.fixture(scope="module")
def t() -> partial[str]:
    return partial(Catalog(catalog_directories()).translate, "en")


def big_document(rng: random.Random, note_every: int = 3) -> Document:
    items = tuple(
        Item(
            n,
            f"q{n}",
            f"Question number {n}, asked at some length so that it takes room?",
            answer(rng),
            f"An editor's note after answer {n}. " * 20 if n % note_every == 0 else None,
        )
        for n in range(1, 13)
    )
    return Document(
        interview_id=1,
        name='Zoë "@here" Example' + "x" * 120,
        github_login="zoe-example",
        locale="en",
        introduction="Zoë has been with us for years. " * 45,
        items=items,
        stats=Stats(datetime(2024, 3, 1, tzinfo=UTC), 57, tuple(f"acme/repo-{i}" for i in range(14))),
        status="approved",
        approved_at=None,
        published_at=None,
    )


@pytest.mark.parametrize("seed", range(5))
def test_twelve_long_answers_fit_every_platform(seed: int, t: partial[str]) -> None:
    doc = big_document(random.Random(seed))
    messages = render_post(doc, t, "Europe/Berlin")
    assert len(messages) > 1
    for i, message in enumerate(messages):
        assert problems(message) == [], f"message {i + 1}/{len(messages)}"

    quotes = [b for m in messages for b in m.blocks if isinstance(b, Quote)]
    # Every answer, in order, is the concatenation of its quote chunks (whitespace at the cuts aside).
    by_answer: list[list[str]] = []
    for q in quotes:
        assert isinstance(q.text, Plain)  # answers are never interpreted as markup or mentions
        if not by_answer or by_answer[-1][-1] is None:  # type: ignore[comparison-overlap]
            by_answer.append([])
        by_answer[-1].append(q.text.text)
        if q.attribution is not None:
            by_answer[-1].append(None)  # type: ignore[arg-type]
    assert len(by_answer) == 12
    for item, chunks in zip(doc.items, by_answer, strict=True):
        parts = chunks[:-1]
        assert re.sub(r"\s+", " ", " ".join(parts)) == re.sub(r"\s+", " ", item.answer)
        for part in parts[:-1]:
            assert part.rstrip()[-1] in ".!?", f"cut mid-sentence: ...{part[-40:]!r}"

    # Each question heading shares its message with the start of its answer.
    for message in messages:
        for i, block in enumerate(message.blocks):
            if isinstance(block, Section) and "Question number" in str(block.parts):
                assert isinstance(message.blocks[i + 1], Quote)


def test_short_interview_is_one_message_with_notes_set_apart(t: partial[str]) -> None:
    doc = big_document(random.Random(1))
    short = Document(
        **{
            **doc.__dict__,
            "items": tuple(
                Item(i.number, i.question_id, i.question, "Short answer.", i.note and "Nice.")
                for i in doc.items[:6]
            ),
            "introduction": "Hello.",
            "name": "Zoë",
        }
    )
    [message] = render_post(short, t)
    assert isinstance(message.blocks[0], Header)
    notes = [b for b in message.blocks if isinstance(b, Context) and "Editor's note" in str(b.parts)]
    assert len(notes) == 2
    assert message.summary == "Contributor spotlight: Zoë (1/1)"
