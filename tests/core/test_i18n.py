"""Catalogs: both languages define the same keys, placeholders match, commands' texts exist."""

from __future__ import annotations

import string
from pathlib import Path

import pytest

from bot.i18n import Catalog, catalog_directories, normalize_locale


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog(catalog_directories())


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_key_in_both_languages(catalog: Catalog) -> None:
    en, zh = catalog.strings["en"], catalog.strings["zh-CN"]
    assert sorted(set(en) - set(zh)) == [], "keys missing in zh-CN"
    assert sorted(set(zh) - set(en)) == [], "keys missing in en"
    for key in en:
        assert _fields(en[key]) == _fields(zh[key]), f"placeholders differ for {key}"


def test_fallback_and_formatting(catalog: Catalog) -> None:
    assert (
        catalog.translate("zh-CN", "steward.timezone.set", tz="Asia/Shanghai")
        == "你的时区已设为 Asia/Shanghai。"
    )
    assert catalog.translate("fr", "steward.timezone.set", tz="UTC") == "Your time zone is now UTC."
    assert catalog.translate("en", "no.such.key") == "no.such.key"
    assert catalog.translate("en", "steward.timezone.set") == "Your time zone is now {tz}."


def test_duplicate_keys_across_catalogs_are_refused(tmp_path: Path) -> None:
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "en.yaml").write_text("x:\n  y: hi\n", encoding="utf-8")
    with pytest.raises(ValueError, match="already defined"):
        Catalog([tmp_path / "a", tmp_path / "b"])


@pytest.mark.parametrize(
    ("raw", "expected"), [("zh-CN", "zh-CN"), ("zh_TW", "zh-CN"), ("en-US", "en"), ("de", None), (None, None)]
)
def test_platform_locales(raw: str | None, expected: str | None) -> None:
    assert normalize_locale(raw) == expected
