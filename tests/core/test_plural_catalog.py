"""Counts read right: plural entries in the catalogs pick their form by CLDR rules (Babel), and no
English text falls back on 'item(s)'."""

from __future__ import annotations

import re

from bot.core.moments import babel_locale
from bot.i18n import LOCALES, PLURAL_CATEGORIES, PLURAL_OTHER, Catalog, catalog_directories

CATALOG = Catalog(catalog_directories())


def _plural_entries(locale: str) -> dict[str, set[str]]:
    """Plural key -> the categories its entry gives."""
    return {
        key: {c for c in PLURAL_CATEGORIES if f"{key}.{c}" in CATALOG.strings[locale]}
        for key in CATALOG.plurals[locale]
    }


def test_no_english_text_says_s_in_parentheses() -> None:
    hedged = {k: v for k, v in CATALOG.strings["en"].items() if re.search(r"\w\(s\)", v)}
    assert hedged == {}


def test_plural_entries_give_the_forms_their_language_has() -> None:
    for locale in LOCALES:
        tags = babel_locale(locale).plural_form.tags | {PLURAL_OTHER}
        for key, given in _plural_entries(locale).items():
            assert given <= tags, (locale, key, given - tags)
            assert tags <= given or locale != "en", (locale, key, tags - given)


def test_the_count_picks_the_form() -> None:
    assert CATALOG.translate("en", "gfi.list.comments", count=1) == "1 comment"
    assert CATALOG.translate("en", "gfi.list.comments", count=0) == "0 comments"
    assert CATALOG.translate("en", "gfi.age.days", count=2) == "2 days old"
    assert CATALOG.translate("en", "oncall.schedule.title", days=1, count=1) == "On-call schedule, next day"
    assert CATALOG.translate("en", "onboarding.stats.since", days="1.5", count=1.5).endswith(
        "1.5 days after the previous stage"
    )
    # Chinese has one form; a plain text serves every count.
    assert CATALOG.translate("zh-CN", "gfi.list.comments", count=1) == CATALOG.translate(
        "zh-CN", "gfi.list.comments", count=3
    ).replace("3", "1")
    assert CATALOG.has("gfi.list.comments")
    # A section with an 'other' key among others (reasons) is not a plural entry.
    assert not CATALOG.has("gfi.notice.github_reason") and len(_plural_entries("en")) > 20
