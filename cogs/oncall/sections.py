"""Which sections an issue template requires that an issue's body leaves out.

A required section is a heading ("### Environment", "**Environment**") with an answer under it, or,
when no such heading exists, a regex that matches somewhere in the body ("version\\s*:?\\s*\\d").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.config.patterns import search

_HEADING = re.compile(r"^\s*(?:#{1,6}\s*(.+?)\s*#*\s*$|\*\*(.+?)\*\*\s*:?\s*$)")
# Issue forms fill skipped optional fields with "_No response_".
_EMPTY_ANSWERS = {"", "_no response_", "no response", "n/a", "none", "-"}


def _sections(body: str) -> dict[str, str]:
    found: dict[str, list[str]] = {}
    current: str | None = None
    for line in body.splitlines():
        match = _HEADING.match(line)
        if match:
            current = (match.group(1) or match.group(2) or "").strip().rstrip(":").lower()
            found.setdefault(current, [])
        elif current is not None:
            found[current].append(line)
    return {k: "\n".join(v).strip() for k, v in found.items()}


def missing_sections(body: str | None, required: Sequence[str]) -> list[str]:
    """The required sections the body leaves out: a heading with an answer, or a matching regex."""
    if not required:
        return []
    text = body or ""
    sections = _sections(text)
    missing = []
    for wanted in required:
        answer = sections.get(wanted.strip().lower())
        if answer is not None and answer.lower() not in _EMPTY_ANSWERS:
            continue
        # Patterns were checked when the config loaded; the search is time-bounded all the same.
        if answer is None and search(wanted, text):
            continue
        missing.append(wanted)
    return missing
