"""Who reads a text: a member's own language and zone, each falling back to the project's."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.members import MemberInfo
from bot.i18n import Catalog, Reader, catalog_directories

PROJECT = Reader("zh-CN", "Asia/Shanghai")


def info(locale: str | None, timezone: str | None) -> MemberInfo:
    return MemberInfo(1, "Ada", None, False, timezone, locale, (("discord", "42"),))


def test_a_member_reads_in_their_own_language_and_zone() -> None:
    assert info("en", "America/Los_Angeles").reader(PROJECT) == Reader("en", "America/Los_Angeles")


def test_what_a_member_has_not_chosen_is_the_projects() -> None:
    assert info(None, None).reader(PROJECT) == PROJECT
    assert info("en", None).reader(PROJECT) == Reader("en", "Asia/Shanghai")
    assert info(None, "Europe/Berlin").reader(PROJECT) == Reader("zh-CN", "Europe/Berlin")


def test_a_platform_locale_code_is_mapped_and_an_unsupported_one_reads_the_projects() -> None:
    assert info("en-US", None).reader(PROJECT).locale == "en"
    assert info("zh_TW", None).reader(Reader("en")).locale == "zh-CN"
    # Not English: a language the bot has no texts for reads the project's, as commands do.
    assert info("fr", None).reader(PROJECT).locale == "zh-CN"


def test_a_translator_bound_to_a_reader_writes_times_in_their_zone() -> None:
    catalog = Catalog(catalog_directories())
    noon = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    la = catalog.for_reader(Reader("en", "America/Los_Angeles"))
    shanghai = catalog.for_reader(Reader("en", "Asia/Shanghai"))
    assert la("oncall.span", start=noon, end=noon) != shanghai("oncall.span", start=noon, end=noon)
    assert "4:00" in la("oncall.span", start=noon, end=noon)
    assert "8:00" in shanghai("oncall.span", start=noon, end=noon)
