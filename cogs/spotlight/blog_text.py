"""What people wrote, as Markdown that every blog generator shows as the same text and never runs.

CommonMark lets any ASCII punctuation be backslash-escaped and shows it as itself, so escaping what
could be markup turns ``<script>``, ``*bold*``, ``[link](x)``, ``# heading`` or ``{{ expr }}`` into
exactly those characters on the page. The generators add their own layers on top:

- VitePress compiles each page as a Vue template *after* Markdown, so ``{{ }}`` in the HTML would be
  evaluated; the body is wrapped in its ``::: v-pre`` container, which Vue leaves alone (a person's
  ``:::`` cannot close it: the colons are escaped).
- Hugo expands shortcodes (``{{< >}}``, ``{{% %}}``) in the raw Markdown; escaped braces and angle
  brackets never form one.
- Hugo's Markdown (Goldmark) runs its typographer by default, and markdown-it can: ``"`` and ``'``
  become curly quotes, ``--`` a dash, ``...`` an ellipsis, ``(c)`` a sign. Both leave escaped
  punctuation alone, so quotes and apostrophes are escaped too: "it's" stays "it's".
"""

from __future__ import annotations

import re
from enum import StrEnum

# The ASCII punctuation that CommonMark, its common extensions (tables, strikethrough, autolinks,
# footnotes, containers, superscripts), a typographer or a generator's templates give a meaning; the
# rest (, ; ? $ /) never does, so it stays unescaped and the file stays readable.
_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&:@=^%'\"])")
_EDGE_SPACE = re.compile(r"^[ \t]+|[ \t]+$")


class BlogTarget(StrEnum):
    """The generator the exported file is written for (``spotlight.export.target``)."""

    VITEPRESS = "vitepress"
    HUGO = "hugo"
    PLAIN = "plain"


def _entities(match: re.Match[str]) -> str:
    # Leading spaces would make an indented code block; written as references they are plain text.
    return "".join("&#9;" if c == "\t" else "&#32;" for c in match.group(0))


def literal_line(line: str) -> str:
    """One line of text as inline Markdown that renders as exactly these characters."""
    return _EDGE_SPACE.sub(_entities, _PUNCTUATION.sub(r"\\\1", line))


def literal_text(text: str) -> str:
    """Text with its line breaks kept (hard breaks) and blank lines as paragraph breaks; no character of
    it is read as Markdown, HTML or a template by CommonMark, VitePress or Hugo."""
    paragraphs: list[list[str]] = [[]]
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            paragraphs[-1].append(literal_line(line))
        elif paragraphs[-1]:
            paragraphs.append([])
    # A backslash at the end of a line is CommonMark's hard line break.
    return "\n\n".join("\\\n".join(lines) for lines in paragraphs if lines)


def wrap_body(body: str, target: BlogTarget) -> str:
    """The page body as the target generator must receive it."""
    if target is BlogTarget.VITEPRESS:
        return f"::: v-pre\n\n{body}\n\n:::"
    return body
