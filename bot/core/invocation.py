"""Who ran what, where: the context a cog handler receives, with ways to answer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from bot.core.commands import CommandStyle
from bot.core.messages import Form, Inline, Message, Section

if TYPE_CHECKING:
    from bot.core.commands import Command
    from bot.i18n import Catalog


@dataclass(frozen=True)
class Actor:
    """The person behind an invocation, as the core knows them."""

    platform: str
    user_id: str
    display_name: str
    member_id: int | None = None
    locale: str = "en"
    timezone: str | None = None
    is_maintainer: bool = False
    github_login: str | None = None
    roles: tuple[str, ...] = ()  # platform role / user-group ids, for permission checks


class Responder(Protocol):
    """What an adapter provides so a handler can answer; one per invocation."""

    async def reply(self, message: Message, ephemeral: bool) -> None: ...

    async def defer(self, ephemeral: bool) -> None: ...

    async def send_dm(self, message: Message) -> bool: ...

    async def open_form(self, form: Form) -> None: ...


@dataclass
class Invocation:
    """A command run, a button press or a form submission, as seen by a cog."""

    platform: str
    actor: Actor
    channel_id: str | None
    responder: Responder
    catalog: Catalog
    command: Command | None = None
    action: str | None = None
    value: str = ""
    args: dict[str, Any] = field(default_factory=dict)
    form_values: Mapping[str, str] = field(default_factory=dict)
    replied: bool = False
    command_style: CommandStyle = field(default_factory=CommandStyle)  # how this platform types commands

    @property
    def locale(self) -> str:
        return self.actor.locale

    @property
    def ephemeral_default(self) -> bool:
        return self.command.ephemeral if self.command is not None else True

    def t(self, key: str, **params: Any) -> str:
        """Translate ``key`` into the invoker's language, times in their zone (else the project's)."""
        return self.catalog.translate(self.actor.locale, key, reader_zone=self.actor.timezone, **params)

    async def reply(self, message: Message | str | Inline, ephemeral: bool | None = None) -> None:
        """Answer the invoker (ephemeral unless the command says public)."""
        msg = message if isinstance(message, Message) else Message([Section(message)])
        self.replied = True
        await self.responder.reply(msg, self.ephemeral_default if ephemeral is None else ephemeral)

    async def defer(self, ephemeral: bool | None = None) -> None:
        """Tell the platform an answer is coming (Discord's 3-second window, Slack's ack)."""
        await self.responder.defer(self.ephemeral_default if ephemeral is None else ephemeral)

    async def dm(self, message: Message) -> bool:
        """Send the invoker a direct message; False when their DMs are closed."""
        return await self.responder.send_dm(message)

    async def open_form(self, form: Form) -> None:
        """Ask the invoker to fill in ``form`` (modal, or question by question)."""
        self.replied = True
        await self.responder.open_form(form)
