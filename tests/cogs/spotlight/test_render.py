"""Rendering a spotlight: every message within every platform's limits, answers whole and verbatim."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from functools import partial

import pytest

from bot.core.messages import Context, Header, Plain, Quote
from bot.i18n import Catalog, catalog_directories
from cogs.spotlight.document import Document, Item, Stats
from cogs.spotlight.post_view import render_post
from tests.cogs.spotlight.limits import discord_texts, problems, slack_texts

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


def squeezed(text: str) -> str:
    """The letters and digits of ``text``: what survives any platform's escaping and line breaking,
    to check that every word of an answer arrives, in order."""
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return "".join(re.findall(r"[A-Za-z0-9]+", text))


@pytest.mark.parametrize("seed", range(5))
def test_twelve_long_answers_fit_every_platform(seed: int, t: partial[str]) -> None:
    doc = big_document(random.Random(seed))
    [message] = render_post(doc, t, "Europe/Berlin")
    assert problems(message) == []  # each adapter split the post by its own limits
    assert len(discord_texts(message)) > 1 and len(slack_texts(message)) >= 1

    # Every answer is one Quote, whole and verbatim: nothing is cut, nothing interpreted.
    quotes = [b for b in message.blocks if isinstance(b, Quote)]
    assert [q.text for q in quotes] == [Plain(item.answer) for item in doc.items]
    for texts in (discord_texts(message), slack_texts(message)):
        shown = squeezed("".join(texts))
        for item in doc.items:
            assert squeezed(item.answer) in shown

    # Each question shares its platform message with the start of its answer.
    for texts in (discord_texts(message), slack_texts(message)):
        for item in doc.items:
            question = f"Question number {item.number},"
            [holder] = [text for text in texts if question in text]
            start = squeezed(item.answer)[:40]
            assert start in squeezed(holder), (item.number, holder[:200])


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
    assert message.summary == "Contributor spotlight: Zoë"
