"""A loopback Slack: Web API, file uploads, response_url endpoints and a Socket Mode websocket, on one
aiohttp server.

It answers the way Slack does where Steward depends on it: tokens are checked, Block Kit is validated
against Slack's documented limits (``invalid_blocks`` otherwise), 429s with ``Retry-After`` can be
injected, and every call is recorded so tests assert on what Slack received.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

from tests.fakes import LISTEN_BACKLOG
from tests.fakes.slack.blocks import validate_blocks
from tests.fakes.slack.files import FileEndpoints
from tests.fakes.slack.history import accepted_metadata, history
from tests.fakes.slack.records import ApiCall, FakeUser, Recorded


@dataclass
class _ResponseUrl:
    user: str
    channel: str
    uses: int = 0


class FakeSlack:
    """The fake server; ``api_url`` goes into ``AsyncWebClient(base_url=...)``."""

    def __init__(self, bot_token: str = "xoxb-test-token", app_token: str = "xapp-test-token") -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.users: dict[str, FakeUser] = {}
        self.usergroups: dict[str, list[str]] = {}
        self.channels: dict[str, str] = {}  # id -> name
        self.calls: list[ApiCall] = []
        self.recorded: list[Recorded] = []
        self.triggers: dict[str, str] = {}  # trigger_id -> user id
        self.topics: dict[str, str] = {}
        self._rate_limits: dict[str, list[int]] = {}
        self._failures: dict[str, list[str | None]] = {}  # per call: an error, or None to answer
        self._response_urls: dict[str, _ResponseUrl] = {}
        self._ids = itertools.count(1)
        self._ts = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.sockets: list[web.WebSocketResponse] = []
        self.socket_connected = asyncio.Event()
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.envelope_acks: list[dict[str, Any]] = []
        self.not_member: set[str] = set()  # channels the bot was not invited to (not_in_channel)
        self.channel_members: dict[str, set[str]] = {}  # channel -> users invited by the bot
        self.file_api = FileEndpoints(
            lambda: self.base, self.calls, self.recorded.append, self._channel_error, self._new_ts
        )

    # -- lifecycle --------------------------------------------------------
    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/response/{rid}", self._response)
        app.router.add_post("/upload/v1/{key}", self.file_api.upload)
        app.router.add_get("/link/", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, backlog=LISTEN_BACKLOG)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        for ws in list(self.sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base + "/api/"

    # -- test controls ----------------------------------------------------
    def add_user(self, user_id: str, name: str, locale: str = "en-US", is_bot: bool = False) -> FakeUser:
        self.users[user_id] = FakeUser(user_id, name, locale, is_bot)
        return self.users[user_id]

    def rate_limit(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` get HTTP 429 with ``Retry-After``."""
        self._rate_limits.setdefault(method, []).extend([retry_after] * times)

    def fail(self, method: str, error: str = "internal_error", times: int = 1, after: int = 0) -> None:
        """After ``after`` calls of ``method`` that work, ``times`` answer ok=false with ``error``."""
        self._failures.setdefault(method, []).extend([None] * after + [error] * times)

    def new_response_url(self, user: str, channel: str) -> str:
        rid = f"R{next(self._ids)}"
        self._response_urls[rid] = _ResponseUrl(user, channel)
        return f"{self.base}/response/{rid}"

    def new_trigger(self, user: str) -> str:
        trigger = f"{next(self._ids)}.trigger"
        self.triggers[trigger] = user
        return trigger

    def calls_of(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    # -- web API ----------------------------------------------------------
    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        raw = await request.read()
        if raw:
            if request.content_type == "application/json":
                args.update(json.loads(raw))
            else:
                args.update(parse_qsl(raw.decode()))
        for key in ("blocks", "view"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        pending = self._rate_limits.get(method)
        if pending:
            retry_after = pending.pop(0)
            self.calls.append(ApiCall(method, args, 429, "ratelimited"))
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(retry_after)}
            )
        token = request.headers.get("Authorization", "").removeprefix("Bearer ") or args.get("token", "")
        expected = self.app_token if method == "apps.connections.open" else self.bot_token
        if token != expected:
            return self._answer(method, args, {"ok": False, "error": "invalid_auth"})
        if (failures := self._failures.get(method)) and (error := failures.pop(0)) is not None:
            return self._answer(method, args, {"ok": False, "error": error})
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if method.startswith("files."):
            handler = getattr(self.file_api, method.replace(".", "_"), None)
        if handler is None:
            return self._answer(method, args, {"ok": False, "error": "unknown_method"})
        return self._answer(method, args, handler(args))

    def _answer(self, method: str, args: dict[str, Any], body: dict[str, Any]) -> web.Response:
        self.calls.append(ApiCall(method, args, 200, None if body.get("ok") else body.get("error")))
        return web.json_response(body)

    def _new_ts(self) -> str:
        # Slack's ts is the posting time (seconds.sequence); real seconds, so a bot reading history
        # "since" a wall-clock moment finds what was posted after it. The counter keeps ts increasing.
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _channel_error(self, channel: str) -> str | None:
        """Why the bot cannot post in ``channel`` (None when it can)."""
        if channel[:1] not in ("C", "G", "D", "#") or (
            channel.startswith("D") and channel[1:] not in self.users
        ):
            return "channel_not_found"
        if channel in self.not_member:
            return "not_in_channel"
        return None

    def _message_errors(self, args: dict[str, Any]) -> dict[str, Any] | None:
        if (error := self._channel_error(str(args.get("channel", "")))) is not None:
            return {"ok": False, "error": error}
        blocks = args.get("blocks")
        if blocks is None and not args.get("text"):
            return {"ok": False, "error": "no_text"}
        errors = validate_blocks(blocks or [], 50)
        if errors:
            return {"ok": False, "error": "invalid_blocks", "errors": errors}
        return None

    def _m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://fake.slack.com/",
            "team": "Fake",
            "user": "steward",
            "team_id": "T0001",
            "user_id": "U0BOT",
            "bot_id": "B0BOT",
            "is_enterprise_install": False,
        }

    def _m_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/link/?ticket=t{next(self._ids)}&app_id=A0001"}

    def _m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        if (err := self._message_errors(args)) is not None:
            return err
        channel = str(args["channel"])
        ts = self._new_ts()
        owner = next((u for u in self.users if f"D{u}" == channel), None)
        metadata, warnings = accepted_metadata(args.get("metadata"))
        self.recorded.append(
            Recorded(
                "message",
                channel,
                owner,
                args.get("blocks") or [],
                args.get("text", ""),
                ts=ts,
                metadata=metadata,
            )
        )
        answer: dict[str, Any] = {
            "ok": True,
            "channel": channel,
            "ts": ts,
            "message": {"text": args.get("text", "")},
        }
        if warnings:
            answer["response_metadata"] = {"warnings": warnings}
        return answer

    def _m_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        if (error := self._channel_error(str(args.get("channel", "")))) is not None:
            return {"ok": False, "error": error}
        return history(self.recorded, args)

    def _m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        if (err := self._message_errors(args)) is not None:
            return err
        self.recorded.append(
            Recorded(
                "ephemeral",
                str(args["channel"]),
                str(args["user"]),
                args.get("blocks") or [],
                args.get("text", ""),
                ephemeral=True,
            )
        )
        return {"ok": True, "message_ts": self._new_ts()}

    def _m_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("users", ""))
        if user not in self.users:
            return {"ok": False, "error": "user_not_found"}
        if self.users[user].is_bot:
            return {"ok": False, "error": "cannot_dm_bot"}
        return {"ok": True, "channel": {"id": f"D{user}"}}

    def _m_conversations_setTopic(self, args: dict[str, Any]) -> dict[str, Any]:
        topic = str(args.get("topic", ""))
        if len(topic) > 250:
            return {"ok": False, "error": "too_long"}
        self.topics[str(args["channel"])] = topic
        return {"ok": True, "channel": {"id": args["channel"], "topic": {"value": topic}}}

    def _m_conversations_invite(self, args: dict[str, Any]) -> dict[str, Any]:
        # https://docs.slack.dev/reference/methods/conversations.invite: up to 1000 comma-separated ids;
        # one user already there is an error (already_in_channel), the bot itself is cant_invite_self.
        channel = str(args.get("channel", ""))
        if channel[:1] not in ("C", "G"):
            wrong_kind = "method_not_supported_for_channel_type"
            return {"ok": False, "error": wrong_kind if channel[:1] == "D" else "channel_not_found"}
        if (error := self._channel_error(channel)) is not None:
            return {"ok": False, "error": error}
        users = [u for u in str(args.get("users", "")).split(",") if u]
        if not users or len(users) > 1000:
            return {"ok": False, "error": "invalid_arguments"}
        if "U0BOT" in users:
            return {"ok": False, "error": "cant_invite_self"}
        if any(u not in self.users for u in users):
            return {"ok": False, "error": "user_not_found"}
        members = self.channel_members.setdefault(channel, set())
        if all(u in members for u in users):
            return {"ok": False, "error": "already_in_channel"}
        members.update(users)
        return {"ok": True, "channel": {"id": channel, "name": self.channels.get(channel, channel)}}

    def _m_conversations_list(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "channels": [{"id": i, "name": n} for i, n in self.channels.items()],
            "response_metadata": {"next_cursor": ""},
        }

    def _m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(args.get("user", "")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        body: dict[str, Any] = {
            "id": user.id,
            "name": user.name,
            "real_name": user.name,
            "is_bot": user.is_bot,
            "profile": {"display_name": user.name, "real_name": user.name},
        }
        if str(args.get("include_locale", "")).lower() in ("true", "1"):
            body["locale"] = user.locale
        return {"ok": True, "user": body}

    def _m_usergroups_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        group = str(args.get("usergroup", ""))
        if group not in self.usergroups:
            return {"ok": False, "error": "no_such_subteam"}
        return {"ok": True, "users": list(self.usergroups[group])}

    def _m_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        trigger = str(args.get("trigger_id", ""))
        if trigger not in self.triggers:
            return {"ok": False, "error": "invalid_trigger_id"}
        view = args.get("view") or {}
        title = (view.get("title") or {}).get("text", "")
        errors = validate_blocks(view.get("blocks") or [], 100, surface="modal")
        if not 1 <= len(title) <= 24 or len(view.get("private_metadata", "")) > 3000:
            errors.append("title must be 1..24 characters and private_metadata at most 3000")
        if errors:
            return {"ok": False, "error": "invalid_arguments", "response_metadata": {"messages": errors}}
        view_id = f"V{next(self._ids)}"
        self.recorded.append(
            Recorded(
                "modal",
                None,
                self.triggers.pop(trigger),
                view["blocks"],
                title,
                True,
                view={**view, "id": view_id},
            )
        )
        return {"ok": True, "view": {**view, "id": view_id}}

    def _m_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        view = args.get("view") or {}
        errors = validate_blocks(view.get("blocks") or [], 100, surface="home")
        if errors:
            return {"ok": False, "error": "invalid_arguments", "response_metadata": {"messages": errors}}
        self.recorded.append(Recorded("home", None, str(args["user_id"]), view["blocks"], "", view=view))
        return {"ok": True, "view": {**view, "id": f"V{next(self._ids)}"}}

    def command_answered(self, user: str, channel: str, answer: dict[str, Any]) -> None:
        """A slash command's ack carried a message: Slack shows it as it shows a response_url post."""
        errors = self._show_response(user, channel, answer, in_ack=True)
        if errors:
            # Slack shows the person an error instead of the answer; a test must hear of it.
            raise AssertionError(f"the ack's message has invalid blocks: {errors}")

    def _show_response(self, user: str, channel: str, body: dict[str, Any], in_ack: bool) -> list[str]:
        """Record a command's message (ephemeral unless in_channel) if its blocks are valid; the errors."""
        blocks = body.get("blocks") or []
        errors = validate_blocks(blocks, 50)
        if not errors:
            ephemeral = body.get("response_type", "ephemeral") != "in_channel"
            text = body.get("text", "")
            self.recorded.append(Recorded("response", channel, user, blocks, text, ephemeral, in_ack=in_ack))
        return errors

    # -- response_url -----------------------------------------------------
    async def _response(self, request: web.Request) -> web.Response:
        url = self._response_urls.get(request.match_info["rid"])
        body = await request.json()
        if url is None or url.uses >= 5:
            return web.Response(status=404, text="used_url")
        if self._show_response(url.user, url.channel, body, in_ack=False):
            return web.Response(status=400, text="invalid_blocks")
        url.uses += 1
        return web.Response(text="ok")

    # -- Socket Mode ------------------------------------------------------
    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": len(self.sockets),
                "debug_info": {"host": "fake", "approximate_connection_time": 3600},
                "connection_info": {"app_id": "A0001"},
            }
        )
        self.socket_connected.set()
        try:
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    data = json.loads(msg.data)
                    self.envelope_acks.append(data)
                    future = self._acks.pop(str(data.get("envelope_id")), None)
                    if future is not None and not future.done():
                        future.set_result(data)
        finally:
            self.sockets.remove(ws)
        return ws

    async def send_envelope(self, kind: str, payload: dict[str, Any], wait: float = 5) -> dict[str, Any]:
        """Deliver one Socket Mode envelope and wait for the app's ack (what it returns)."""
        await asyncio.wait_for(self.socket_connected.wait(), wait)
        envelope_id = f"env-{next(self._ids)}"
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._acks[envelope_id] = future
        await self.sockets[-1].send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": True,
                "retry_attempt": 0,
                "retry_reason": "",
            }
        )
        return await asyncio.wait_for(future, wait)


@dataclass
class SlackWorld:
    """Convenience: a fake plus stable user ids for names used in tests."""

    fake: FakeSlack
    ids: dict[str, str] = field(default_factory=dict)

    def user(self, name: str, locale: str = "en-US") -> str:
        if name not in self.ids:
            self.ids[name] = f"U{len(self.ids) + 1:08d}"
            self.fake.add_user(self.ids[name], name, locale)
        return self.ids[name]
