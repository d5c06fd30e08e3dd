"""The App Home tab: a person's preferences, then each feature's ``home_section`` for them."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from bot.adapters.slack.blocks import MAX_SURFACE_BLOCKS, render_blocks
from bot.core.cog import Cog, Services
from bot.core.invocation import Actor
from bot.core.messages import Block, Context, Divider, Fields, Header, Inline, Message, Plain

log = logging.getLogger(__name__)


async def home_message(services: Services, cogs: Sequence[Cog], actor: Actor, help_usage: str) -> Message:
    """What a person sees on the bot's Home tab; a failing feature section is left out, not fatal."""
    t = services.catalog.translate
    loc = actor.locale
    member_id = actor.member_id
    info = await services.db.run(lambda s: services.members.info(s, member_id)) if member_id else None
    github: Inline = t(loc, "slack.home.not_linked")
    if info is not None and info.github_login:
        state = "slack.home.verified" if info.github_verified else "slack.home.unverified"
        github = Plain(f"{info.github_login} ({t(loc, state)})")
    blocks: list[Block] = [
        Header(t(loc, "slack.home.title", project=services.config.project.name)),
        Fields(
            (
                (t(loc, "slack.home.name"), Plain(actor.display_name)),
                (t(loc, "slack.home.timezone"), actor.timezone or services.config.project.timezone),
                (t(loc, "slack.home.language"), loc),
                (t(loc, "slack.home.github"), github),
            )
        ),
    ]
    if member_id is not None:
        for cog in cogs:
            try:
                section = await cog.home_section(member_id, loc)
            except Exception:
                log.exception("home section of %s failed", cog.name)
                continue
            if section:
                blocks.append(Divider())
                blocks.extend(section)
    blocks.append(Context(t(loc, "slack.home.footer", help=help_usage)))
    return Message(blocks)


def home_view(message: Message) -> dict[str, Any]:
    """The views.publish payload (Home tabs take up to 100 blocks)."""
    return {"type": "home", "blocks": render_blocks(message)[:MAX_SURFACE_BLOCKS]}
