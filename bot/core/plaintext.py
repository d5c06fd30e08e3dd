"""Render a Message as readable plain text (console adapter, notification fallbacks, tests)."""

from __future__ import annotations

from bot.core.messages import (
    Block,
    Bold,
    Break,
    BulletList,
    Buttons,
    Code,
    Context,
    Divider,
    Fields,
    File,
    Header,
    Image,
    Inline,
    Link,
    Mention,
    Message,
    Plain,
    Quote,
    Section,
)


def inline_text(part: Inline) -> str:
    """Flatten an inline span to text without markup."""
    if isinstance(part, str):
        return part
    if isinstance(part, Plain | Code):
        return part.text
    if isinstance(part, Bold):
        return "".join(inline_text(p) for p in part.parts)
    if isinstance(part, Link):
        label = inline_text(part.label)
        return label if label == part.url else f"{label} <{part.url}>"
    if isinstance(part, Mention):
        return f"@{part.name}"
    raise TypeError(f"unknown inline span {part!r}")


def join_inline(parts: tuple[Inline, ...]) -> str:
    return "".join(inline_text(p) for p in parts)


def block_lines(block: Block, button_label: str = "[{label}]") -> list[str]:
    """The text lines of one block; ``button_label`` formats each button."""
    if isinstance(block, Header):
        title = inline_text(block.text)
        return [title, "=" * min(len(title), 60)]
    if isinstance(block, Section):
        return join_inline(block.parts).splitlines() or [""]
    if isinstance(block, Quote):
        lines = ["> " + line for line in inline_text(block.text).splitlines()] or ["> "]
        if block.attribution is not None:
            lines.append("  — " + inline_text(block.attribution))
        return lines
    if isinstance(block, Fields):
        return [f"{inline_text(k)}: {inline_text(v)}" for k, v in block.items]
    if isinstance(block, BulletList):
        return ["• " + join_inline(item) for item in block.items]
    if isinstance(block, Buttons):
        return ["  ".join(button_label.format(label=b.label, url=b.url or "") for b in block.buttons)]
    if isinstance(block, Image):
        return [f"[image: {block.alt}]"]
    if isinstance(block, File):
        return [f"[file: {block.filename} ({len(block.data)} bytes)]"]
    if isinstance(block, Context):
        return [join_inline(block.parts)]
    if isinstance(block, Divider):
        return ["-" * 40]
    if isinstance(block, Break):
        return []  # a hint for adapters that split messages, shown as nothing
    raise TypeError(f"unknown block {block!r}")


def wrap_markup(text: str, marker: str) -> str:
    """``marker + text + marker`` with outer spaces kept outside, since ``*1. *`` is not bold anywhere."""
    inner = text.strip()
    if not inner:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{marker}{inner}{marker}{trail}"


def render_plain(message: Message) -> str:
    """The whole message as plain text, one block after another."""
    lines: list[str] = []
    for block in message.blocks:
        lines.extend(block_lines(block))
    return "\n".join(lines)


def summary_text(message: Message, limit: int = 200) -> str:
    """A one-line summary for notifications: the explicit summary, else the first text."""
    if message.summary:
        return message.summary[:limit]
    text = " ".join(render_plain(message).split())
    return text[:limit]
