"""Render a core Message as Discord messages (content or embeds, buttons) within Discord's limits.

A message of paragraphs and lists becomes markdown content (split at 2000 characters); one with a
header, fields or an image becomes embeds (split at the per-embed and 6000-per-message limits).
Outside text is escaped; only :class:`Mention` produces a ping, and only for that user.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import discord
from bot.adapters.fitting import numbered_long_labels
from bot.core.messages import (
    Block,
    Bold,
    BulletList,
    Button,
    Buttons,
    ButtonStyle,
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
from bot.core.plaintext import inline_text, wrap_markup

PLATFORM = "discord"
CONTENT_LIMIT = 2000
EMBED_DESCRIPTION = 4096
EMBED_TOTAL = 6000
EMBEDS_PER_MESSAGE = 10
FIELDS_PER_EMBED = 25
ROWS_PER_MESSAGE = 5
BUTTONS_PER_ROW = 5
CUSTOM_ID_LIMIT = 100
ATTACHMENTS_PER_MESSAGE = 10
ALT_TEXT_LIMIT = 1024  # an attachment's description (alt text)
REQUEST_LIMIT = 25 * 1024 * 1024  # "The maximum request size when sending a message is 25 MiB"
# Per-file limit when Discord does not say (interactions carry attachment_size_limit, guilds a tier).
DEFAULT_FILE_LIMIT = discord.utils.DEFAULT_FILE_SIZE_LIMIT_BYTES
_MASS_MENTION = re.compile(r"@(everyone|here)")
_SENTENCE_END = re.compile(r"[.!?。！？][\"')\]”’]*\s+")
_SPACE = re.compile(r"\s+")
_STYLES = {
    ButtonStyle.PRIMARY: discord.ButtonStyle.primary,
    ButtonStyle.SECONDARY: discord.ButtonStyle.secondary,
    ButtonStyle.DANGER: discord.ButtonStyle.danger,
}


TITLE_LIMIT = 256  # embed title, and a field's name
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
BUTTON_LABEL_LIMIT = 80


def fits(text: str, limit: int) -> bool:
    """Whether ``text`` fits a slot of ``limit`` characters. Nothing is ever cut to fit: text that
    does not fit goes where it does (the description, a line of its own), whole."""
    return len(text) <= limit


def escape_outside(text: str) -> str:
    """Outside text: no markdown, no mentions of anyone (a zero-width space defuses '@')."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def _defuse(text: str) -> str:
    """Bot-authored text keeps its markdown but can never ping @everyone/@here."""
    return _MASS_MENTION.sub("@\u200b\\1", text)


@dataclass
class Outgoing:
    """One Discord message to send."""

    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    buttons: list[list[Button]] = field(default_factory=list)
    files: list[tuple[str, bytes]] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    alt_text: dict[str, str] = field(default_factory=dict)  # filename -> image description

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for discord.py's send methods."""
        users = [discord.Object(id=int(u)) for u in self.mentions]
        kw: dict[str, Any] = {
            "allowed_mentions": discord.AllowedMentions(everyone=False, roles=False, users=users),
        }
        if self.content:
            kw["content"] = self.content
        if self.embeds:
            kw["embeds"] = [discord.Embed.from_dict(e) for e in self.embeds]
        if self.buttons:
            kw["view"] = button_view(self.buttons)
        if self.files:
            kw["files"] = [
                discord.File(io.BytesIO(data), filename=name, description=self.alt_text.get(name))
                for name, data in self.files
            ]
        return kw

    def text(self) -> str:
        """What a person reads, for logs."""
        parts = [self.content]
        for e in self.embeds:
            parts += [e.get("title", ""), e.get("description", "")]
        return "\n".join(p for p in parts if p)


def custom_id(action: str, value: str) -> str:
    cid = f"{action}:{value}"
    if len(cid) > CUSTOM_ID_LIMIT:
        raise ValueError(f"button {cid[:40]}...: action and value exceed Discord's 100-character custom_id")
    return cid


def button_view(rows: list[list[Button]]) -> discord.ui.View:
    """A view that only renders: routing is by custom_id in the adapter, so it is never stored."""
    view = discord.ui.View(timeout=None)
    for r, row in enumerate(rows):
        for b in row:
            label = b.label  # never longer than a button holds: see ``numbered_long_labels``
            if b.url:
                view.add_item(discord.ui.Button(label=label, url=b.url, row=r))
            else:
                cid = custom_id(b.action, b.value)
                view.add_item(discord.ui.Button(label=label, custom_id=cid, style=_STYLES[b.style], row=r))
    view.stop()  # finished views are not kept in discord.py's view store
    return view


