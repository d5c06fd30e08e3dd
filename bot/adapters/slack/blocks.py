"""Render core Messages as Slack Block Kit within Slack's limits, escaping outside text.

Limits (Block Kit reference): 50 blocks per message (100 in modals and Home), section text 3000,
header 150, 10 fields of 2000 each, 25 elements per actions block, button text 75, context 10
elements. Anything longer is split over several blocks, then over several messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.adapters.fitting import break_point, numbered_long_labels
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
from bot.core.plaintext import inline_text, summary_text, wrap_markup

MAX_BLOCKS = 50
MAX_SURFACE_BLOCKS = 100  # modals and the Home tab
MAX_SECTION = 3000
MAX_HEADER = 150
MAX_FIELDS = 10
MAX_FIELD = 2000
MAX_BUTTON_TEXT = 75
MAX_ACTIONS = 25
MAX_CONTEXT_ELEMENTS = 10
MAX_VALUE = 2000
MAX_ALT_TEXT = 2000  # an image block's alt_text
ACTION_PREFIX = "stw"  # action_id = "stw:<action>:<n>" routes a press to the owning cog's action
_BOLD_RE = re.compile(r"\*\*(.+?)\*\*", re.S)

SlackBlock = dict[str, Any]


def escape(text: str) -> str:
    """Slack's three control characters; after this no ``<!channel>``, ``<@U…>`` or link can form."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _bot_text(text: str) -> str:
    # Bot-authored strings carry **bold** (Markdown); Slack mrkdwn uses *bold*. Placeholders in them
    # may hold user input, so they are escaped like outside text.
    return _BOLD_RE.sub(r"*\1*", escape(text))


def mrkdwn(part: Inline) -> str:
    """One inline span as Slack mrkdwn; only a Mention with a Slack id produces a ping."""
    if isinstance(part, str):
        return _bot_text(part)
    if isinstance(part, Plain):
        return escape(part.text)
    if isinstance(part, Bold):
        return wrap_markup("".join(mrkdwn(p) for p in part.parts), "*")
    if isinstance(part, Code):
        return "`" + escape(part.text.replace("`", "'")) + "`"
    if isinstance(part, Link):
        label = mrkdwn(part.label).replace("|", "¦")
        url = escape(part.url).replace("|", "%7C")
        return f"<{url}|{label}>" if label else f"<{url}>"
    if isinstance(part, Mention):
        user_id = part.user_ids.get("slack")
        return f"<@{user_id}>" if user_id else "@" + escape(part.name)
    raise TypeError(f"unknown inline span {part!r}")


def join(parts: tuple[Inline, ...]) -> str:
    return "".join(mrkdwn(p) for p in parts)


def plain_text(text: str, limit: int) -> dict[str, Any]:
    """A plain_text object, escaped like every Slack text. Callers put only text that fits ``limit``
    here (see ``fits``); a longer one is refused loudly rather than cut."""
    escaped = escape(text)
    if len(escaped) > limit:
        raise ValueError(f"{len(escaped)} characters do not fit a {limit}-character Slack text")
    return {"type": "plain_text", "text": escaped or " ", "emoji": True}


def fits(text: str, limit: int) -> bool:
    """Whether ``text``, escaped, fits a slot of ``limit`` characters. Nothing is cut to fit: text
    that does not fit goes where it does (a section, a hint, a line of its own), whole."""
    return len(escape(text)) <= limit


def heading(text: str, limit: int) -> str:
    """The first words of ``text`` that fit ``limit`` once escaped, for a slot whose whole text is
    shown right next to it (a form question shown whole above its input)."""
    if fits(text, limit):
        return text
    cut = limit
    while cut > 0 and not fits(text[:cut], limit):
        cut -= 1
    space = text.rfind(" ", 0, cut + 1)
    return text[: space if space > 0 else cut].rstrip()


