"""A loopback Discord: REST under /api/v10 and a gateway, enough for real, unpatched discord.py.

It records what the bot sent and rejects what Discord would reject: payloads over the documented
limits (:mod:`tests.fakes.discord.rules`), answering an interaction twice or after 3 seconds, DMs to
people whose DMs are closed. ``rate_limit`` makes the next matching request return a 429, and the
global limit (50 requests per second for every bot, PLATFORM-NOTES A6; interaction endpoints are
exempt) answers a 429 with ``global: true`` to whatever goes over it. Tests that need a burst to run
fast shrink ``global_window`` (the limit per window stays Discord's).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import discord
from aiohttp import web

from tests.fakes import LISTEN_BACKLOG
from tests.fakes.discord import rules
from tests.fakes.discord.gateway import GUILD_MEMBERS, GatewaySession, handle_gateway
from tests.fakes.discord.idempotency import NonceBook
from tests.fakes.discord.payloads import (
    FakeChannel,
    FakeUser,
    message_payload,
    snowflake,
)
from tests.fakes.discord.routing import ShardedGateway
from tests.fakes.discord.sharding import GUILDS_PER_SHARD, snowflake_on_shard

EPHEMERAL = 1 << 6
MAX_ATTACHMENTS = 10
REQUEST_LIMIT = 25 * 1024 * 1024  # "The maximum request size when sending a message is 25 MiB"
INTERACTION_WINDOW = 3.0
_MENTION_RE = re.compile(r"<@!?(\d+)>")


@dataclass
class FakeMessage:
    """A message the bot created (channel post, DM, interaction response or follow-up)."""

    id: str
    channel_id: str
    body: dict[str, Any]
    payload: dict[str, Any]
    ephemeral: bool = False
    interaction_id: str | None = None
    pinged_everyone: bool = False
    pinged_users: list[str] = field(default_factory=list)
    files: list[tuple[str, bytes]] = field(default_factory=list)  # attachments: (filename, bytes)
    created: float = field(default_factory=time.monotonic)


@dataclass
class FakeInteraction:
    """An interaction the fake dispatched and what the bot answered."""

    id: str
    token: str
    type: int
    user_id: str
    channel_id: str
    payload: dict[str, Any]
    created: float = field(default_factory=time.monotonic)
    response_type: int | None = None
    response_at: float | None = None
    response: dict[str, Any] | None = None
    messages: list[str] = field(default_factory=list)
    answered: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def latency(self) -> float | None:
        return None if self.response_at is None else self.response_at - self.created


@dataclass
class RateLimitRule:
    method: str
    path: re.Pattern[str]
    retry_after: float
    times: int
    hits: list[float] = field(default_factory=list)  # when each 429 was sent
    retried_at: list[float] = field(default_factory=list)  # when the next request came


class DiscordError(Exception):
    def __init__(self, status: int, code: int, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors or []


def _json(data: Any, status: int = 200) -> web.Response:
    # discord.py only parses JSON when the Content-Type is exactly application/json (PLATFORM-NOTES E).
    return web.Response(
        status=status, body=json.dumps(data).encode(), headers={"Content-Type": "application/json"}
    )


def _error_tree(errors: list[str]) -> dict[str, Any]:
    """Discord's nested ``errors`` object (field -> ``_errors`` list), which discord.py flattens."""
    tree: dict[str, Any] = {}
    for problem in errors:
        field_name, _, message = problem.partition(": ")
        if not message:
            field_name, message = "_errors", problem
        entry = tree.setdefault(field_name, {"_errors": []})
        entry["_errors"].append({"code": "INVALID_FORM_BODY", "message": message})
    return tree


