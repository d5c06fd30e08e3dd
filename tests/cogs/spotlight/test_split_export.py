"""Text splitting at sentence boundaries, and the blog export's front matter and verbatim answers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import partial

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.i18n import Catalog, catalog_directories
from cogs.spotlight.document import Document, Item
from cogs.spotlight.export import export_filename, export_markdown
from cogs.spotlight.split import split_text, weighted_len


@given(st.text(alphabet=st.sampled_from(list("ab .!?\n。*_<@")), max_size=600), st.integers(20, 200))
@settings(max_examples=200, deadline=None)
def test_split_keeps_everything_within_budget(text: str, budget: int) -> None:
    chunks = split_text(text, budget)
    assert "".join(chunks) == text
    assert all(0 < weighted_len(c) <= budget for c in chunks)


def test_split_prefers_paragraphs_then_sentences() -> None:
    text = "First one. Second one!\n\nThird paragraph is here? Yes."
    assert split_text(text, 30) == ["First one. Second one!\n\n", "Third paragraph is here? Yes."]
    assert split_text("这是第一句。这是第二句。", 8) == ["这是第一句。", "这是第二句。"]
    url = "https://example.org/" + "a" * 100
    pieces = split_text(url, 50)  # one long "word": cut by characters as the last resort
    assert "".join(pieces) == url and len(pieces) == 3


def _doc(**changes: object) -> Document:
    base = Document(
        interview_id=7,
        name='Eve "the hacker"\n---\ntitle: pwned',
        github_login="eve",
        locale="en",
        introduction="Eve breaks things, kindly.",
        items=(
            Item(1, "a", "Who are you?", "---\ntitle: also pwned\n---\n\n<script>alert(1)</script>", None),
            Item(2, "b", "Advice?", "Read the *docs*.\nThen ask.", "We agree."),
        ),
        stats=None,
        status="approved",
        approved_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC),
        published_at=None,
    )
    return Document(**{**base.__dict__, **changes})


def test_front_matter_cannot_be_broken_and_answers_stay_verbatim() -> None:
    t = partial(Catalog(catalog_directories()).translate, "en")
    text = export_markdown(
        _doc(),
        author='Team: "core"',
        category="people",
        tags=["a: b", "c"],
        t=t,
        timezone="Asia/Shanghai",
        today=date(2026, 1, 1),
    )
    assert text.startswith("---\n")
    head, body = text[4:].split("\n---\n", 1)
    meta = yaml.safe_load(head)
    assert meta == {
        "title": 'Contributor spotlight: Eve "the hacker"\n---\ntitle: pwned',
        "date": date(2026, 3, 2),  # approval day in the project's time zone
        "author": 'Team: "core"',
        "co-authors": ['Eve "the hacker"\n---\ntitle: pwned (@eve)'],
        "category": "people",
        "tags": ["a: b", "c"],
    }
    # Answers are literal text (tests/cogs/spotlight/test_blog_export.py renders them).
    assert "> \\-\\-\\-\\\n> title\\: also pwned\\\n> \\-\\-\\-\n>\n> \\<script\\>" in body
    assert "> Read the \\*docs\\*\\.\\\n> Then ask\\." in body
    assert (
        body.index("**1\\. Who are you?**")
        < body.index("**2\\. Advice?**")
        < body.index("*Editor's note:* We agree\\.")
    )
    assert export_filename(_doc(), date(2026, 3, 2)) == "2026-03-02-spotlight-eve.md"


def test_zh_cn_export() -> None:
    t = partial(Catalog(catalog_directories()).translate, "zh-CN")
    text = export_markdown(
        _doc(name="小明", locale="zh-CN"),
        author="团队",
        category="社区",
        tags=["聚光灯"],
        t=t,
        today=date(2026, 1, 1),
    )
    meta = yaml.safe_load(text[4:].split("\n---\n", 1)[0])
    assert meta["title"] == "贡献者聚光灯：小明" and meta["tags"] == ["聚光灯"]
    assert "*编者按：* We agree\\." in text
