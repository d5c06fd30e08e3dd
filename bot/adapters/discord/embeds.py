"""A core Message as Discord embeds: titles, descriptions, fields, footers and images within the
per-embed limits; what does not fit its slot (a long title, field or footer) moves into the
description, whole."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.adapters.discord.markdown import Writer, chunks, escape_outside, fits
from bot.core.messages import Break, Buttons, Context, Divider, Fields, Header, Image, Message
from bot.core.plaintext import inline_text

EMBED_DESCRIPTION = 4096
EMBED_TOTAL = 6000
FIELDS_PER_EMBED = 25
TITLE_LIMIT = 256  # embed title, and a field's name
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
ALT_TEXT_LIMIT = 1024  # an attachment's description (alt text)

Embed = dict[str, Any]


def embed_size(embed: dict[str, Any]) -> int:
    size = len(embed.get("title", "")) + len(embed.get("description", ""))
    size += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
    return size + len(embed.get("footer", {}).get("text", ""))


def render_embeds(
    message: Message, writer: Writer
) -> tuple[list[list[Embed]], list[tuple[str, bytes]], dict[str, str]]:
    """The embeds of each group between Break hints, the image files they show, and alt texts."""
    embeds: list[list[dict[str, Any]]] = [[]]  # the embeds of each group between Break hints
    files: list[tuple[str, bytes]] = []
    alt_text: dict[str, str] = {}
    current: dict[str, Any] = {}
    lines: list[str] = []

    def flush() -> None:
        # Emptied in place: ``_add_fields`` holds the same dict and list.
        pieces = chunks(lines, EMBED_DESCRIPTION) or [""]
        for i, piece in enumerate(pieces):
            embed = (
                dict(current) if i == len(pieces) - 1 else {k: v for k, v in current.items() if k == "title"}
            )
            if i > 0:
                embed.pop("title", None)
            if piece:
                embed["description"] = piece
            if embed:
                embeds[-1].append(embed)
        current.clear()
        lines.clear()

    # Only a trailing context block becomes the footer (an embed has one); earlier ones stay in the text.
    content_blocks = [b for b in message.blocks if not isinstance(b, Buttons)]
    footer_block = content_blocks[-1] if content_blocks and isinstance(content_blocks[-1], Context) else None
    for block in message.blocks:
        if isinstance(block, Header | Divider | Break) and (current or lines):
            flush()
        if isinstance(block, Break):
            embeds.append([])
        if isinstance(block, Header):
            title = inline_text(block.text)
            if fits(title, TITLE_LIMIT):
                current["title"] = title
            else:  # a title too long for the slot leads the description instead, whole
                lines.extend(writer.lines(block))
        elif isinstance(block, Fields):
            _add_fields(block, writer, current, lines, flush)
        elif block is footer_block and fits(" ".join(inline_text(p) for p in block.parts), FOOTER_LIMIT):
            assert isinstance(block, Context)
            current["footer"] = {"text": " ".join(inline_text(p) for p in block.parts)}
        elif isinstance(block, Image):
            if block.data is not None:
                files.append((block.filename, block.data))
                if fits(block.alt, ALT_TEXT_LIMIT):
                    alt_text[block.filename] = block.alt
                else:  # the image's description is too long for its slot: it is shown under the image
                    lines.append(escape_outside(block.alt))
                current["image"] = {"url": f"attachment://{block.filename}"}
            elif block.url:
                current["image"] = {"url": block.url}
        elif not isinstance(block, Buttons | Divider | Break):
            lines.extend(writer.lines(block))
    if current or lines:
        flush()
    return embeds, files, alt_text


def _add_fields(
    block: Fields,
    writer: Writer,
    current: dict[str, Any],
    lines: list[str],
    flush: Callable[[], None],
) -> None:
    """Label/value pairs as embed fields; a pair too long for a field (name 256, value 1024) is a line
    of the description instead, whole, and the fields before it end the embed so the order holds."""
    for name, value in block.items:
        shown_name, shown_value = writer.inline(name), writer.inline(value)
        if not (fits(shown_name, TITLE_LIMIT) and fits(shown_value, FIELD_VALUE_LIMIT)):
            if current.get("fields"):
                flush()
            lines.append(f"**{shown_name}:** {shown_value}")
            continue
        pending = embed_size(current) + sum(len(x) + 1 for x in lines)
        if len(current.get("fields", [])) == FIELDS_PER_EMBED or pending > EMBED_TOTAL - 1400:
            flush()
        current.setdefault("fields", []).append(
            {"name": shown_name or "\u200b", "value": shown_value or "\u200b", "inline": True}
        )
