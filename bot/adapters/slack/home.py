"""The App Home tab: a person's preferences, then each feature's ``home_section`` for them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from babel.lists import format_list
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks import MAX_SURFACE_BLOCKS, render_blocks
from bot.adapters.slack.directory import PLATFORM
from bot.core.cog import Cog, Services
from bot.core.dispatch import Dispatcher, PlatformUser
from bot.core.events import HomeChanged
from bot.core.invocation import Actor
from bot.core.messages import Block, Context, Divider, Fields, Header, Inline, Message, Plain
from bot.core.moments import babel_locale
from bot.core.plaintext import inline_text
from bot.i18n import Reader

log = logging.getLogger(__name__)


async def home_message(services: Services, cogs: Sequence[Cog], actor: Actor, help_usage: str) -> Message:
    """What a person sees on the bot's Home tab; a failing feature section is left out, not fatal."""
    t = services.catalog.translate
    loc = actor.locale
    member_id = actor.member_id
    info = await services.member_reads.info(member_id) if member_id else None
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
    sections: list[list[Block]] = []
    reader = Reader(loc, actor.timezone or services.config.project.timezone)
    if member_id is not None:
        for cog in cogs:
            try:
                section = await cog.home_section(member_id, reader)
            except Exception:
                log.exception("home section of %s failed", cog.name)
                continue
            if section:
                sections.append(section)
    footer = Context(t(loc, "slack.home.footer", help=help_usage))

    def left_out(names: list[str]) -> Block:
        return Context(t(loc, "slack.home.left_out", sections=format_list(names, locale=babel_locale(loc))))

    return fitted_home(blocks, sections, footer, left_out)


def fitted_home(
    head: list[Block], sections: list[list[Block]], footer: Block, left_out: Callable[[list[str]], Block]
) -> Message:
    """``head``, then every feature section whole, in order, while the tab stays within the blocks Slack
    shows (100); a section that would not fit is left out whole and named in a note above ``footer``,
    so nothing is cut off unsaid."""

    def fits(blocks: list[Block]) -> bool:
        return len(render_blocks(Message(blocks))) <= MAX_SURFACE_BLOCKS

    every = [block for section in sections for block in (Divider(), *section)]
    if fits([*head, *every, footer]):
        return Message([*head, *every, footer])
    kept: list[Block] = []
    dropped: list[str] = []
    for section in sections:
        trial = [*kept, Divider(), *section]
        if fits([*head, *trial, left_out(["…"]), footer]):  # room kept for the note
            kept = trial
        else:
            dropped.append(_title(section))
    return Message([*head, *kept, left_out(dropped), footer])


def _title(section: list[Block]) -> str:
    """What a section is called: its first header."""
    return next((inline_text(b.text) for b in section if isinstance(b, Header)), "…")


def home_view(message: Message) -> dict[str, Any]:
    """The views.publish payload of a `home_message` (already within the 100 blocks a Home tab takes)."""
    return {"type": "home", "blocks": render_blocks(message)}


class HomeTabs:
    """Publishes Home tabs: when a person opens theirs, and when their claims or shifts change (a
    burst of changes publishes once). Given only what it needs from the adapter."""

    def __init__(
        self,
        client: AsyncWebClient,
        services: Services,
        cogs: Callable[[], Sequence[Cog]],
        user: Callable[[str], Awaitable[PlatformUser]],
        dispatcher: Callable[[], Dispatcher | None],
        help_usage: Callable[[], str],
        spawn: Callable[..., asyncio.Task[Any]],
    ) -> None:
        self.client = client
        self.services = services
        self.cogs = cogs
        self.user = user
        self.dispatcher = dispatcher
        self.help_usage = help_usage
        self.spawn = spawn
        self._pending: set[str] = set()  # Home tabs with a refresh queued

    async def opened(self, event: dict[str, Any]) -> None:
        """Bolt's ``app_home_opened``."""
        if event.get("tab", "home") != "home":
            return
        self.spawn(self.publish(str(event["user"])), queued=True)

    async def changed(self, event: HomeChanged) -> None:
        """Re-publish the Home tab of the person whose claims or shifts changed (if they use Slack)."""
        if self.dispatcher() is None:
            return
        services = self.services
        info = await services.member_reads.info(event.member_id)
        for platform, user_id in info.identities if info is not None else ():
            if platform == PLATFORM and user_id not in self._pending:
                self._pending.add(user_id)
                self.spawn(self._refresh(user_id), queued=True)

    async def _refresh(self, user_id: str) -> None:
        # Cleared before rendering: a change that lands while this renders queues one more refresh.
        self._pending.discard(user_id)
        await self.publish(user_id)

    async def publish(self, user_id: str) -> None:
        """Render and publish ``user_id``'s Home tab."""
        dispatcher = self.dispatcher()
        assert dispatcher is not None
        actor = await dispatcher.actor_for(await self.user(user_id))
        message = await home_message(self.services, self.cogs(), actor, self.help_usage())
        await self.client.views_publish(user_id=user_id, view=home_view(message))