class _Writer:
    """Accumulates inline markdown and the users it deliberately mentions."""

    def __init__(self) -> None:
        self.mentions: list[str] = []

    def inline(self, part: Inline) -> str:
        if isinstance(part, str):
            return _defuse(part)
        if isinstance(part, Plain):
            return escape_outside(part.text)
        if isinstance(part, Bold):
            return wrap_markup("".join(self.inline(p) for p in part.parts), "**")
        if isinstance(part, Code):
            return "`" + _defuse(part.text.replace("`", "ˋ")) + "`"
        if isinstance(part, Link):
            return f"[{self.inline(part.label)}]({part.url})"
        if isinstance(part, Mention):
            uid = part.user_ids.get(PLATFORM)
            if uid:
                if uid not in self.mentions:
                    self.mentions.append(uid)
                return f"<@{uid}>"
            return "@" + escape_outside(part.name)
        raise TypeError(f"unknown inline span {part!r}")

    def join(self, parts: tuple[Inline, ...]) -> str:
        return "".join(self.inline(p) for p in parts)

    def lines(self, block: Block) -> list[str]:
        if isinstance(block, Header):
            return ["**" + self.inline(block.text) + "**"]
        if isinstance(block, Section):
            return self.join(block.parts).splitlines() or [""]
        if isinstance(block, Quote):
            out = ["> " + line for line in self.inline(block.text).splitlines()] or ["> "]
            if block.attribution is not None:
                out.append("— " + self.inline(block.attribution))
            return out
        if isinstance(block, BulletList):
            return ["• " + self.join(item) for item in block.items]
        if isinstance(block, Fields):
            return [f"**{self.inline(k)}:** {self.inline(v)}" for k, v in block.items]
        if isinstance(block, Context):
            return ["-# " + self.join(block.parts)]
        if isinstance(block, Divider):
            return ["───"]
        if isinstance(block, Image):
            return [f"[{escape_outside(block.alt)}]({block.url})" if block.url else ""]
        return []


def _long_line_cut(line: str, limit: int) -> int:
    """Where to break a line longer than ``limit``: after a sentence, else at a space, else at the
    limit; never right after a backslash (an escape) nor inside a ``<@id>`` mention."""
    window = line[:limit]
    for pattern in (_SENTENCE_END, _SPACE):
        found = [m.end() for m in pattern.finditer(window)]
        if found and found[-1] > limit // 2:
            return found[-1]
    cut = limit
    while cut > 1 and line[cut - 1] == "\\":
        cut -= 1
    opening = line.rfind("<", 0, cut)
    if opening > 0 and ">" not in line[opening:cut]:
        cut = opening
    return cut


def _chunks(lines: list[str], limit: int) -> list[str]:
    """Join lines into pieces of at most ``limit`` characters, splitting over-long lines at sentence or
    word boundaries (every character arrives: the pieces are posted one after the other)."""
    pieces: list[str] = []
    current = ""
    for line in lines:
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            cut = _long_line_cut(line, limit)
            pieces.append(line[:cut])
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        pieces.append(current)
    return pieces


def _button_rows(message: Message) -> list[list[Button]]:
    rows: list[list[Button]] = []
    for block in message.blocks:
        if isinstance(block, Buttons):
            for i in range(0, len(block.buttons), BUTTONS_PER_ROW):
                rows.append(list(block.buttons[i : i + BUTTONS_PER_ROW]))
    return rows


def _uses_embeds(message: Message) -> bool:
    return any(isinstance(b, Header | Fields | Image) for b in message.blocks)


def render(message: Message) -> list[Outgoing]:
    """The Discord messages that show ``message``, in order; buttons ride on the last ones."""
    message = numbered_long_labels(message, lambda label: fits(label, BUTTON_LABEL_LIMIT))
    writer = _Writer()
    if _uses_embeds(message):
        out = _render_embeds(message, writer)
    else:
        lines: list[str] = []
        for block in message.blocks:
            lines.extend(writer.lines(block))
        out = [Outgoing(content=piece) for piece in _chunks(lines, CONTENT_LIMIT)]
    _attach(out, [(b.filename, b.data) for b in message.blocks if isinstance(b, File)])
    rows = _button_rows(message)
    if not out:
        out = [Outgoing()]
    if rows:
        out[-1].buttons = rows[:ROWS_PER_MESSAGE]
        for i in range(ROWS_PER_MESSAGE, len(rows), ROWS_PER_MESSAGE):
            out.append(Outgoing(buttons=rows[i : i + ROWS_PER_MESSAGE]))
    if writer.mentions:
        out[0].mentions = writer.mentions
        if _uses_embeds(message):  # mentions inside embeds never ping: name them in the content
            out[0].content = " ".join(f"<@{u}>" for u in writer.mentions)
    return [o for o in out if o.content or o.embeds or o.buttons or o.files]