class FakeDiscord(ShardedGateway):
    """One application, one guild (``add_guild`` adds more), named users; ``await fake.start()``.

    Sharded bots get each guild's events on the shard that owns it (:mod:`.sharding`).
    """

    def __init__(
        self,
        token: str = "fake-bot-token",
        privileged_intents: int = GUILD_MEMBERS,
        global_limit: int = 50,
        global_window: float = 1.0,
    ) -> None:
        self.token = token
        self.global_limit = global_limit
        self.global_window = global_window
        self.global_429s = 0
        self._recent: deque[float] = deque()
        self.privileged_intents = privileged_intents
        self.bot = FakeUser(snowflake(), "steward-bot", bot=True)
        self.application_id = self.bot.id
        self.guild_id = snowflake()
        self.guilds: dict[str, str] = {self.guild_id: "Fake Guild"}  # id -> name
        self.recommended_shards = 1  # "shards" in GET /gateway/bot
        self.guilds_per_shard = GUILDS_PER_SHARD  # more on one shard: IDENTIFY closed with 4011
        self.session_start_limit = {"total": 1000, "remaining": 1000, "reset_after": 86_400_000,
                                    "max_concurrency": 1}  # fmt: skip
        self.users: dict[str, FakeUser] = {self.bot.id: self.bot}
        self.channels: dict[str, FakeChannel] = {}
        self.roles: list[str] = []
        self.can_manage_roles = True  # the bot's role has Manage Roles
        self.roles_above_bot: set[str] = set()  # roles the bot may not give (higher than its own)
        self.audit_log: list[tuple[str, str, str, str | None]] = []  # (method, user, role, reason)
        self.members: list[str] = []
        self.sessions: dict[str, GatewaySession] = {}
        self.interactions: dict[str, FakeInteraction] = {}
        self.messages: dict[str, FakeMessage] = {}
        self.nonces = NonceBook()  # enforce_nonce de-duplication (tests shrink or expire its window)
        self.nonce_repeats = 0  # sends answered with the original message instead of a new one
        self.history_reads: list[tuple[str, dict[str, str]]] = []  # (channel, query) per history read
        self.guild_commands: dict[str, list[dict[str, Any]]] = {}
        self.global_commands: list[dict[str, Any]] = []
        self.requests: list[tuple[str, str, Any]] = []
        self.rejections: list[tuple[str, str, list[str]]] = []
        self.rate_limits: list[RateLimitRule] = []
        self.gateway_log: list[dict[str, Any]] = []
        self.gateway_queries: list[dict[str, str]] = []
        self.refused_intents: list[int] = []
        self.refused_shards: list[tuple[Any, str]] = []  # (what IDENTIFY asked for, why refused)
        self.identified: list[tuple[tuple[int, int], float]] = []  # (shard, when) per accepted IDENTIFY
        self.resumes = 0
        self.attachment_size_limit = 10 * 1024 * 1024  # per file; sent in interactions, enforced on upload
        self.port = 0
        self._runner: web.AppRunner | None = None

    # -- lifecycle --------------------------------------------------------
    async def start(self) -> None:
        app = web.Application(middlewares=[self._middleware])
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, backlog=LISTEN_BACKLOG)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        return await handle_gateway(self, request)

    async def stop(self) -> None:
        for session in self.sessions.values():
            if session.connection is not None:
                await session.connection.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @contextmanager
    def patched_discord_py(self) -> Iterator[None]:
        """Point discord.py at this fake: REST base and gateway URL, the two documented entry points.

        Patching is the only way: discord.py has no option for another API host (PLATFORM-NOTES A7).
        """
        compression = discord.utils._ActiveDecompressionContext.COMPRESSION_TYPE
        if compression != "zlib-stream":
            raise RuntimeError(f"discord.py would ask for {compression}; the fake speaks zlib-stream only")
        old_base, old_gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        discord.http.Route.BASE = self.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = discord.gateway.yarl.URL(self.gateway_url)
        try:
            yield
        finally:
            discord.http.Route.BASE = old_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway

    # -- world ------------------------------------------------------------
    def add_user(self, name: str, *, roles: tuple[str, ...] = (), dms_open: bool = True) -> FakeUser:
        user = FakeUser(snowflake(), name, dms_open=dms_open, roles=list(roles))
        self.users[user.id] = user
        self.members.append(user.id)
        return user

    def user_named(self, name: str) -> FakeUser:
        for user in self.users.values():
            if user.name == name:
                return user
        raise KeyError(name)

    def add_guild(self, name: str, shard: tuple[int, int] | None = None) -> str:
        """Another guild the bot is in; ``shard=(id, count)`` picks an id that shard owns."""
        guild_id = snowflake_on_shard(*shard) if shard else snowflake()
        self.guilds[guild_id] = name
        return guild_id

    def add_channel(self, name: str, guild_id: str | None = None) -> FakeChannel:
        channel = FakeChannel(snowflake(), name, guild_id=guild_id or self.guild_id)
        self.channels[channel.id] = channel
        return channel

    def add_role(self) -> str:
        role = snowflake()
        self.roles.append(role)
        return role

    def channel_messages(self, channel_id: str) -> list[FakeMessage]:
        return [m for m in self.messages.values() if m.channel_id == channel_id]

    def dm_messages(self, user_id: str) -> list[FakeMessage]:
        ids = {c.id for c in self.channels.values() if c.recipient == user_id}
        return [m for m in self.messages.values() if m.channel_id in ids]

    def rate_limit(self, method: str, path: str, retry_after: float, times: int = 1) -> RateLimitRule:
        """The next ``times`` requests matching ``method`` and the path regex get a 429."""
        rule = RateLimitRule(method, re.compile(path), retry_after, times)
        self.rate_limits.append(rule)
        return rule

    # -- interactions -----------------------------------------------------
    def interaction_payload(
        self, kind: int, user: FakeUser, channel_id: str, data: dict[str, Any], **extra: Any
    ) -> FakeInteraction:
        iid = snowflake()
        token = f"itoken-{iid}"
        channel = self.channels[channel_id]
        where: dict[str, Any] = (
            {"guild_id": channel.guild_id, "member": user.member(channel.guild_id), "context": 0}
            if channel.guild_id
            else {"user": user.payload(), "context": 1}
        )
        payload: dict[str, Any] = {
            "id": iid,
            "application_id": self.application_id,
            "type": kind,
            "data": data,
            **where,
            "channel_id": channel_id,
            "channel": channel.payload(self.users),
            "token": token,
            "version": 1,
            "locale": user.locale,
            "guild_locale": "en-US",
            "app_permissions": "2248473465835073",
            "attachment_size_limit": self.attachment_size_limit,
            "entitlements": [],
            "authorizing_integration_owners": {"0": channel.guild_id or self.guild_id},
            **extra,
        }
        interaction = FakeInteraction(iid, token, kind, user.id, channel_id, payload)
        self.interactions[iid] = interaction
        return interaction

    async def send_interaction(self, interaction: FakeInteraction) -> FakeInteraction:
        interaction.created = time.monotonic()
        await self.dispatch("INTERACTION_CREATE", interaction.payload)
        return interaction

    # -- REST -------------------------------------------------------------
    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path == "/gateway":
            return await handler(request)
        if self._over_global_limit(request.path):
            self.global_429s += 1
            return self._too_many(self.global_window, scope="global")
        for rule in self.rate_limits:
            if rule.method == request.method and rule.path.search(request.path):
                if rule.hits and len(rule.retried_at) < len(rule.hits):
                    rule.retried_at.append(time.monotonic())
                if rule.times > 0:
                    rule.times -= 1
                    rule.hits.append(time.monotonic())
                    return self._too_many(rule.retry_after, scope="user")
        try:
            return await handler(request)
        except DiscordError as exc:
            self.rejections.append((request.method, request.path, exc.errors or [exc.message]))
            return _json(
                {"code": exc.code, "message": exc.message, "errors": _error_tree(exc.errors)}, exc.status
            )

    def _over_global_limit(self, path: str) -> bool:
        """Count a REST request against the global limit; interaction endpoints are not bound by it."""
        if "/interactions/" in path or "/webhooks/" in path:
            return False
        now = time.monotonic()
        while self._recent and now - self._recent[0] >= self.global_window:
            self._recent.popleft()
        if len(self._recent) >= self.global_limit:
            return True
        self._recent.append(now)
        return False

    @staticmethod
    def _too_many(retry_after: float, scope: str) -> web.Response:
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": scope == "global",
        }
        # Discord sends Via; discord.py treats a 429 without it as a Cloudflare ban (A6).
        resp = _json(body, 429)
        resp.headers.update(
            {
                "Via": "1.1 google",
                "Retry-After": str(retry_after),
                "X-RateLimit-Scope": scope,
            }
        )
        if scope == "global":
            resp.headers["X-RateLimit-Global"] = "true"
        else:
            resp.headers.update(
                {
                    "X-RateLimit-Limit": "5",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset-After": str(retry_after),
                    "X-RateLimit-Bucket": "fake-bucket",
                }
            )
        return resp

    async def _read(self, request: web.Request) -> tuple[dict[str, Any], list[tuple[str, bytes]]]:
        if request.content_type.startswith("multipart/"):
            payload: dict[str, Any] = {}
            files: list[tuple[str, bytes]] = []
            reader = await request.multipart()
            async for part in reader:
                if part.name == "payload_json":  # type: ignore[union-attr]
                    payload = json.loads(await part.text())  # type: ignore[union-attr]
                else:
                    files.append((part.filename or "", bytes(await part.read())))  # type: ignore[union-attr]
            if len(files) > MAX_ATTACHMENTS:
                raise DiscordError(400, 50035, "Invalid Form Body", [f"files: at most {MAX_ATTACHMENTS}"])
            if sum(len(d) for _, d in files) > REQUEST_LIMIT or any(
                len(d) > self.attachment_size_limit for _, d in files
            ):
                raise DiscordError(413, 40005, "Request entity too large")
            return payload, files
        if request.can_read_body:
            return await request.json(), []
        return {}, []

    async def _rest(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") not in (f"Bot {self.token}", None):
            raise DiscordError(401, 0, "401: Unauthorized")
        path = "/" + request.match_info["path"]
        body, files = await self._read(request)
        self.requests.append((request.method, path, body))
        from tests.fakes.discord.rest import route

        data, status = await route(self, request, path, body, files)
        return web.Response(status=204) if status == 204 else _json(data, status)

    # -- message creation (used by the REST routes) ----------------------
    def create_message(
        self,
        channel: FakeChannel,
        body: dict[str, Any],
        files: list[tuple[str, bytes]],
        interaction: FakeInteraction | None = None,
    ) -> FakeMessage:
        problems = rules.message_problems(body, has_files=bool(files))
        if problems:
            raise DiscordError(400, 50035, "Invalid Form Body", problems)
        pinged_everyone, pinged = self._pings(body, channel_message=interaction is None)
        mid = snowflake()
        mentions = [self.users[u].payload() for u in pinged if u in self.users]
        # payload_json "attachments" carries each file's description (alt text), matched by index id.
        described = {str(a.get("id")): a.get("description") for a in body.get("attachments") or []}
        attachments = [
            {
                "id": snowflake(),
                "filename": name,
                "size": len(data),
                "url": f"https://cdn/{name}",
                "proxy_url": f"https://cdn/{name}",
            }
            | ({"description": described[str(i)]} if described.get(str(i)) else {})
            for i, (name, data) in enumerate(files)
        ]
        payload = message_payload(
            mid,
            channel,
            self.bot,
            body,
            mentions,
            pinged_everyone,
            attachments,
            interaction and interaction.id,
        )
        msg = FakeMessage(
            mid,
            channel.id,
            body,
            payload,
            ephemeral=bool(int(body.get("flags") or 0) & EPHEMERAL),
            interaction_id=interaction.id if interaction else None,
            pinged_everyone=pinged_everyone,
            pinged_users=pinged,
            files=files,
        )
        self.messages[mid] = msg
        if interaction is not None:
            interaction.messages.append(mid)
        return msg

    def _pings(self, body: dict[str, Any], channel_message: bool) -> tuple[bool, list[str]]:
        """Who Discord would notify: allowed_mentions decides; without it channel messages ping
        everything and interaction/webhook messages only users (PLATFORM-NOTES E)."""
        content = body.get("content") or ""
        allowed = body.get("allowed_mentions")
        if allowed is None:
            parse = {"users", "roles", "everyone"} if channel_message else {"users"}
            users: set[str] = set()
        else:
            parse = set(allowed.get("parse") or [])
            users = {str(u) for u in allowed.get("users") or []}
        everyone = "everyone" in parse and ("@everyone" in content or "@here" in content)
        mentioned = _MENTION_RE.findall(content)
        pinged = [u for u in dict.fromkeys(mentioned) if "users" in parse or u in users]
        return everyone, pinged
