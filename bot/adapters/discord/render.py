"""Render a core Message as Discord messages (content or embeds, buttons) within Discord's limits.

A message of paragraphs and lists becomes markdown content (split at 2000 characters); one with a
header, fields or an image becomes embeds (split at the per-embed and 6000-per-message limits).
Outside text is escaped; only :class:`Mention` produces a ping, and only for that user.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import discord
from bot.adapters.discord.embeds import EMBED_TOTAL, Embed, embed_size, render_embeds
from bot.adapters.discord.markdown import PLATFORM as PLATFORM
from bot.adapters.discord.markdown import Writer, fits, grouped_chunks
from bot.adapters.fitting import numbered_long_labels
from bot.core.messages import (
    Block,
    Break,
    Button,
    Buttons,
    ButtonStyle,
    Fields,
    File,
    Header,
    Image,
    Message,
    Section,
)

CONTENT_LIMIT = 2000
EMBEDS_PER_MESSAGE = 10
ROWS_PER_MESSAGE = 5
BUTTONS_PER_ROW = 5
CUSTOM_ID_LIMIT = 100
ATTACHMENTS_PER_MESSAGE = 10
REQUEST_LIMIT = 25 * 1024 * 1024  # "The maximum request size when sending a message is 25 MiB"
# Per-file limit when Discord does not say (interactions carry attachment_size_limit, guilds a tier).
DEFAULT_FILE_LIMIT = discord.utils.DEFAULT_FILE_SIZE_LIMIT_BYTES
_STYLES = {
    ButtonStyle.PRIMARY: discord.ButtonStyle.primary,
    ButtonStyle.SECONDARY: discord.ButtonStyle.secondary,
    ButtonStyle.DANGER: discord.ButtonStyle.danger,
}
BUTTON_LABEL_LIMIT = 80
RENDER_CACHE_SIZE = 256  # renderings kept: a few help pages per language, and recent short replies
_NO_MENTIONS = discord.AllowedMentions(everyone=False, roles=False, users=[])


@dataclass
class Outgoing:
    """One Discord message to send."""

    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    buttons: list[list[Button]] = field(default_factory=list)
    files: list[tuple[str, bytes]] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    alt_text: dict[str, str] = field(default_factory=dict)  # filename -> image description

    def kwargs(self, embeds: Sequence[discord.Embed] | None = None) -> dict[str, Any]:
        """Keyword arguments for discord.py's send methods; ``embeds`` are ``self.embeds`` already built
        (see :class:`RenderCache`)."""
        if self.mentions:
            users = [discord.Object(id=int(u)) for u in self.mentions]
            allowed = discord.AllowedMentions(everyone=False, roles=False, users=users)
        else:  # discord.py only reads it (merges into a new object), so one serves every send
            allowed = _NO_MENTIONS
        kw: dict[str, Any] = {"allowed_mentions": allowed}
        if self.content:
            kw["content"] = self.content
        if self.embeds:
            kw["embeds"] = list(embeds) if embeds is not None else self.embeds_built()
        if self.buttons:
            kw["view"] = button_view(self.buttons)
        if self.files:
            kw["files"] = [
                discord.File(io.BytesIO(data), filename=name, description=self.alt_text.get(name))
                for name, data in self.files
            ]
        return kw

    def embeds_built(self) -> list[discord.Embed]:
        """``self.embeds`` as discord.py sends them."""
        return [discord.Embed.from_dict(e) for e in self.embeds]

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
    writer = Writer()
    if _uses_embeds(message):
        out = _pack(*render_embeds(message, writer))
    else:
        groups: list[list[str]] = [[]]
        for block in message.blocks:
            if isinstance(block, Break):
                groups.append([])
            else:
                groups[-1].extend(writer.lines(block))
        out = [Outgoing(content=piece) for piece in grouped_chunks(groups, CONTENT_LIMIT)]
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


class Rendered(NamedTuple):
    """One message of a kept rendering, with its embeds built once: discord.py only reads them
    (``to_dict``) when sending. Neither part may be changed: later replies send the same objects."""

    outgoing: Outgoing
    embeds: tuple[discord.Embed, ...]

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for one send (the view and files are built afresh: sending changes them)."""
        return self.outgoing.kwargs(self.embeds)


class RenderCache:
    """:func:`render` results by the message's blocks, for the replies that repeat all day (a help
    page, a confirmation). Rendering is a function of the blocks alone, and blocks are frozen and
    compared by value, so an equal message always gets the same rendering.

    Messages with attachments are rendered every time (their bytes are not worth keeping, and sending
    needs fresh file objects), and so are unhashable ones (a :class:`Mention` holds a mapping). The
    oldest kept rendering gives way first: a hit does not reorder (that would hash the blocks again)."""

    def __init__(self, size: int = RENDER_CACHE_SIZE) -> None:
        self._size = size
        self._kept: dict[tuple[Block, ...], tuple[Rendered, ...]] = {}

    def kept(self, message: Message) -> tuple[Rendered, ...] | None:
        """The kept rendering of ``message``; None when there is none. A kept message has no
        attachment, so nothing in it can be too large to send."""
        key = _key(message)
        if key is None:
            return None
        try:
            return self._kept.get(key)
        except TypeError:  # an unhashable block: never kept
            return None

    def render(self, message: Message) -> tuple[Rendered, ...]:
        """Render ``message``, keeping the result when it may be sent again as it is."""
        rendered = tuple(Rendered(out, tuple(out.embeds_built())) for out in render(message))
        key = _key(message)
        if key is None:
            return rendered
        try:
            self._kept[key] = rendered
        except TypeError:
            return rendered
        if len(self._kept) > self._size:
            del self._kept[next(iter(self._kept))]
        return rendered


def _key(message: Message) -> tuple[Block, ...] | None:
    """The blocks of a message that may be kept; None with an attachment (looked for before hashing,
    which would read every byte of it)."""
    blocks = tuple(message.blocks)
    for b in blocks:
        if isinstance(b, File) or (isinstance(b, Image) and b.data is not None):
            return None
    return blocks


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


def _pack(
    groups: list[list[Embed]], files: list[tuple[str, bytes]], alt_text: dict[str, str]
) -> list[Outgoing]:
    """Embeds into messages of at most 10 embeds and 6000 characters; a group's embeds share a message
    whenever they fit in one."""
    out: list[Outgoing] = []
    size = 0
    for group in groups:
        total = sum(embed_size(e) for e in group)
        whole = total <= EMBED_TOTAL and len(group) <= EMBEDS_PER_MESSAGE
        if (
            out
            and whole
            and (size + total > EMBED_TOTAL or len(out[-1].embeds) + len(group) > EMBEDS_PER_MESSAGE)
        ):
            out.append(Outgoing())
            size = 0
        size = _add_embeds(out, group, size)
    if files:
        if not out:
            out.append(Outgoing())
        for o in out:
            names = {e.get("image", {}).get("url", "") for e in o.embeds}
            o.files = [(n, d) for n, d in files if f"attachment://{n}" in names]
            o.alt_text = {n: alt_text[n] for n, _ in o.files if alt_text.get(n)}
    return out


def _add_embeds(out: list[Outgoing], embeds: list[Embed], size: int) -> int:
    """Append ``embeds`` to the last message while it has room, then to new ones; the size used."""
    for embed in embeds:
        esize = embed_size(embed)
        if not out or len(out[-1].embeds) == EMBEDS_PER_MESSAGE or size + esize > EMBED_TOTAL:
            out.append(Outgoing())
            size = 0
        out[-1].embeds.append(embed)
        size += esize
    return size
