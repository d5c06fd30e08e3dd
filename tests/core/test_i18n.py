"""Catalogs: both languages define the same keys, placeholders match, commands' texts exist."""

from __future__ import annotations

import string
from pathlib import Path

import pytest

from bot.i18n import Catalog, CatalogError, catalog_directories, normalize_locale


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog(catalog_directories())


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def _entries(catalog: Catalog, locale: str) -> dict[str, set[str]]:
    """Key -> placeholders; a plural entry (one text per CLDR category) is one key with its forms'
    placeholders together (English 'one' may say 'a day' where Chinese keeps '{count} 天')."""
    out: dict[str, set[str]] = {}
    for key, text in catalog.strings[locale].items():
        head = key.rpartition(".")[0]
        out.setdefault(head if head in catalog.plurals[locale] else key, set()).update(_fields(text))
    return out


def test_every_key_in_both_languages(catalog: Catalog) -> None:
    en, zh = _entries(catalog, "en"), _entries(catalog, "zh-CN")
    assert sorted(set(en) - set(zh)) == [], "keys missing in zh-CN"
    assert sorted(set(zh) - set(en)) == [], "keys missing in en"
    for key in en:
        assert en[key] == zh[key], f"placeholders differ for {key}"


def test_fallback_and_formatting(catalog: Catalog) -> None:
    assert (
        catalog.translate("zh-CN", "steward.timezone.set", tz="Asia/Shanghai")
        == "你的时区已设为 Asia/Shanghai。"
    )
    assert catalog.translate("fr", "steward.timezone.set", tz="UTC") == "Your time zone is now UTC."
    assert catalog.translate("en", "no.such.key") == "no.such.key"
    assert catalog.translate("en", "steward.timezone.set") == "Your time zone is now {tz}."


@pytest.mark.parametrize(
    ("text", "params", "expected"),
    [
        ("Hello {name}", {"name": "Ana"}, "Hello Ana"),
        ("Hello {name}", {}, "Hello {name}"),  # a missing value stays visible
        ("{a} and {b}", {"a": "x"}, "x and {b}"),
        ("Braces {{kept}} for {name}", {"name": "Ana"}, "Braces {kept} for Ana"),
        ("Braces {{kept}}", {}, "Braces {kept}"),  # escaped braces are unescaped with no params too
        ("Plain text", {}, "Plain text"),
        ("Positional {0}", {"x": 1}, "Positional {0}"),  # a bad template is shown as written
        ("Count {n:d}", {}, "Count {n:d}"),
        ("Unclosed {name", {"name": "x"}, "Unclosed {name"),
        ("{name} {name}", {"name": "{other}"}, "{other} {other}"),  # values are not formatted again
    ],
)
def test_formatting_fills_known_values_and_keeps_the_rest(
    tmp_path: Path, text: str, params: dict[str, object], expected: str
) -> None:
    (tmp_path / "en.yaml").write_text("t:\n  x: ''\n", encoding="utf-8")
    catalog = Catalog([tmp_path])
    catalog.strings["en"]["t.x"] = text
    assert catalog.translate("en", "t.x", **params) == expected


def test_duplicate_keys_across_catalogs_are_refused(tmp_path: Path) -> None:
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "en.yaml").write_text("x:\n  greeting: hi\n", encoding="utf-8")
    with pytest.raises(ValueError, match="already defined"):
        Catalog([tmp_path / "a", tmp_path / "b"])


@pytest.mark.parametrize(
    ("raw", "expected"), [("zh-CN", "zh-CN"), ("zh_TW", "zh-CN"), ("en-US", "en"), ("de", None), (None, None)]
)
def test_platform_locales(raw: str | None, expected: str | None) -> None:
    assert normalize_locale(raw) == expected


@pytest.mark.parametrize("word", ["off", "on", "yes", "no", "y", "n", "true", "False", "12"])
def test_keys_yaml_reads_as_booleans_or_numbers_are_refused(tmp_path: Path, word: str) -> None:
    (tmp_path / "en.yaml").write_text(f"oncall:\n  schedule:\n    {word}: text\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="quote it") as refused:
        Catalog([tmp_path])
    assert "oncall.schedule" in str(refused.value)


@pytest.mark.parametrize("word", ["off", "yes", "12", "~"])
def test_texts_yaml_reads_as_other_types_are_refused(tmp_path: Path, word: str) -> None:
    (tmp_path / "en.yaml").write_text(f"oncall:\n  state: {word}\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"'oncall\.state'"):
        Catalog([tmp_path])


def test_quoted_yaml_booleans_are_plain_keys(tmp_path: Path) -> None:
    (tmp_path / "en.yaml").write_text('oncall:\n  "off": "off duty"\n  "yes": "Yes"\n', encoding="utf-8")
    catalog = Catalog([tmp_path])
    assert catalog.translate("en", "oncall.off") == "off duty"
    assert catalog.translate("en", "oncall.yes") == "Yes"


def test_the_shipped_off_duty_text_is_found(catalog: Catalog) -> None:
    assert catalog.translate("en", "oncall.schedule.off") == "off duty (weekend)"
    assert catalog.translate("zh-CN", "oncall.schedule.off") == "非值班（周末）"
