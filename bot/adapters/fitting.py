"""Fitting a message into a platform's slots without changing a word of it.

Every platform has slots with a size (a button's label, a header, a field). Adapters never cut text
to fit one: what does not fit moves to where it fits whole. These helpers do the moves that are the
same on every platform; each adapter passes its own limits.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.core.messages import Block, Bold, Button, Buttons, Inline, Message, Plain, Section

# A sentence ends with . ! ? (or their CJK forms) and optional closing quotes or brackets, followed by
# whitespace, or directly by the next character after CJK punctuation, which takes no space.
_SENTENCE_END = re.compile(r"[.!?…][\"'’”)\]]*\s+|[。！？]")
_PARAGRAPH = re.compile(r"\n\s*\n")
_LINE = re.compile(r"\n")
_SPACE = re.compile(r"\s+")


def break_point(text: str, limit: int) -> int:
    """Where to split ``text`` (longer than ``limit``) so the first piece is at most ``limit``: after
    a paragraph, else a line, else a sentence, else a space (each only when that keeps at least half
    the room used), else at ``limit``. Adapters then step back from anything their markup must keep
    whole (an entity, an escape, a mention)."""
    window = text[:limit]
    for pattern in (_PARAGRAPH, _LINE, _SENTENCE_END):
        ends = [m.end() for m in pattern.finditer(window)]
        if ends and ends[-1] > limit // 2:
            return ends[-1]
    spaces = [m.end() for m in _SPACE.finditer(window)]
    return spaces[-1] if spaces and spaces[-1] > 0 else limit


def numbered_long_labels(message: Message, fits: Callable[[str], bool]) -> Message:
    """``message`` with every button whose label does not ``fits`` a button showing a number instead,
    and the whole label on a numbered line just above its row, so the reader still sees what it does."""
    blocks: list[Block] = []
    number = 0
    changed = False
    for block in message.blocks:
        if not isinstance(block, Buttons) or all(fits(b.label) for b in block.buttons):
            blocks.append(block)
            continue
        changed = True
        lines: list[Inline] = []
        buttons: list[Button] = []
        for b in block.buttons:
            if fits(b.label):
                buttons.append(b)
                continue
            number += 1
            tag = f"({number})"
            lines += ["\n" if lines else "", Bold(tag), " ", Plain(b.label)]
            buttons.append(Button(tag, b.action, b.value, b.style, b.url))
        blocks += [Section(*lines), Buttons(tuple(buttons))]
    return Message(blocks, message.summary) if changed else message
