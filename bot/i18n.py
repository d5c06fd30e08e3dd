"""Message catalogs (en, zh-CN): every user-facing string is looked up here by key."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.core.moments import DEFAULT_ZONE, babel_locale, format_value

log = logging.getLogger(__name__)

LOCALES = ("en", "zh-CN")
DEFAULT_LOCALE = "en"
# A plural entry maps CLDR plural categories (one, few, many, other...) to texts; ``other`` is required.
PLURAL_OTHER = "other"
PLURAL_CATEGORIES = frozenset({"zero", "one", "two", "few", "many", PLURAL_OTHER})


@functools.lru_cache(maxsize=256)
def normalize_locale(value: str | None) -> str | None:
    """Map platform locale codes (``zh-CN``, ``zh_CN``, ``zh``, ``en-US``) onto a supported one."""
    if not value:
        return None
    low = value.replace("_", "-").lower()
    if low.startswith("zh"):
        return "zh-CN"
    if low.startswith("en"):
        return "en"
    return None


class _CatalogLoader(yaml.SafeLoader):
    """PyYAML's safe loader, also reading YAML 1.1's bare ``y``/``n`` as booleans (PyYAML does not, other
    YAML tools do), so a catalog that another tool would misread is refused here too."""

    bool_values = {**yaml.SafeLoader.bool_values, "y": True, "n": False}


_CatalogLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:y|Y|n|N)$"), list("yYnN"))


class CatalogError(ValueError):
    """A catalog file that YAML reads as something other than nested string keys and texts."""


def _flatten(data: Mapping[Any, Any], path: Path, prefix: str = "") -> dict[str, str]:
    """Dotted key -> text. YAML 1.1 reads bare ``off``/``yes``/``n`` (and numbers) as other types, so
    a key or text that is not a string is refused instead of silently becoming ``False``/``"True"``."""
    out: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(key, str):
            raise CatalogError(
                f"{path}: key {key!r} under {prefix.rstrip('.') or 'the top level'!r} is read as "
                f"{type(key).__name__}, not text; quote it"
            )
        full = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, path, full + "."))
        elif isinstance(value, str):
            out[full] = value
        else:
            raise CatalogError(f"{path}: the text of {full!r} is read as {type(value).__name__}; quote it")
    return out


def _plural_keys(flat: Mapping[str, str]) -> set[str]:
    """Keys whose entry is a mapping of CLDR plural categories only, ``other`` among them (a section
    that merely has an ``other`` key among others, like a list of reasons, is not one)."""
    children: dict[str, set[str]] = {}
    for key in flat:
        head, _, last = key.rpartition(".")
        children.setdefault(head, set()).add(last)
    for key in flat:  # a deeper key under ``head`` makes it a section
        parts = key.split(".")
        for i in range(1, len(parts) - 1):
            children.setdefault(".".join(parts[:i]), set()).add(parts[i])
    return {head for head, names in children.items() if PLURAL_OTHER in names and names <= PLURAL_CATEGORIES}


class Catalog:
    """All strings of all loaded catalogs, by locale and dotted key."""

    def __init__(self, directories: Iterable[Path] = (), zone: str = DEFAULT_ZONE) -> None:
        self.strings: dict[str, dict[str, str]] = {loc: {} for loc in LOCALES}
        self.plurals: dict[str, set[str]] = {loc: set() for loc in LOCALES}  # keys of plural entries
        # Times are shown in the reader's zone when a caller knows it, else in this one (the project's).
        self.zone = zone
        for directory in directories:
            self.load_directory(directory)

    def load_directory(self, directory: Path) -> None:
        """Load ``en.yaml`` / ``zh-CN.yaml`` from ``directory`` (missing files are fine)."""
        for locale in LOCALES:
            path = directory / f"{locale}.yaml"
            if not path.exists():
                continue
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_CatalogLoader) or {}
            if not isinstance(data, Mapping):
                raise CatalogError(f"{path}: a catalog is a mapping of keys to texts")
            flat = _flatten(data, path)
            for key, text in flat.items():
                if key in self.strings[locale]:
                    raise ValueError(f"{path}: key {key!r} is already defined by another catalog")
                self.strings[locale][key] = text
            self.plurals[locale] |= _plural_keys(flat)

    def has(self, key: str, locale: str = DEFAULT_LOCALE) -> bool:
        return key in self.strings.get(locale, {}) or key in self.plurals.get(locale, set())

    def _text(self, locale: str, key: str, count: Any) -> str | None:
        """The text of ``key`` in ``locale``; for a plural entry (a mapping of CLDR categories such as
        ``one``/``other``), the form Babel's plural rules pick for ``count``."""
        strings = self.strings[locale]
        if key in strings:
            return strings[key]
        if key not in self.plurals[locale]:
            return None
        form = PLURAL_OTHER
        if isinstance(count, int | float) and not isinstance(count, bool):
            form = babel_locale(locale).plural_form(count)
        return strings.get(f"{key}.{form}") or strings[f"{key}.{PLURAL_OTHER}"]

    def for_reader(self, reader: Reader) -> Translate:
        """``translate`` bound to ``reader``: their language, times in their zone."""

        def t(key: str, **params: Any) -> str:
            return self.translate(reader.locale, key, reader_zone=reader.zone, **params)

        return t

    def translate(
        self, locale: str | None, key: str, *, reader_zone: str | None = None, **params: Any
    ) -> str:
        """The text for ``key`` in ``locale`` (falling back to English), formatted with ``params``.

        A plural entry picks its form by the ``count`` parameter. Time parameters (``datetime``,
        ``moments.Day``, ``timedelta``...) are written by Babel in that locale and in ``reader_zone``
        (else the catalog's zone, the project's)."""
        loc = normalize_locale(locale) or DEFAULT_LOCALE
        count = params.get("count")
        text = self._text(loc, key, count) or self._text(DEFAULT_LOCALE, key, count)
        if text is None:
            log.warning("missing catalog key %s", key)
            return key
        zone = reader_zone or self.zone
        if not params and "{" not in text and "}" not in text:
            return text  # nothing to fill in: formatting would give the text back
        shown = {name: format_value(value, loc, zone) for name, value in params.items()}
        try:
            # str.format_map, in C, rather than string.Formatter (the same syntax, written in Python).
            return text.format_map(_SafeParams(shown))
        except (ValueError, IndexError, AttributeError, KeyError, TypeError):
            log.warning("bad format string for %s in %s", key, loc)
            return text


@dataclass(frozen=True)
class Reader:
    """Who a text outside a command (a DM, a notice) is written for: their language and time zone."""

    locale: str
    zone: str | None = None


# (key, **params) -> the text in a reader's language, times in their zone.
Translate = Callable[..., str]


class _SafeParams(dict[str, Any]):
    """Leave unknown placeholders visible instead of raising KeyError."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def catalog_directories() -> list[Path]:
    """The core catalog, every ``bot/<area>/locales`` and ``bot/adapters/<platform>/locales``, and
    every cog's ``locales/`` folder."""
    root = Path(__file__).resolve().parent
    dirs = [root / "locales"]
    for parent in (root, root / "adapters", root.parent / "cogs"):
        if parent.is_dir():
            dirs.extend(sorted(p / "locales" for p in parent.iterdir() if (p / "locales").is_dir()))
    return dirs
