"""Answering one Slack command, button press or modal submission."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any, Protocol

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.adapters.slack.blocks import SlackMessage, Upload, render_chunks, uploads_of
from bot.adapters.slack.forms import form_view
from bot.adapters.slack.outbox import ChannelOutbox, retry_handlers, with_retries
from bot.core.messages import Context, Form, Message, Section

log = logging.getLogger(__name__)
RESPONSE_URL_USES = 5  # Slack accepts up to five posts to one response_url
# Upload failures that mean "the bot may not share files in this channel" (it was not invited).
CHANNEL_REFUSED = frozenset({"not_in_channel", "channel_not_found", "is_archived"})


class ResponseUrlError(RuntimeError):
    """Slack refused a post to a response_url."""


class ReplyPort(Protocol):
    """What answering needs from the Slack adapter, and nothing more: the Web API client and its
    session, the per-channel outbox, the catalog, and posting, uploading and DMs."""

    client: AsyncWebClient
    session: aiohttp.ClientSession | None
    outbox: ChannelOutbox

    def t(self, locale: str | None, key: str, **params: Any) -> str: ...

    async def dm_channel(self, user_id: str) -> str: ...

    async def upload(self, channel_id: str, uploads: Sequence[Upload], comment: str | None = None) -> str: ...

    async def post_chunk(self, channel_id: str, chunk: SlackMessage) -> str: ...

    async def send_dm(self, user_id: str, message: Message) -> bool: ...


class AckAnswer:
    """A slash command's answer, carried by the ack when it is the only thing the command showed
    before the ack is due (the handler ended, or the budget ran out).

    Slack shows a message carried by the ack body as it shows one posted to the response_url, and it
    spares a second HTTP round trip. Anything more (a second reply, a DM) sends the held answer through
    the response_url first, so that people see everything in the order it was sent.
    """

    def __init__(self) -> None:
        self.chunk: SlackMessage | None = None
        self.ephemeral = True
        self.settled = asyncio.Event()  # the ack may be sent now
        self.acked = asyncio.Event()
        self._open = True

    def hold(self, chunk: SlackMessage, ephemeral: bool) -> bool:
        """Keep ``chunk`` for the ack; False when the ack is gone or holds an answer already."""
        if not self._open or self.chunk is not None:
            return False
        self.chunk, self.ephemeral = chunk, ephemeral
        return True

    def take_back(self) -> tuple[SlackMessage, bool] | None:
        """Close the ack empty, returning the answer it held (None if it held none or has gone)."""
        held = (self.chunk, self.ephemeral) if self._open and self.chunk is not None else None
        if held is not None:
            self.chunk = None
        self.close()
        return held

    def close(self) -> None:
        """Nothing more goes into the ack: it may be sent now."""
        self._open = False
        self.settled.set()

    def ack_args(self) -> dict[str, Any]:
        """Bolt ``ack()`` keyword arguments: the answer, if one is held."""
        if self.chunk is None:
            return {}
        return {
            "text": self.chunk.text,
            "blocks": self.chunk.blocks,
            "response_type": "ephemeral" if self.ephemeral else "in_channel",
        }


class SlackResponder:
    """Replies in the ack when it is still open, then through the response_url while it lasts, then
    through the Web API."""

    def __init__(
        self,
        adapter: ReplyPort,
        user_id: str,
        channel_id: str | None,
        response_url: str | None = None,
        trigger_id: str | None = None,
        locale: str | None = None,
        ack_answer: AckAnswer | None = None,
    ) -> None:
        self.adapter = adapter
        self.user_id = user_id
        self.channel_id = channel_id
        self.response_url = response_url
        self.trigger_id = trigger_id
        self.locale = locale
        self.ack_answer = ack_answer
        self._uses = 0

    async def reply(self, message: Message, ephemeral: bool) -> None:
        uploads = uploads_of(message)
        in_dm = self.channel_id is None or self.channel_id.startswith("D")
        if uploads and ephemeral and not in_dm:
            notice = self.adapter.t(self.locale, "slack.files.sent_to_dm", files=_names(uploads))
            message = Message([*message.blocks, Context(notice)], message.summary)
        chunks = render_chunks(message)
        if self.ack_answer is not None:
            if len(chunks) == 1 and not uploads and self.ack_answer.hold(chunks[0], ephemeral):
                return
            await self._after_ack()
        for chunk in chunks:
            await self._send(chunk, ephemeral)
        if uploads:
            await self._upload(uploads, private=ephemeral or in_dm)

    async def _upload(self, uploads: list[Upload], private: bool) -> None:
        """Share a reply's files after its text.

        A response_url reply carries only text and blocks, and an ephemeral message cannot hold files,
        so files go through files.completeUploadExternal: a public reply's files to its channel, a
        private reply's to the person's DM (a file shared in a channel is visible to everyone in it).
        """
        if not private and self.channel_id is not None:
            try:
                await self.adapter.upload(self.channel_id, uploads)
                return
            except SlackApiError as exc:
                if exc.response.get("error") not in CHANNEL_REFUSED:
                    raise
                log.info("slack: cannot share files in %s (%s); sending them by DM", self.channel_id,
                         exc.response.get("error"))  # fmt: skip
            dm = await self.adapter.dm_channel(self.user_id)
            await self.adapter.upload(dm, uploads)
            text = self.adapter.t(self.locale, "slack.files.channel_refused", files=_names(uploads))
            await self.reply(Message.text(text), True)
            return
        dm = await self.adapter.dm_channel(self.user_id)
        await self.adapter.upload(dm, uploads)

    async def _send(self, chunk: SlackMessage, ephemeral: bool) -> None:
        if self.response_url and self._uses < RESPONSE_URL_USES:
            self._uses += 1
            await with_retries(lambda: self._respond(chunk, ephemeral), what="response_url")
            return
        client = self.adapter.client
        channel = self.channel_id
        if channel is None or channel.startswith("D"):
            channel = await self.adapter.dm_channel(self.user_id)
            ephemeral = False  # a DM is private already
        if ephemeral:
            await self.adapter.outbox.send(
                channel,
                lambda: client.chat_postEphemeral(
                    channel=channel, user=self.user_id, blocks=chunk.blocks, text=chunk.text
                ),
            )
        else:
            await self.adapter.post_chunk(channel, chunk)

    async def _respond(self, chunk: SlackMessage, ephemeral: bool) -> None:
        assert self.response_url is not None
        hook = AsyncWebhookClient(
            self.response_url, session=self.adapter.session, retry_handlers=retry_handlers()
        )
        resp = await hook.send(
            text=chunk.text,
            blocks=chunk.blocks,
            response_type="ephemeral" if ephemeral else "in_channel",
            replace_original=False,
        )
        if resp.status_code != 200:
            raise ResponseUrlError(f"response_url refused the reply: {resp.status_code} {resp.body}")

    async def _after_ack(self) -> None:
        """Wait for the ack (now sent empty if it was still open), then show what it held."""
        assert self.ack_answer is not None
        held = self.ack_answer.take_back()
        await self.ack_answer.acked.wait()
        if held is not None:
            await self._send(*held)

    async def defer(self, ephemeral: bool) -> None:
        # The answer will be late: acknowledge now (empty); replies take the response_url afterwards.
        if self.ack_answer is not None:
            self.ack_answer.close()

    async def send_dm(self, message: Message) -> bool:
        if self.ack_answer is not None:
            await self._after_ack()
        return await self.adapter.send_dm(self.user_id, message)

    async def open_form(self, form: Form) -> None:
        if not self.trigger_id:
            await self.reply(Message.text(self.adapter.t(self.locale, "slack.form.no_trigger")), True)
            return
        view = form_view(
            form,
            self.adapter.t(self.locale, "slack.form.submit"),
            self.adapter.t(self.locale, "slack.form.cancel"),
            self.channel_id,
            self.locale,
        )
        try:
            await self.adapter.client.views_open(trigger_id=self.trigger_id, view=view)
        except SlackApiError as exc:
            # expired_trigger_id: the handler took longer than Slack's 3 s; the person can retry.
            log.warning("views.open failed: %s", exc.response.get("error"))
            await self.reply(Message.text(self.adapter.t(self.locale, "slack.form.expired")), True)

    async def late_form_errors(self, task: asyncio.Task[Any]) -> None:
        """Validation errors of a form whose modal had to close before they were known, as a message."""
        errors = await task
        if errors:
            text = "\n".join(f"{qid}: {err}" for qid, err in errors.items())
            await self.reply(
                Message([Section(self.adapter.t(self.locale, "slack.form.late_errors")), Section(text)]), True
            )


def _names(uploads: list[Upload]) -> str:
    return ", ".join(u.filename for u in uploads)
