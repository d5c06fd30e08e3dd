"""Bolt's listeners, kept thin: each acks within Slack's deadline and hands the work to the dispatcher
(slash commands, buttons, modal submissions, members joining)."""

from __future__ import annotations

import asyncio
import contextlib
import re
from typing import TYPE_CHECKING, Any

from slack_bolt.app.async_app import AsyncApp

from bot.adapters.slack.blocks import parse_action_id
from bot.adapters.slack.directory import PLATFORM
from bot.adapters.slack.forms import FORM_CALLBACK, form_answers, form_meta
from bot.adapters.slack.responder import AckAnswer, SlackResponder
from bot.core.dispatch import Dispatcher
from bot.core.events import MemberJoined

if TYPE_CHECKING:
    from bot.adapters.slack.adapter import SlackAdapter

VIEW_ACK_BUDGET = 2.5  # seconds a modal submission may take before Slack's 3 s deadline
# Seconds a command's answer may take to ride in the ack; later, it goes to the response_url. Shorter than
# VIEW_ACK_BUDGET: a person sees nothing at all until the ack arrives.
ACK_ANSWER_BUDGET = 1.5


class SlackListeners:
    """The adapter's Bolt listeners: acknowledge in time, then run the command, action or form."""

    def __init__(self, adapter: SlackAdapter) -> None:
        self.adapter = adapter

    def _dispatcher(self) -> Dispatcher:
        dispatcher = self.adapter.dispatcher
        assert dispatcher is not None, "Bolt delivers nothing before the adapter has started"
        return dispatcher

    def register(self, bolt: AsyncApp) -> None:
        """Route every Steward command group, button, modal and member event of ``bolt`` here."""
        for name in self.adapter.style_commands():
            bolt.command(name)(self._on_command)
        bolt.action(re.compile(r"^stw"))(self._on_action)
        bolt.view(FORM_CALLBACK)(self._on_view)
        bolt.event("team_join")(self._on_team_join)
        bolt.event("member_joined_channel")(self._on_member_joined_channel)
        bolt.event("app_home_opened")(self.adapter.homes.opened)

    async def _on_command(self, ack: Any, command: dict[str, Any]) -> None:
        # An answer ready within the budget rides in the ack (see AckAnswer); a slower one, or one of
        # several, goes to the response_url.
        answer = AckAnswer()
        task = self.adapter.spawn(self._run_command(dict(command), answer), queued=True)
        task.add_done_callback(lambda _: answer.close())
        # asyncio.timeout, not wait_for: no task of its own for every command.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(ACK_ANSWER_BUDGET):
                await answer.settled.wait()
        answer.close()
        try:
            await ack(**answer.ack_args())
        finally:
            answer.acked.set()

    async def _run_command(self, command: dict[str, Any], answer: AckAnswer | None = None) -> None:
        group = self.adapter.style_commands().get(str(command.get("command", "")))
        if group is None:
            return
        user = await self.adapter.directory.user(str(command["user_id"]), str(command.get("user_name", "")))
        channel = command.get("channel_id")
        responder = SlackResponder(
            self.adapter,
            user.user_id,
            channel,
            command.get("response_url"),
            command.get("trigger_id"),
            user.locale,
            ack_answer=answer,
        )
        text = str(command.get("text") or "").strip()
        await self._dispatcher().run_line(user, channel, f"{group} {text}".strip(), responder)

    async def _on_action(self, ack: Any, body: dict[str, Any]) -> None:
        await ack()
        self.adapter.spawn(self._run_action(body), queued=True)

    async def _run_action(self, body: dict[str, Any]) -> None:
        for action in body.get("actions") or []:
            name = parse_action_id(str(action.get("action_id", "")))
            if name is None:
                continue  # a link button: Slack opened the URL, nothing to run
            raw_user = body.get("user") or {}
            user = await self.adapter.directory.user(str(raw_user["id"]), str(raw_user.get("name") or ""))
            channel = (body.get("channel") or {}).get("id")
            responder = SlackResponder(
                self.adapter,
                user.user_id,
                channel,
                body.get("response_url"),
                body.get("trigger_id"),
                user.locale,
            )
            await self._dispatcher().run_action(
                user, channel, name, str(action.get("value") or ""), responder
            )

    async def _on_view(self, ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        meta = form_meta(view)
        raw_user = body.get("user") or {}
        user = await self.adapter.directory.user(str(raw_user["id"]), str(raw_user.get("name") or ""))
        responder = SlackResponder(
            self.adapter, user.user_id, meta.channel_id, None, body.get("trigger_id"), user.locale
        )
        task = self.adapter.spawn(
            self._dispatcher().submit_form(
                user, meta.channel_id, meta.action, meta.value, form_answers(view), responder
            )
        )
        done, _ = await asyncio.wait({task}, timeout=VIEW_ACK_BUDGET)
        if task in done and not task.cancelled() and task.exception() is None:
            errors = task.result()
            if errors:
                await ack(response_action="errors", errors=errors)
            else:
                await ack()
            return
        # Too slow (or failed): close the modal now; late validation errors arrive as a message.
        await ack()
        if task not in done:
            self.adapter.spawn(responder.late_form_errors(task))

    async def _on_team_join(self, event: dict[str, Any]) -> None:
        cfg = self.adapter.config
        if not cfg.greet_new_members or cfg.welcome_channel_join:
            return
        user = event.get("user") or {}
        profile = user.get("profile") or {}
        name = profile.get("display_name") or profile.get("real_name") or user.get("name") or user.get("id")
        await self._publish(
            MemberJoined(PLATFORM, str(user["id"]), str(name), is_bot=bool(user.get("is_bot")))
        )

    async def _on_member_joined_channel(self, event: dict[str, Any]) -> None:
        cfg = self.adapter.config
        if not cfg.greet_new_members or not cfg.welcome_channel_join:
            return
        channel = str(event.get("channel", ""))
        if channel != self.adapter.channel_for("welcome"):
            return
        # The profile is a Web API call: after the ack, which Slack wants within 3 s.
        self.adapter.spawn(self._greet(str(event["user"]), channel), queued=True)

    async def _greet(self, user_id: str, channel: str) -> None:
        profile = await self.adapter.directory.profile(user_id)
        await self._dispatcher().publish(
            MemberJoined(PLATFORM, user_id, profile.name, profile.is_bot, channel)
        )

    async def _publish(self, event: MemberJoined) -> None:
        self.adapter.spawn(self._dispatcher().publish(event), queued=True)