def _attach(out: list[Outgoing], files: list[tuple[str, bytes]]) -> None:
    """Files ride on the last message, then on messages of their own: ≤ 10 and ≤ 25 MiB per message."""
    for name, data in files:
        target = out[-1] if out else None
        if (
            target is None
            or len(target.files) == ATTACHMENTS_PER_MESSAGE
            or sum(len(d) for _, d in target.files) + len(data) > REQUEST_LIMIT
        ):
            target = Outgoing()
            out.append(target)
        target.files.append((name, data))


def size_text(size: int) -> str:
    """A byte count as people read it (MiB, one decimal)."""
    return f"{size / (1024 * 1024):.1f} MiB"


def oversized(message: Message, limit: int) -> bool:
    """Whether a file or image of ``message`` is over ``limit`` bytes (or the request limit)."""
    limit = min(limit, REQUEST_LIMIT)
    return any(
        isinstance(b, File | Image) and b.data is not None and len(b.data) > limit for b in message.blocks
    )


def without_oversized(message: Message, limit: int, notice: Callable[[str, int], str]) -> Message:
    """``message`` with every file or image too large to attach replaced by a notice saying so."""
    limit = min(limit, REQUEST_LIMIT)
    blocks: list[Block] = []
    for block in message.blocks:
        data = block.data if isinstance(block, File | Image) else None
        if data is not None and len(data) > limit:
            assert isinstance(block, File | Image)
            blocks.append(Section(notice(block.filename, len(data))))
        else:
            blocks.append(block)
    return Message(blocks, message.summary)


def _embed_size(embed: dict[str, Any]) -> int:
    size = len(embed.get("title", "")) + len(embed.get("description", ""))
    size += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
    return size + len(embed.get("footer", {}).get("text", ""))


def _render_embeds(message: Message, writer: _Writer) -> list[Outgoing]:
    embeds: list[dict[str, Any]] = []
    files: list[tuple[str, bytes]] = []
    alt_text: dict[str, str] = {}
    current: dict[str, Any] = {}
    lines: list[str] = []

    def flush() -> None:
        # Emptied in place: ``_add_fields`` holds the same dict and list.
        pieces = _chunks(lines, EMBED_DESCRIPTION) or [""]
        for i, piece in enumerate(pieces):
            embed = (
                dict(current) if i == len(pieces) - 1 else {k: v for k, v in current.items() if k == "title"}
            )
            if i > 0:
                embed.pop("title", None)
            if piece:
                embed["description"] = piece
            if embed:
                embeds.append(embed)
        current.clear()
        lines.clear()

    # Only a trailing context block becomes the footer (an embed has one); earlier ones stay in the text.
    content_blocks = [b for b in message.blocks if not isinstance(b, Buttons)]
    footer_block = content_blocks[-1] if content_blocks and isinstance(content_blocks[-1], Context) else None
    for block in message.blocks:
        if isinstance(block, Header | Divider) and (current or lines):
            flush()
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
        elif not isinstance(block, Buttons | Divider):
            lines.extend(writer.lines(block))
    if current or lines:
        flush()
    return _pack(embeds, files, alt_text)


def _add_fields(
    block: Fields,
    writer: _Writer,
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
        pending = _embed_size(current) + sum(len(x) + 1 for x in lines)
        if len(current.get("fields", [])) == FIELDS_PER_EMBED or pending > EMBED_TOTAL - 1400:
            flush()
        current.setdefault("fields", []).append(
            {"name": shown_name or "\u200b", "value": shown_value or "\u200b", "inline": True}
        )


def _pack(
    embeds: list[dict[str, Any]], files: list[tuple[str, bytes]], alt_text: dict[str, str]
) -> list[Outgoing]:
    """Group embeds into messages of at most 10 embeds and 6000 characters."""
    out: list[Outgoing] = []
    size = 0
    for embed in embeds:
        esize = _embed_size(embed)
        if not out or len(out[-1].embeds) == EMBEDS_PER_MESSAGE or size + esize > EMBED_TOTAL:
            out.append(Outgoing())
            size = 0
        out[-1].embeds.append(embed)
        size += esize
    if files:
        if not out:
            out.append(Outgoing())
        for o in out:
            names = {e.get("image", {}).get("url", "") for e in o.embeds}
            o.files = [(n, d) for n, d in files if f"attachment://{n}" in names]
            o.alt_text = {n: alt_text[n] for n, _ in o.files if alt_text.get(n)}
    return out
