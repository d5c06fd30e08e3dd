"""The blog export's front matter and verbatim answers (splitting text for chat is the adapters' job:
see tests/adapters/test_splitting.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import partial

import yaml

from bot.i18n import Catalog, catalog_directories
from cogs.spotlight.document import Document, Item
from cogs.spotlight.export import export_filename, export_markdown


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
