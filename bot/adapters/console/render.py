"""Render messages for the terminal, numbering buttons so ``:click N`` can press them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.core.messages import Button, Buttons, Image, Message
from bot.core.plaintext import block_lines


@dataclass
class ButtonBook:
    """Every button shown so far, by the number printed next to it."""

    buttons: dict[int, Button] = field(default_factory=dict)
    next_number: int = 1

    def number(self, button: Button) -> int:
        n = self.next_number
        self.buttons[n] = button
        self.next_number += 1
        return n


def render_console(
    message: Message,
    book: ButtonBook,
    numbers: dict[str, int] | None = None,
    save_image: Callable[[Image], str] | None = None,
) -> str:
    """Readable text; link buttons show their URL, action buttons a number to click.

    ``numbers``, when given, collects label -> number of the action buttons shown. ``save_image``, when
    given, writes an image's bytes somewhere and returns the line shown in its place (a terminal cannot
    show a picture, but can say where it is).
    """
    lines: list[str] = []
    for block in message.blocks:
        if isinstance(block, Image) and block.data is not None and save_image is not None:
            lines.append(save_image(block))
        elif isinstance(block, Buttons):
            shown = []
            for b in block.buttons:
                if b.url:
                    shown.append(f"[{b.label}: {b.url}]")
                else:
                    n = book.number(b)
                    if numbers is not None:
                        numbers[b.label] = n
                    shown.append(f"[{n}] {b.label}")
            lines.append("  ".join(shown))
        else:
            lines.extend(block_lines(block))
    return "\n".join(lines)
