"""Turns what adapters receive (commands, button presses, form submissions) into cog calls."""

from __future__ import annotations

import logging
import random
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.core.arguments import convert_value, parse_line
from bot.core.commands import Access, Choice, Command, CommandStyle
from bot.core.errors import FormInvalid, PermissionDenied, UsageError, UserError, localized_parts
from bot.core.events import Event
from bot.core.invocation import Actor, Invocation, Responder
from bot.core.messages import Context, Message, Section
from bot.i18n import normalize_locale
from bot.logs import request_id

if TYPE_CHECKING:
    from bot.core.cog import Services

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlatformUser:
    """A user as an adapter sees them."""

    platform: str
    user_id: str
    display_name: str
    roles: tuple[str, ...] = ()
    locale: str | None = None  # the platform's idea of their language, if any


class Dispatcher:
    """The one entry point adapters call; resolves the actor, checks access, runs the handler."""

    def __init__(self, services: Services) -> None:
        self.services = services
        # How commands are typed per platform (Slack may rename groups); used in usage lines and help.
        self.styles: dict[str, CommandStyle] = {}

    def style_for(self, platform: str) -> CommandStyle:
        return self.styles.get(platform) or CommandStyle()

    @property
    def registry(self) -> Any:
        return self.services.registry

    async def actor_for(self, user: PlatformUser) -> Actor:
        """Resolve (and on first sight create) the member behind a platform user."""
        services = self.services
        # Someone the bot knows costs nothing (or a snapshot read after a change to members); only a
        # newcomer or a renamed person costs a write.
        member = await services.member_reads.known(user.platform, user.user_id, user.display_name)
        member_id, locale, timezone, github_login = (
            _member_fields(member) if member is not None else await services.db.run(self._ensure(user))
        )
        verified_login = github_login
        resolved_locale = (
            normalize_locale(locale) or normalize_locale(user.locale) or services.config.project.locale
        )
        is_maintainer = services.maintainers().is_maintainer(
            user.platform, user.user_id, user.roles, verified_login, user.display_name
        )
        return Actor(
            platform=user.platform,
            user_id=user.user_id,
            display_name=user.display_name,
            member_id=member_id,
            locale=resolved_locale,
            timezone=timezone,
            is_maintainer=is_maintainer,
            github_login=github_login,
            roles=user.roles,
        )

    def _ensure(self, user: PlatformUser) -> Callable[[Any], tuple[int, str | None, str | None, str | None]]:
        """The write that creates (or renames) the member behind ``user``, for ``db.run``."""
        services = self.services

        def ensure(session: Any) -> tuple[int, str | None, str | None, str | None]:
            now = services.clock.now()
            return _member_fields(
                services.members.ensure(session, user.platform, user.user_id, user.display_name, now)
            )

        return ensure

    def _invocation(
        self, actor: Actor, channel_id: str | None, responder: Responder, **kw: Any
    ) -> Invocation:
        return Invocation(
            platform=actor.platform,
            actor=actor,
            channel_id=channel_id,
            responder=responder,
            catalog=self.services.catalog,
            command_style=self.style_for(actor.platform),
            **kw,
        )

    async def run_line(
        self,
        user: PlatformUser,
        channel_id: str | None,
        text: str,
        responder: Responder,
        prefix: str | CommandStyle | None = None,
    ) -> None:
        """Parse a text line (Slack command text, console input) and run it.

        Usage lines use ``prefix`` when given, else the platform's registered style.
        """
        try:
            actor = await self.actor_for(user)
            style = self.style_for(user.platform) if prefix is None else CommandStyle.of(prefix)
            try:
                parsed = parse_line(self.services.registry, text, user.platform, style)
            except UserError as exc:
                inv = self._invocation(actor, channel_id, responder)
                await self._report(inv, exc)
                self._count(user.platform, "(unparsed)", "usage_error")
                return
            await self._run(
                self._invocation(actor, channel_id, responder, command=parsed.command, args=parsed.args)
            )
        except Exception:
            await self._answer_failure(user, responder)

    async def run_command(
        self,
        user: PlatformUser,
        channel_id: str | None,
        command: Command,
        args: Mapping[str, Any],
        responder: Responder,
    ) -> None:
        """Run a command whose arguments the platform already typed (Discord).

        The values still go through :func:`convert_value`, so limits, choices and ranges are checked
        server-side exactly as for typed lines; a bad value is answered with the usage line.
        """
        try:
            actor = await self.actor_for(user)
            try:
                converted: dict[str, Any] = {}
                for opt in command.options:
                    value = args.get(opt.name)
                    if value is None:
                        if opt.required:
                            raise UsageError("core.usage.missing", usage="", option=opt.name)
                        converted[opt.name] = None
                    else:
                        converted[opt.name] = convert_value(opt, value, user.platform, "")
            except UserError as exc:
                if isinstance(exc, UsageError):
                    exc.usage = command.usage()  # written only when shown: most values are fine
                await self._report(self._invocation(actor, channel_id, responder, command=command), exc)
                return
            await self._run(self._invocation(actor, channel_id, responder, command=command, args=converted))
        except Exception:
            await self._answer_failure(user, responder)

    async def run_action(
        self, user: PlatformUser, channel_id: str | None, action: str, value: str, responder: Responder
    ) -> None:
        """A button press routed by action name."""
        try:
            actor = await self.actor_for(user)
            await self._run(self._invocation(actor, channel_id, responder, action=action, value=value))
        except Exception:
            await self._answer_failure(user, responder)

    async def submit_form(
        self,
        user: PlatformUser,
        channel_id: str | None,
        action: str,
        value: str,
        values: Mapping[str, str],
        responder: Responder,
    ) -> dict[str, str] | None:
        """A form submission; returns per-question error texts when validation fails."""
        try:
            actor = await self.actor_for(user)
            inv = self._invocation(
                actor, channel_id, responder, action=action, value=value, form_values=values
            )
            try:
                await self._run(inv, reraise_form=True)
            except FormInvalid as exc:
                return {qid: inv.t(key, **exc.params.get(qid, {})) for qid, key in exc.errors.items()}
        except Exception:
            await self._answer_failure(user, responder)
        return None

    async def _answer_failure(self, user: PlatformUser, responder: Responder) -> None:
        """The floor under every invocation, called from its ``except Exception``: whatever escapes
        (the member lookup failing, a bug outside a handler) is logged with a reference and answered
        with the generic error, in the person's platform language, so nobody is left without a reply.
        (A plain ``try`` rather than a context manager: it costs nothing when nothing fails.)"""
        ref = secrets.token_hex(6)
        log.exception("invocation by %s:%s failed (ref %s)", user.platform, user.user_id, ref)
        locale = normalize_locale(user.locale) or self.services.config.project.locale
        text = self.services.catalog.translate(locale, "core.error.internal", ref=ref)
        try:
            await responder.reply(Message.text(text), True)
        except Exception:
            log.exception("could not deliver an error reply on %s", user.platform)

    async def autocomplete(self, user: PlatformUser, provider: str, partial: str) -> list[Choice]:
        fn = self.services.registry.autocompleters.get(provider)
        if fn is None:
            return []
        actor = await self.actor_for(user)
        inv = self._invocation(actor, None, _NullResponder())
        try:
            return (await fn(inv, partial))[:25]
        except Exception:
            log.exception("autocomplete %s failed", provider)
            return []

    async def publish(self, event: Event) -> None:
        await self.services.bus.publish(event)

    async def _run(self, inv: Invocation, reraise_form: bool = False) -> None:
        # A log reference, not a secret: a PRNG draw instead of an urandom syscall on every command.
        token = request_id.set(f"{random.getrandbits(48):012x}")
        name = inv.command.name if inv.command else f"action:{inv.action}"
        outcome = "ok"
        try:
            outcome = await self._handle(inv, reraise_form)
        finally:
            request_id.reset(token)
            self._count(inv.platform, name, outcome)

    def _count(self, platform: str, name: str, outcome: str) -> None:
        metrics = self.services.metrics
        if metrics is not None:
            metrics.count_command(platform, name, outcome)

    async def _handle(self, inv: Invocation, reraise_form: bool) -> str:
        """Run the handler; returns the outcome for metrics (ok, user_error, denied, error)."""
        try:
            if inv.command is not None:
                if inv.command.access is Access.MAINTAINERS and not inv.actor.is_maintainer:
                    raise PermissionDenied()
                await inv.command.handler(inv, **inv.args)
            else:
                route = self.services.registry.actions.get(inv.action or "")
                if route is None:
                    raise UserError("core.error.stale_button")
                if route.access is Access.MAINTAINERS and not inv.actor.is_maintainer:
                    raise PermissionDenied()
                await route.handler(inv)
        except FormInvalid:
            if reraise_form:
                raise
            log.exception("form validation raised outside a form submission")
            return "error"
        except PermissionDenied as exc:
            await self._report(inv, exc)
            return "denied"
        except UserError as exc:
            await self._report(inv, exc)
            return "user_error"
        except Exception:
            ref = request_id.get() or secrets.token_hex(4)
            what = inv.command.name if inv.command else inv.action
            log.exception("handler for %s failed (ref %s, %s:%s)", what, ref, inv.platform, inv.actor.user_id)
            await self._safe_reply(inv, Message.text(inv.t("core.error.internal", ref=ref)))
            return "error"
        return "ok"

    async def _report(self, inv: Invocation, exc: UserError) -> None:
        msg = Message([Section(*localized_parts(inv.t, exc.key, exc.params, exc.outside))])
        if isinstance(exc, UsageError):
            msg.add(Context(inv.t("core.usage.line", usage=exc.usage)))
        await self._safe_reply(inv, msg)

    async def _safe_reply(self, inv: Invocation, message: Message) -> None:
        try:
            await inv.reply(message, ephemeral=True)
        except Exception:
            log.exception("could not deliver an error reply on %s", inv.platform)


def _member_fields(member: Any) -> tuple[int, str | None, str | None, str | None]:
    assert member.id is not None
    return member.id, member.locale, member.timezone, member.github_login


class _NullResponder:
    """Autocomplete cannot reply; anything it tries is dropped on purpose."""

    async def reply(self, message: Message, ephemeral: bool) -> None:
        return None

    async def defer(self, ephemeral: bool) -> None:
        return None

    async def send_dm(self, message: Message) -> bool:
        return False

    async def open_form(self, form: Any) -> None:
        return None
