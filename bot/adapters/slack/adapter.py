"""The Slack adapter: slack-bolt (Socket Mode or HTTP mode) translated to and from the core."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.in_flight import InFlight
from bot.adapters.slack.blocks import SlackMessage, Upload, render_chunks, uploads_of
from bot.adapters.slack.channels import ChannelInviter
from bot.adapters.slack.directory import PLATFORM, SlackDirectory
from bot.adapters.slack.home import HomeTabs
from bot.adapters.slack.keyed import post_keyed
from bot.adapters.slack.listeners import SlackListeners
from bot.adapters.slack.naming import slack_command_style
from bot.adapters.slack.outbox import ChannelOutbox, retry_handlers
from bot.adapters.slack.signing import verified_request
from bot.config.sections.chat import SlackConfig
from bot.core.adapter import GroupChange
from bot.core.cog import Cog, Services
from bot.core.dispatch import Dispatcher
from bot.core.events import HomeChanged
from bot.core.messages import Message, Plain
from bot.core.post_keys import KeyedSend
from bot.counted import counted
from bot.http_server import request_body

log = logging.getLogger(__name__)
TOPIC_LIMIT = 250  # conversations.setTopic
EVENTS_PATH = "/slack/events"
# Post-ack work (running handlers, replying) at once; more waits its turn so that acks, which have a
# hard 3 s deadline, keep the event loop under a burst. Replies may take 30 minutes (response_url).
WORKERS = 4
# DM failures that mean "this person cannot be messaged", as opposed to a fault worth raising.
DM_REFUSED = frozenset(
    {"cannot_dm_bot", "user_not_found", "user_disabled", "user_not_visible", "messages_tab_disabled"}
)


class SlackAdapter:
    """Receives commands, buttons, modals and events through Bolt; sends Block Kit messages."""

    platform = PLATFORM
    group_forbidden_help = "slack.group_forbidden"  # catalog key: what maintainers fix
    group_kind = "channel"  # what add_to_group joins: a channel

    def __init__(
        self,
        config: Callable[[], SlackConfig],
        services: Services,
        cogs: Callable[[], Sequence[Cog]],
        client: AsyncWebClient | None = None,
    ) -> None:
        self._config = config
        self.services = services
        self.cogs = cogs
        cfg = config()
        self.client = client or AsyncWebClient(token=cfg.bot_token)
        self.client.token = self.client.token or cfg.bot_token
        self.client.retry_handlers = retry_handlers()
        self.style = slack_command_style(cfg, services.registry)
        self.bolt = AsyncApp(
            client=self.client,
            signing_secret=cfg.signing_secret or "",
            # Each listener below acks within its budget and spawns the rest itself. Without this, Bolt
            # runs every listener in a task of its own and polls for its ack every 10 ms: at least
            # one 10 ms sleep per request, and a timer per pending ack under a burst.
            process_before_response=True,
            # handle_http checks the signature on the raw bytes before Bolt sees a request (and Socket
            # Mode has none): Bolt checking it again cost a second HMAC and parse per request.
            request_verification_enabled=False,
            raise_error_for_unhandled_request=False,
            logger=logging.getLogger("slack_bolt"),
        )
        self.directory = SlackDirectory(
            self.client, lambda: self._config().maintainer_usergroup_ids, services.clock.now
        )
        self.outbox = ChannelOutbox()
        self.session: aiohttp.ClientSession | None = None
        self._dispatcher: Dispatcher | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self.in_flight = InFlight()
        self._workers = asyncio.Semaphore(WORKERS)
        self._channel_ids: dict[str, str] = {}
        self.inviter = ChannelInviter(self.client, self.channel_id)
        self.homes = HomeTabs(
            self.client, services, cogs, self.directory.user, lambda: self._dispatcher,
            lambda: self.style.top("steward") + " help", self.spawn,
        )  # fmt: skip
        self.listeners = SlackListeners(self)
        self.listeners.register(self.bolt)
        services.bus.subscribe(HomeChanged, self.homes.changed)

    @property
    def config(self) -> SlackConfig:
        return self._config()

    @property
    def dispatcher(self) -> Dispatcher | None:
        """The core's dispatcher while started."""
        return self._dispatcher

    # -- adapter protocol -------------------------------------------------
    async def start(self, dispatcher: Dispatcher) -> None:
        self._dispatcher = dispatcher
        dispatcher.styles[PLATFORM] = self.style
        # One pooled HTTP session for every Web API call (Bolt copies it to per-request clients).
        self.session = aiohttp.ClientSession()
        self.client.session = self.session
        await self._resolve_channel_names()
        if self.config.socket_mode:
            assert self.config.app_token is not None
            self._socket = AsyncSocketModeHandler(self.bolt, self.config.app_token, web_client=self.client)
            await self._socket.connect_async()
            log.info("slack: connected in Socket Mode")
        else:
            log.info("slack: receiving HTTP requests on %s", EVENTS_PATH)

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        await self.drain(within=10)
        if self.session is not None:
            await self.session.close()
            self.session = None
        self._dispatcher = None

    async def health(self) -> dict[str, Any]:
        if self._socket is None:
            return {"ok": self._dispatcher is not None, "mode": "http"}
        connected = await self._socket.client.is_connected()
        return {"ok": connected, "mode": "socket", "in_flight": len(self.in_flight)}

    def channel_for(self, purpose: str) -> str | None:
        configured = self.config.channels.get(purpose)
        if configured is None:
            return None
        return self._channel_ids.get(configured, configured)

    async def post(self, channel_id: str, message: Message) -> str:
        refs = [await self.post_chunk(channel_id, chunk) for chunk in render_chunks(message)]
        uploads = uploads_of(message)
        if uploads:
            # Files follow the message's text; a message of files alone introduces them with its summary.
            refs.append(await self.upload(channel_id, uploads, None if refs else message.summary))
        return refs[0]

    async def post_keyed(self, channel_id: str, message: Message, send: KeyedSend) -> list[str]:
        """Post the chunks ``send`` still needs, each carrying its key in metadata (see :mod:`.keyed`)."""
        return await post_keyed(self, channel_id, message, send)

    async def upload(self, channel_id: str, uploads: Sequence[Upload], comment: str | None = None) -> str:
        """Share files in a channel or DM (files_upload_v2), in order with other posts there."""
        items = [
            {"filename": u.filename, "content": u.data, "title": u.filename, "alt_txt": u.alt_txt}
            for u in uploads
        ]
        resp = await self.outbox.send(
            channel_id,
            lambda: self.client.files_upload_v2(
                file_uploads=items, channel=channel_id, initial_comment=comment
            ),
        )
        files = resp.get("files") or [{}]
        return f"{channel_id}:{files[0].get('id', '')}"

    async def post_chunk(
        self, channel_id: str, chunk: SlackMessage, metadata: dict[str, Any] | None = None
    ) -> str:
        """Post one rendered message in channel order; returns ``channel:ts``."""
        resp = await self.outbox.send(
            channel_id,
            lambda: self.client.chat_postMessage(
                channel=channel_id,
                blocks=chunk.blocks,
                text=chunk.text,
                unfurl_links=False,
                metadata=metadata,
            ),
        )
        return f"{resp.get('channel', channel_id)}:{resp.get('ts', '')}"

    async def send_dm(self, user_id: str, message: Message) -> bool:
        try:
            channel = await self.directory.dm_channel(user_id)
            await self.post(channel, message)
        except SlackApiError as exc:
            if exc.response.get("error") in DM_REFUSED:
                return False
            raise
        return True

    async def set_topic(self, channel_id: str, text: str) -> bool:
        if len(text) > TOPIC_LIMIT:  # never a cut topic: the channel reads it whole as a message
            log.info("slack: a topic of %d characters is posted in %s instead", len(text), channel_id)
            await self.post(channel_id, Message.text(Plain(text)))
            return True
        try:
            # Topics are plain text: no formatting and no mentions.
            await self.client.conversations_setTopic(channel=channel_id, topic=text)
        except SlackApiError as exc:
            log.warning("slack: setting the topic of %s failed: %s", channel_id, exc.response.get("error"))
            return False
        return True

    async def add_to_group(self, user_id: str, group_id: str, reason: str) -> GroupChange:
        """Invite the user to the channel ``group_id`` (an id or ``#name``)."""
        return await self.inviter.invite(user_id, group_id)

    async def remove_from_group(self, user_id: str, group_id: str, reason: str) -> GroupChange:
        # Leaving a channel is the person's choice: the bot does not kick anyone out of a conversation.
        return GroupChange.UNSUPPORTED

    async def channel_id(self, channel: str) -> str | None:
        """A channel id for an id or ``#name`` (names are looked up once, then cached)."""
        if not channel.startswith("#"):
            return channel
        if channel not in self._channel_ids:
            await self._resolve_channel_names({channel})
        return self._channel_ids.get(channel)

    # -- helpers ----------------------------------------------------------
    async def dm_channel(self, user_id: str) -> str:
        """The id of the bot's DM conversation with ``user_id``."""
        return await self.directory.dm_channel(user_id)

    def t(self, locale: str | None, key: str, **params: Any) -> str:
        return self.services.catalog.translate(locale or self.services.config.project.locale, key, **params)

    def spawn(self, coro: Coroutine[Any, Any, Any], queued: bool = False) -> asyncio.Task[Any]:
        """Run work after the ack; tracked so stop() and tests can wait for it.

        ``queued`` work waits for one of the WORKERS slots (commands, buttons, events).
        """
        task = self.in_flight.spawn(self._in_turn(coro) if queued else coro)
        task.add_done_callback(_log_failure)
        return task

    async def _in_turn(self, coro: Coroutine[Any, Any, Any]) -> Any:
        async with self._workers:
            return await coro

    async def drain(self, within: float | None = None) -> None:
        """Wait until all work started by earlier requests (including work it started) is done."""
        still = await self.in_flight.settle(within)
        if still:
            log.warning("slack: %s still running at shutdown", counted(still, "task", "tasks"))

    async def handle_http(self, request: web.Request) -> web.StreamResponse:
        """``POST /slack/events``: commands, events and interactivity. The signature is checked on
        the raw bytes first (401), then the body must parse (400), and only then does Bolt see it."""
        # Slack's clock, not the bot's (which tests may move), dates the signature.
        secret = self.config.signing_secret or ""
        body = await request_body(request)
        bolt_request = verified_request(secret, body, request.headers, request.query_string, time.time())
        if isinstance(bolt_request, web.Response):
            return bolt_request
        if self._dispatcher is None:
            return web.Response(status=503, text="starting")
        bolt_response = await self.bolt.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

    async def _resolve_channel_names(self, wanted: set[str] | None = None) -> None:
        names = wanted or {c for c in self.config.channels.values() if c.startswith("#")}
        if not names:
            return
        cursor = None
        try:
            while True:
                resp = await self.client.conversations_list(
                    types="public_channel,private_channel", exclude_archived=True, limit=1000, cursor=cursor
                )
                for ch in resp.get("channels") or []:
                    if f"#{ch.get('name')}" in names:
                        self._channel_ids[f"#{ch['name']}"] = ch["id"]
                cursor = (resp.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    break
        except SlackApiError as exc:
            log.warning("slack: could not resolve channel names: %s", exc.response.get("error"))
        for name in sorted(names - set(self._channel_ids)):
            log.warning("slack: channel %s not found (is the bot invited?); posting by name", name)

    def style_commands(self) -> dict[str, str]:
        """Slack command name -> core group."""
        return {self.style.top(group): group for group in self.services.registry.top_level()}

    async def publish_home(self, user_id: str) -> None:
        """Render and publish ``user_id``'s Home tab."""
        await self.homes.publish(user_id)


def _log_failure(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("slack: background work failed", exc_info=task.exception())
