"""Interactions (slash commands, autocomplete, buttons, modal submits) routed into the dispatcher."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Coroutine
from typing import Any, Protocol

import discord
from bot.adapters.discord.commands import invoked
from bot.adapters.discord.forms import (
    FORM_PREFIX,
    FormBook,
    FormProgress,
    build_modal,
    submitted_values,
    with_answers,
)
from bot.adapters.discord.render import PLATFORM, RenderCache, oversized
from bot.core.commands import Command, CommandRegistry
from bot.core.dispatch import Dispatcher, PlatformUser
from bot.core.messages import BulletList, Button, Buttons, ButtonStyle, Form, Message, Plain, Section
from bot.i18n import Catalog

log = logging.getLogger(__name__)
BUSY_DEFER_AFTER = 1.0  # seconds a handler may take under a burst before the interaction is deferred
CHOICES = 25  # autocomplete choices Discord shows
CHOICE_LIMIT = 100  # characters of a choice's name and of a string value


def _utf16_len(text: str) -> int:
    # The stricter count: an emoji-heavy name fits however Discord counts its characters.
    return len(text.encode("utf-16-le")) // 2


def platform_user(interaction: discord.Interaction[Any]) -> PlatformUser:
    """The invoker with their role ids (server-side maintainer check) and client language."""
    user = interaction.user
    roles = tuple(str(r.id) for r in getattr(user, "roles", ()) if not r.is_default())
    return PlatformUser(
        PLATFORM, str(user.id), user.display_name, roles=roles, locale=str(interaction.locale)
    )


class InteractionPort(Protocol):
    """What answering interactions needs from the Discord adapter, and nothing more: the dispatcher,
    the command registry and catalog, forms in progress, and a few of its services."""

    dispatcher: Dispatcher | None
    registry: CommandRegistry
    catalog: Catalog
    forms: FormBook

    def spawn(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]: ...

    def busy(self) -> bool: ...

    async def locale_of(self, interaction: discord.Interaction[Any]) -> str: ...

    async def text(self, interaction: discord.Interaction[Any], key: str, **params: Any) -> str: ...

    def fit_files(self, message: Message, limit: int, locale: str | None = None) -> Message: ...

    async def send_dm(self, user_id: str, message: Message) -> bool: ...


class InteractionResponder:
    """Answers one interaction: the first answer is the callback, later ones follow-ups.

    A lock serialises the handler's answers with the automatic deferral, so an interaction is
    never acknowledged twice.
    """

    def __init__(
        self,
        adapter: InteractionPort,
        interaction: discord.Interaction[Any],
        ephemeral: bool,
        renderings: RenderCache | None = None,
    ) -> None:
        self.adapter = adapter
        self.interaction = interaction
        self.default_ephemeral = ephemeral
        self.renderings = renderings if renderings is not None else RenderCache()
        self._lock = asyncio.Lock()

    @property
    def answered(self) -> bool:
        return self.interaction.response.is_done()

    async def reply(self, message: Message, ephemeral: bool) -> None:
        rendered = self.renderings.kept(message)
        if rendered is None:
            limit = self.interaction.filesize_limit  # attachment_size_limit of this interaction
            if oversized(message, limit):
                locale = await self.adapter.locale_of(self.interaction)
                message = self.adapter.fit_files(message, limit, locale)
            rendered = self.renderings.render(message)
        async with self._lock:
            for out in rendered:
                kwargs = out.kwargs()
                if not self.interaction.response.is_done():
                    await self.interaction.response.send_message(ephemeral=ephemeral, **kwargs)
                else:
                    await self.interaction.followup.send(ephemeral=ephemeral, wait=True, **kwargs)

    async def defer(self, ephemeral: bool) -> None:
        async with self._lock:
            if not self.interaction.response.is_done():
                await self.interaction.response.defer(ephemeral=ephemeral, thinking=True)

    async def auto_defer(self) -> None:
        """The 3-second window is closing and the handler has not answered: show "thinking"."""
        try:
            await self.defer(self.default_ephemeral)
        except discord.HTTPException as exc:
            log.warning("could not defer interaction %s: %s", self.interaction.id, exc)

    async def send_dm(self, message: Message) -> bool:
        return await self.adapter.send_dm(str(self.interaction.user.id), message)

    async def open_form(self, form: Form) -> None:
        progress = FormProgress(form)
        self.adapter.forms.remember(form)
        single = progress.steps == 1
        custom_id = f"{form.action}:{form.value}" if single else await self.adapter.forms.keep(progress)
        if single and len(custom_id) > 100:
            custom_id = await self.adapter.forms.keep(progress)
        async with self._lock:
            # A modal can only answer a command or a button, not a modal submit: offer a button.
            can_modal = self.interaction.type is not discord.InteractionType.modal_submit
            if can_modal and not self.interaction.response.is_done():
                await self.interaction.response.send_modal(build_modal(progress, custom_id))
                return
        key = custom_id if custom_id.startswith(FORM_PREFIX) else await self.adapter.forms.keep(progress)
        label = await self.adapter.text(self.interaction, "discord.form.open")
        await self.reply(
            Message([Buttons((Button(label, key.partition(":")[0], key.partition(":")[2]),))]), True
        )

    async def finish(self) -> None:
        """Acknowledge an interaction the handler left unanswered, so the user sees no failure."""
        if self.interaction.response.is_done():  # once answered, always answered: no need to wait
            return
        async with self._lock:
            if self.interaction.response.is_done():
                return
            if self.interaction.type is discord.InteractionType.component:
                await self.interaction.response.defer()  # DEFERRED_UPDATE_MESSAGE: nothing changes
                return
        await self.reply(Message.text(await self.adapter.text(self.interaction, "discord.done")), True)


class InteractionRouter:
    """Turns each interaction into a dispatcher call, deferring slow handlers in time."""

    def __init__(self, adapter: InteractionPort, defer_after: float) -> None:
        self.adapter = adapter
        self.defer_after = defer_after
        # Shared by every interaction's responder: the same replies are rendered once.
        self.renderings = RenderCache()

    @property
    def dispatcher(self) -> Dispatcher:
        assert self.adapter.dispatcher is not None
        return self.adapter.dispatcher

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        kind = interaction.type
        data: dict[str, Any] = dict(interaction.data or {})
        if kind is discord.InteractionType.autocomplete:
            await self._autocomplete(interaction, data)
            return
        ephemeral = True
        command: Command | None = None
        values: dict[str, Any] = {}
        if kind is discord.InteractionType.application_command:
            command, values, _ = invoked(self.adapter.registry, data)
            ephemeral = command.ephemeral if command is not None else True
        responder = InteractionResponder(self.adapter, interaction, ephemeral, self.renderings)
        # The handler has ``defer_after`` seconds to answer directly. Under a burst handlers queue
        # (for the loop, the database) and the loop itself lags, so the safety deferral comes sooner,
        # leaving most of the 3-second window for it to reach Discord; a burst that is answered
        # within that budget is answered directly (deferring every interaction of a burst doubled its
        # REST calls and made everyone's reply later).
        budget = self.defer_after
        if self.adapter.busy() and kind is discord.InteractionType.application_command:
            budget = min(budget, BUSY_DEFER_AFTER)
        timer = asyncio.get_running_loop().call_later(
            budget, lambda: self.adapter.spawn(responder.auto_defer())
        )
        try:
            if kind is discord.InteractionType.application_command:
                await self._command(interaction, command, values, responder)
            elif kind is discord.InteractionType.component:
                await self._component(interaction, data, responder)
            elif kind is discord.InteractionType.modal_submit:
                await self._modal(interaction, data, responder)
            await responder.finish()
        except Exception:
            ref = secrets.token_hex(4)
            log.exception("discord: interaction %s failed (ref %s)", interaction.id, ref)
            text = await self.adapter.text(interaction, "core.error.internal", ref=ref)
            await responder.reply(Message.text(text), True)
        finally:
            timer.cancel()

    async def _command(
        self,
        interaction: discord.Interaction[Any],
        command: Command | None,
        values: dict[str, Any],
        responder: InteractionResponder,
    ) -> None:
        if command is None:
            await self._note(interaction, responder, "discord.unknown_command")
            return
        channel = str(interaction.channel_id) if interaction.channel_id else None
        await self.dispatcher.run_command(platform_user(interaction), channel, command, values, responder)

    async def _note(
        self, interaction: discord.Interaction[Any], responder: InteractionResponder, key: str
    ) -> None:
        await responder.reply(Message.text(await self.adapter.text(interaction, key)), True)

    async def _progress(
        self, interaction: discord.Interaction[Any], responder: InteractionResponder, custom_id: str
    ) -> FormProgress | None:
        """The stored progress of a chained/re-opened form, or None after telling the user it expired."""
        progress = await self.adapter.forms.get(custom_id)
        if progress is None:
            await self._note(interaction, responder, "discord.form.expired")
        return progress

    async def _component(
        self, interaction: discord.Interaction[Any], data: dict[str, Any], responder: InteractionResponder
    ) -> None:
        custom_id = str(data.get("custom_id", ""))
        if custom_id.startswith(FORM_PREFIX + ":"):
            progress = await self._progress(interaction, responder, custom_id)
            if progress is None:
                return
            await interaction.response.send_modal(build_modal(progress, custom_id))
            return
        action, _, value = custom_id.partition(":")
        channel = str(interaction.channel_id) if interaction.channel_id else None
        await self.dispatcher.run_action(platform_user(interaction), channel, action, value, responder)

    async def _modal(
        self, interaction: discord.Interaction[Any], data: dict[str, Any], responder: InteractionResponder
    ) -> None:
        custom_id = str(data.get("custom_id", ""))
        answers = submitted_values(list(data.get("components") or []))
        form: Form | None = None
        if custom_id.startswith(FORM_PREFIX + ":"):
            progress = await self._progress(interaction, responder, custom_id)
            if progress is None:
                return
            progress.answers.update(answers)
            if progress.step + 1 < progress.steps:
                progress.step += 1
                label = await self.adapter.text(
                    interaction, "discord.form.continue", step=progress.step + 1, steps=progress.steps
                )
                await self.adapter.forms.save(custom_id, progress)
                key = custom_id.partition(":")[2]
                button = Button(label, FORM_PREFIX, key, ButtonStyle.PRIMARY)
                await responder.reply(Message([Buttons((button,))]), True)
                return
            await self.adapter.forms.drop(custom_id)
            form, answers = progress.form, dict(progress.answers)
            action, value = form.action, form.value
        else:
            action, _, value = custom_id.partition(":")
        user = platform_user(interaction)
        channel = str(interaction.channel_id) if interaction.channel_id else None
        errors = await self.dispatcher.submit_form(user, channel, action, value, answers, responder)
        if errors:
            await self._offer_fix(interaction, responder, form, action, value, answers, errors)

    async def _offer_fix(
        self,
        interaction: discord.Interaction[Any],
        responder: InteractionResponder,
        form: Form | None,
        action: str,
        value: str,
        answers: dict[str, str],
        errors: dict[str, str],
    ) -> None:
        """Modals cannot show inline errors: list them and offer the form again, answers kept."""
        labels: dict[str, str] = {}
        if form is None:
            form = self.adapter.forms.last(action, value)
        if form is not None:
            labels = {q.id: q.label for q in form.questions}
        items = []
        for qid, err in errors.items():
            line = await self.adapter.text(
                interaction, "discord.form.fix_item", question=labels.get(qid, qid), error=err
            )
            items.append((Plain(line),))
        msg = Message(
            [
                Section(await self.adapter.text(interaction, "discord.form.fix_intro")),
                BulletList(tuple(items)),
            ]
        )
        if form is not None:
            key = await self.adapter.forms.keep(FormProgress(with_answers(form, answers)))
            label = await self.adapter.text(interaction, "discord.form.fix_button")
            msg.add(Buttons((Button(label, FORM_PREFIX, key.partition(":")[2], ButtonStyle.PRIMARY),)))
        await responder.reply(msg, True)

    async def _autocomplete(self, interaction: discord.Interaction[Any], data: dict[str, Any]) -> None:
        command, values, focused = invoked(self.adapter.registry, data)
        option = next((o for o in command.options if o.name == focused), None) if command else None
        choices: list[discord.app_commands.Choice[Any]] = []
        if option is not None and option.autocomplete:
            found = await self.dispatcher.autocomplete(
                platform_user(interaction), option.autocomplete, str(values.get(option.name) or "")
            )
            for c in found:
                value = c.value if isinstance(c.value, int) else str(c.value)
                # A choice is at most 100 characters: a cut value would pick something else and a cut
                # name would show someone's words changed, so a label that does not fit gives way to
                # the choice's short label, and a choice with neither fitting is left out (the person
                # can still type it).
                names = (self._choice_name(c.label or str(c.value)), self._choice_name(c.short_label))
                name = next((n for n in names if 0 < _utf16_len(n) <= CHOICE_LIMIT), None)
                if name is not None and _utf16_len(str(value)) <= CHOICE_LIMIT:
                    choices.append(discord.app_commands.Choice(name=name, value=value))
                if len(choices) == CHOICES:
                    break
        await interaction.response.autocomplete(choices)

    def _choice_name(self, label: str | None) -> str:
        if not label:
            return ""
        return self.adapter.catalog.translate("en", label) if self.adapter.catalog.has(label) else label
