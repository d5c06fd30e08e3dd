"""Which language a visitor gets: ``?lang=`` when it names a supported one, else the best match of
``Accept-Language`` (RFC 9110 quality values), else the project's."""

from __future__ import annotations

from bot.i18n import LOCALES, normalize_locale


def _preferences(header: str) -> list[str]:
    """Language tags of an Accept-Language header, best first (ties keep the header's order)."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            weighted.append((-quality, position, tag.strip()))
    return [tag for _, _, tag in sorted(weighted)]


def choose_locale(query_lang: str | None, accept_language: str | None, default: str) -> tuple[str, bool]:
    """The locale to render in, and whether the visitor chose it explicitly with ``?lang=``."""
    chosen = normalize_locale(query_lang)
    if chosen in LOCALES:
        return chosen, True
    for tag in _preferences(accept_language or ""):
        found = normalize_locale(tag)
        if found in LOCALES:
            return found, False
    return default, False
