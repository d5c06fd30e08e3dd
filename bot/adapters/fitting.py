"""Fitting a message into a platform's slots without changing a word of it.

Every platform has slots with a size (a button's label, a header, a field). Adapters never cut text
to fit one: what does not fit moves to where it fits whole. These helpers do the moves that are the
same on every platform; each adapter passes its own limits.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core.messages import Block, Bold, Button, Buttons, Inline, Message, Plain, Section


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