def split_text(text: str, limit: int = MAX_SECTION) -> list[str]:
    """Cut mrkdwn into pieces ≤ limit at paragraphs, lines, sentences or spaces (else hard), never
    inside an entity or a ``<…>`` link or mention."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = break_point(rest, limit)
        amp = rest.rfind("&", max(0, cut - 6), cut)
        if amp > 0 and ";" not in rest[amp:cut]:
            cut = amp  # keep "&amp;" and friends whole
        opening = rest.rfind("<", 0, cut)
        if opening > 0 and ">" not in rest[opening:cut]:
            cut = opening  # keep "<@U123>" and "<url|label>" whole
        pieces.append(rest[:cut].rstrip("\n"))
        rest = rest[cut:].lstrip("\n")
    pieces.append(rest)
    return [p for p in pieces if p.strip()] or [" "]


def _sections(text: str) -> list[SlackBlock]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": piece}} for piece in split_text(text)]


@dataclass
class _Counter:
    n: int = 0

    def next(self) -> int:
        self.n += 1
        return self.n


def render_block(block: Block, counter: _Counter | None = None) -> list[SlackBlock]:
    """One core block as one or more Slack blocks."""
    counter = counter or _Counter()
    if isinstance(block, Header):
        title = inline_text(block.text)
        if not fits(title, MAX_HEADER):  # too long for a header: a bold section shows it whole
            return _sections(wrap_markup(mrkdwn(block.text), "*"))
        return [{"type": "header", "text": plain_text(title, MAX_HEADER)}]
    if isinstance(block, Section):
        return _sections(join(block.parts))
    if isinstance(block, Quote):
        lines = [f"> {line}" for line in mrkdwn(block.text).splitlines()] or ["> "]
        if block.attribution is not None:
            lines.append("— " + mrkdwn(block.attribution))
        return _sections("\n".join(lines))
    if isinstance(block, Fields):
        return _fields(block)
    if isinstance(block, BulletList):
        return _sections("\n".join("• " + join(item) for item in block.items))
    if isinstance(block, Buttons):
        return _actions(block, counter)
    if isinstance(block, Image):
        if block.url and not fits(block.alt, MAX_ALT_TEXT):  # the description goes under the image
            image = {"type": "image", "image_url": block.url, "alt_text": escape(block.filename) or " "}
            return [image, *_sections(escape(block.alt))]
        if block.url:
            return [{"type": "image", "image_url": block.url, "alt_text": escape(block.alt) or " "}]
        if block.data is None:
            return [{"type": "context", "elements": [{"type": "mrkdwn", "text": escape(f"[{block.alt}]")}]}]
        return []  # uploaded after the message (see ``uploads_of``)
    if isinstance(block, File):
        return []  # uploaded after the message (see ``uploads_of``)
    if isinstance(block, Context):
        text = join(block.parts)
        if len(text) > MAX_SECTION:  # too long for small print: sections show it whole
            return _sections(text)
        return [{"type": "context", "elements": [{"type": "mrkdwn", "text": text or " "}]}]
    if isinstance(block, Divider):
        return [{"type": "divider"}]
    if isinstance(block, Break):
        return []  # where render_chunks may split the message
    raise TypeError(f"unknown block {block!r}")


def _fields(block: Fields) -> list[SlackBlock]:
    """Label/value pairs as section fields (10 per section, 2000 characters each); a pair too long
    for a field is a section of its own, whole, in its place."""
    out: list[SlackBlock] = []
    row: list[dict[str, Any]] = []
    for k, v in block.items:
        text = f"{wrap_markup(mrkdwn(k), '*')}\n{mrkdwn(v)}"
        if len(text) <= MAX_FIELD:
            row.append({"type": "mrkdwn", "text": text})
            if len(row) == MAX_FIELDS:
                out.append({"type": "section", "fields": row})
                row = []
            continue
        if row:
            out.append({"type": "section", "fields": row})
            row = []
        out.extend(_sections(text))
    if row:
        out.append({"type": "section", "fields": row})
    return out


def _actions(block: Buttons, counter: _Counter) -> list[SlackBlock]:
    elements: list[dict[str, Any]] = []
    for b in block.buttons:
        n = counter.next()
        element: dict[str, Any] = {
            "type": "button",
            "text": plain_text(b.label, MAX_BUTTON_TEXT),
            "action_id": f"{ACTION_PREFIX}:{b.action}:{n}" if not b.url else f"{ACTION_PREFIX}-link:{n}",
        }
        if b.url:
            element["url"] = b.url
        elif len(b.value) > MAX_VALUE:  # routing data: cutting it would press another button
            raise ValueError(f"button {b.action!r}: value over Slack's {MAX_VALUE} characters")
        else:
            element["value"] = b.value
        if b.style.value != "secondary":
            element["style"] = b.style.value
        elements.append(element)
    return [
        {"type": "actions", "elements": elements[i : i + MAX_ACTIONS]}
        for i in range(0, len(elements), MAX_ACTIONS)
    ]


def render_blocks(message: Message) -> list[SlackBlock]:
    """Every block of ``message`` in order (may exceed one message's limit; see ``render_chunks``)."""
    return [b for group in _rendered_groups(message) for b in group]


def _rendered_groups(message: Message) -> list[list[SlackBlock]]:
    """The Slack blocks of each run of blocks between two :class:`Break` hints."""
    message = numbered_long_labels(message, lambda label: fits(label, MAX_BUTTON_TEXT))
    counter = _Counter()
    groups: list[list[SlackBlock]] = [[]]
    for block in message.blocks:
        if isinstance(block, Break):
            groups.append([])
        else:
            groups[-1].extend(render_block(block, counter))
    return [g for g in groups if g]


def _pack(groups: list[list[SlackBlock]], max_blocks: int) -> list[list[SlackBlock]]:
    """Groups into chunks of ≤ ``max_blocks``: a group stays in one chunk when it fits in one; only a
    group longer than a whole chunk is split."""
    chunks: list[list[SlackBlock]] = []
    current: list[SlackBlock] = []
    for group in groups:
        if current and len(current) + len(group) > max_blocks:
            chunks.append(current)
            current = []
        while len(current) + len(group) > max_blocks:
            room = max_blocks - len(current)
            chunks.append(current + group[:room])
            current, group = [], group[room:]
        current += group
    if current:
        chunks.append(current)
    return chunks


@dataclass(frozen=True)
class SlackMessage:
    """One postable Slack message: its blocks and the plain-text fallback for notifications."""

    blocks: list[SlackBlock]
    text: str


def fallback_text(message: Message) -> str:
    """The notification text: the summary or the start of the message, escaped (it is mrkdwn too)."""
    return escape(summary_text(message)) or " "


@dataclass(frozen=True)
class Upload:
    """A file (or image given as bytes) that goes to Slack through files_upload_v2."""

    filename: str
    data: bytes
    alt_txt: str | None = None


MAX_ALT_TXT = 1000  # files.getUploadURLExternal refuses longer alt text (alt_txt_too_large)


def uploads_of(message: Message) -> list[Upload]:
    """The files of ``message`` in order: File blocks and Image blocks that carry bytes, not a URL."""
    out: list[Upload] = []
    for block in message.blocks:
        if isinstance(block, File):
            out.append(Upload(block.filename, block.data))
        elif isinstance(block, Image) and block.data is not None and not block.url:
            # Alt text too long for the upload's slot is not cut: the file goes without it (it is the
            # image's description, shown with the message when the message has a text part).
            alt = block.alt if fits(block.alt, MAX_ALT_TXT) else None
            out.append(Upload(block.filename, block.data, alt or None))
    return out


def render_chunks(message: Message, max_blocks: int = MAX_BLOCKS) -> list[SlackMessage]:
    """The message as one or more Slack messages of ≤ ``max_blocks`` blocks each.

    Files are not part of it (see ``uploads_of``); a message that is only files renders as nothing.
    """
    groups = _rendered_groups(message)
    if not groups and uploads_of(message):
        return []
    groups = groups or [[{"type": "section", "text": {"type": "mrkdwn", "text": " "}}]]
    text = fallback_text(message)
    chunks = _pack(groups, max_blocks)
    if len(chunks) == 1:
        return [SlackMessage(chunks[0], text)]
    return [SlackMessage(chunk, f"{text} ({i}/{len(chunks)})") for i, chunk in enumerate(chunks, start=1)]


def parse_action_id(action_id: str) -> str | None:
    """The cog action name inside an action_id we rendered, or None (link buttons, foreign ids)."""
    prefix, _, rest = action_id.partition(":")
    if prefix != ACTION_PREFIX or not rest:
        return None
    name, _, _n = rest.rpartition(":")
    return name or None
