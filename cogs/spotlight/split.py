"""Split long text at paragraph, then sentence, then word boundaries so nothing is cut mid-sentence.

Lengths are *weighted*: characters that chat markup escapes (``*``, ``_``, ``>``...) count twice, so a
chunk stays within a platform limit even after the adapter has escaped it.
"""

from __future__ import annotations

import re

_ESCAPED = frozenset("\\*_~`|>#-[]()<@:")
# A sentence ends with . ! ? (or their CJK forms) and optional closing quotes/brackets, followed by
# whitespace — or directly by the next character for CJK punctuation, which takes no space after it.
_SENTENCE_END = re.compile(r"(?<=[.!?…][\"'’”)\]])\s+|(?<=[.!?…])\s+|(?<=[。！？])")
_PARAGRAPH = re.compile(r"(?<=\n\n)")
_WORD = re.compile(r"(?<=\s)(?=\S)")


def weighted_len(text: str) -> int:
    """Length counting characters that adapters escape twice."""
    return len(text) + sum(1 for c in text if c in _ESCAPED)


def _pieces(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Split after each match of ``pattern``, keeping separators with the piece before them."""
    out: list[str] = []
    start = 0
    for match in pattern.finditer(text):
        end = match.end()
        if end > start:
            out.append(text[start:end])
            start = end
    if start < len(text):
        out.append(text[start:])
    return out


def _hard_cut(text: str, budget: int) -> list[str]:
    out: list[str] = []
    current = ""
    for char in text:
        if current and weighted_len(current + char) > budget:
            out.append(current)
            current = ""
        current += char
    if current:
        out.append(current)
    return out


_LEVELS: tuple[re.Pattern[str], ...] = (_PARAGRAPH, _SENTENCE_END, _WORD)


def split_text(text: str, budget: int, level: int = 0) -> list[str]:
    """Chunks of ``text`` whose weighted length is <= ``budget``; ``"".join(chunks) == text``.

    Paragraphs are kept whole when they fit, else sentences; a single sentence longer than the budget
    (rare: a 1,800-character sentence) falls back to word boundaries, and a single "word" longer than
    that (a URL) to characters.
    """
    if weighted_len(text) <= budget:
        return [text] if text else []
    if level >= len(_LEVELS):
        return _hard_cut(text, budget)
    chunks: list[str] = []
    current = ""
    for piece in _pieces(text, _LEVELS[level]):
        if weighted_len(current + piece) <= budget:
            current += piece
            continue
        if current:
            chunks.append(current)
            current = ""
        if weighted_len(piece) <= budget:
            current = piece
        else:
            chunks.extend(split_text(piece, budget, level + 1))
    if current:
        chunks.append(current)
    return chunks
