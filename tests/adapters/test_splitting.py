"""Adapters split long text by their own limits, at paragraph, sentence or word boundaries, and
every character arrives (cogs only mark what belongs together; see bot.core.messages.Break)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.discord.markdown import chunks, escape_outside
from bot.adapters.fitting import break_point
from bot.adapters.slack.blocks import escape, split_text

TEXT = st.text(alphabet=st.sampled_from(list("ab .!?\n。*_<@&>")), max_size=600)


@given(TEXT, st.integers(20, 200))
@settings(max_examples=200, deadline=None)
def test_slack_pieces_fit_and_keep_every_character(text: str, limit: int) -> None:
    escaped = escape(text)
    pieces = split_text(escaped, limit)
    assert all(len(p) <= limit for p in pieces)
    assert "".join("".join(pieces).split()) == "".join(escaped.split())
    assert not any(re.search(r"&[a-z]*$", p) for p in pieces)  # no entity cut in two


@given(TEXT, st.integers(20, 200))
@settings(max_examples=200, deadline=None)
def test_discord_pieces_fit_and_keep_every_character(text: str, limit: int) -> None:
    lines = escape_outside(text).splitlines()
    pieces = chunks(lines, limit)
    assert all(len(p) <= limit for p in pieces)
    assert "".join("".join(pieces).split()) == "".join("".join(lines).split())
    assert not any(p.endswith("\\") and not p.endswith("\\\\") for p in pieces[:-1])  # escapes whole


def test_splits_prefer_paragraphs_then_sentences_then_words() -> None:
    text = "First one. Second one!\n\nThird paragraph is here? Yes."
    assert text[: break_point(text, 30)] == "First one. Second one!\n\n"
    assert "这是第一句。这是第二句。"[: break_point("这是第一句。这是第二句。", 8)] == "这是第一句。"
    words = "alpha beta gamma delta epsilon"
    assert words[: break_point(words, 20)] == "alpha beta gamma "
    url = "https://example.org/" + "a" * 100
    assert break_point(url, 50) == 50  # one long "word": cut by characters as the last resort
