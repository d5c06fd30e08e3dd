"""The blog export shows people's words exactly as written, as text: rendered by CommonMark with HTML
on (as VitePress and Hugo do), nothing from an answer becomes an element, and no template expression
or shortcode survives for the generator to run."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime
from functools import partial

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from bot.i18n import Catalog, catalog_directories
from cogs.spotlight.blog_text import BlogTarget, literal_text
from cogs.spotlight.document import Document, Item
from cogs.spotlight.export import export_markdown

HOSTILE = (
    "<script>alert(1)</script>\n"
    '<img src=x onerror="alert(2)">\n'
    "<iframe src=https://evil.example></iframe>\n"
    "{{ 7*7 }} and a lone {{ and }}\n"
    '<span v-html="x">v-on:click</span>\n'
    "{{< youtube abc >}} {{% include x %}}\n"
    "[click](javascript:alert(3)) <https://auto.example> ![i](x.png)\n"
    "# not a heading\n"
    "    not code\n"
    "- not a list\n"
    "1. not a list either\n"
    "> not a quote\n"
    "```\nnot a fence\n"
    ":::\n"
    "&amp; &lt;b&gt; *not em* _nor this_ `nor code` \\ trailing\\\n"
    "<!-- not a comment -->"
)
# What the exporter itself writes: paragraphs, the quotes, bold questions, the note's label, the
# footer's rule, line breaks and the profile link.
OWN_ELEMENTS = {"p", "blockquote", "strong", "em", "br", "hr", "a"}
CATALOG = Catalog(catalog_directories())


def _doc(answer: str, **changes: object) -> Document:
    base = Document(
        interview_id=3,
        name="Mallory <b>{{ name }}</b>",
        github_login="mallory",
        locale="en",
        introduction="Intro <iframe src=x></iframe> {{ intro }}",
        items=(Item(1, "a", "Who are you?", answer, "Note: <img src=y onerror=z> {{ note }}"),),
        stats=None,
        status="approved",
        approved_at=datetime(2026, 3, 1, 12, tzinfo=UTC),
        published_at=None,
    )
    return Document(**{**base.__dict__, **changes})


def _export(doc: Document, target: BlogTarget) -> str:
    t = partial(CATALOG.translate, "en")
    text = export_markdown(doc, author="Team", category="people", tags=["x"], t=t, today=date(2026, 1, 1),
                           target=target)  # fmt: skip
    return text.split("\n---\n", 1)[1]  # the body, after the front matter


def _render(markdown: str) -> str:
    return MarkdownIt("commonmark", {"html": True}).render(markdown)


def _text(rendered: str) -> str:
    """What a reader sees: the HTML without its tags, entities decoded, line breaks as newlines."""
    return html.unescape(re.sub(r"<[^>]+>", "", rendered.replace("<br />\n", "\n")))


@pytest.mark.parametrize("target", list(BlogTarget))
def test_nothing_from_the_answers_becomes_markup(target: BlogTarget) -> None:
    body = _export(_doc(HOSTILE), target)
    rendered = _render(body)
    tags = set(re.findall(r"<([a-zA-Z][\w-]*)", rendered))
    assert tags <= OWN_ELEMENTS, tags - OWN_ELEMENTS
    assert 'href="javascript' not in rendered and "https://auto.example</a>" not in rendered
    assert "<a" not in rendered.split("<hr />")[0]  # the only link is the footer's profile link
    # Every line of the answer reaches the reader exactly as typed (edge spaces aside, which HTML
    # shows the same either way).
    seen = _text(rendered)
    for line in HOSTILE.split("\n"):
        assert line.strip() in seen, line
    for words in ("Intro <iframe src=x></iframe> {{ intro }}", "Mallory <b>{{ name }}</b>",
                  "Note: <img src=y onerror=z> {{ note }}"):  # fmt: skip
        assert words in seen


def test_vitepress_gets_no_template_expression_outside_v_pre() -> None:
    body = _export(_doc(HOSTILE), BlogTarget.VITEPRESS)
    lines = body.strip("\n").split("\n")
    assert lines[0] == "::: v-pre" and lines[-1] == ":::"
    inner = "\n".join(lines[1:-1])
    # The person's own ':::' cannot close the container early, and nothing outside it holds '{{'.
    assert not re.search(r"^\s*(> )?:::", inner, flags=re.M)
    assert "{{" in _text(_render(inner))  # shown to readers, inside v-pre where Vue does not look


@pytest.mark.parametrize("target", [BlogTarget.HUGO, BlogTarget.PLAIN])
def test_no_shortcode_or_interpolation_reaches_the_generator(target: BlogTarget) -> None:
    body = _export(_doc(HOSTILE), target)
    assert "{{" not in body and "{%" not in body and "::: v-pre" not in body


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=1, max_codepoint=0x2FF, exclude_categories=("Cs",)),
               max_size=80))  # fmt: skip
def test_any_text_renders_as_itself(text: str) -> None:
    rendered = _render(literal_text(text))
    assert not set(re.findall(r"<([a-zA-Z][\w-]*)", rendered)) - {"p", "br"}
    shown = _text(rendered)
    # Compare what HTML shows: runs of whitespace collapse, line structure aside.
    assert " ".join(shown.split()) == " ".join(text.replace("\x00", "\ufffd").split())


def _render_typographer(markdown: str) -> str:
    """Rendered as Hugo renders by default (Goldmark's typographer on): quotes, dashes, ellipses and
    signs are replaced wherever they are not escaped."""
    md = MarkdownIt("commonmark", {"html": True, "typographer": True})
    return md.enable(["replacements", "smartquotes"]).render(markdown)


def test_a_typographer_leaves_quotes_dashes_and_dots_as_written() -> None:
    said = "I'm \"happy\" -- really... pages 3--5, (c) (tm) +- <<quoted>> 'single'"
    assert _text(_render_typographer(literal_text(said))).strip() == said


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab '\"-.()+<>!?cCtTmMpP", max_size=40))
def test_any_punctuation_survives_a_typographer(text: str) -> None:
    shown = _text(_render_typographer(literal_text(text)))
    assert " ".join(shown.split()) == " ".join(text.split())
