"""The documented message limits of Discord and Slack (see PLATFORM-NOTES), checked on a Message."""

from __future__ import annotations

from bot.core.messages import Buttons, Context, Fields, Header, Message, Quote, Section
from bot.core.plaintext import block_lines, inline_text, render_plain
from cogs.spotlight.split import weighted_len

DISCORD_CONTENT = 2000
DISCORD_EMBED_DESCRIPTION = 4096
DISCORD_EMBED_TOTAL = 6000
DISCORD_FIELDS = 25
DISCORD_FIELD_VALUE = 1024
DISCORD_TITLE = 256
SLACK_BLOCKS = 50
SLACK_SECTION = 3000
SLACK_HEADER = 150
SLACK_FIELDS = 10
SLACK_FIELD = 2000


def problems(message: Message) -> list[str]:
    """Every limit the message would break on Discord or Slack, measured after worst-case escaping."""
    found: list[str] = []
    whole = weighted_len(render_plain(message))
    if whole > DISCORD_CONTENT:
        found.append(f"discord content {whole} > {DISCORD_CONTENT}")
    if whole > DISCORD_EMBED_DESCRIPTION or whole > DISCORD_EMBED_TOTAL:
        found.append(f"discord embed {whole}")
    if len(message.blocks) > SLACK_BLOCKS:
        found.append(f"slack blocks {len(message.blocks)} > {SLACK_BLOCKS}")
    for block in message.blocks:
        text = "\n".join(block_lines(block))
        if isinstance(block, Header):
            title = inline_text(block.text)
            if len(title) > SLACK_HEADER or len(title) > DISCORD_TITLE:
                found.append(f"header {len(title)}")
        elif isinstance(block, Section | Quote | Context) and weighted_len(text) > SLACK_SECTION:
            found.append(f"section {weighted_len(text)} > {SLACK_SECTION}")
        elif isinstance(block, Fields):
            if len(block.items) > SLACK_FIELDS or len(block.items) > DISCORD_FIELDS:
                found.append(f"fields {len(block.items)}")
            for label, value in block.items:
                size = weighted_len(inline_text(label) + inline_text(value))
                if size > DISCORD_FIELD_VALUE or size > SLACK_FIELD:
                    found.append(f"field {size}")
        elif isinstance(block, Buttons) and len(block.buttons) > 5:
            found.append("more than 5 buttons in a row")
    return found
