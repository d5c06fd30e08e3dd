"""The fake gateway: HELLO/IDENTIFY/READY/GUILD_CREATE, heartbeats, RESUME, zlib-stream frames."""

from __future__ import annotations

import asyncio
import json
import time
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from tests.fakes.discord.sharding import INVALID_SHARD, SHARDING_REQUIRED, identify_shard

if TYPE_CHECKING:
    from tests.fakes.discord.server import FakeDiscord

GUILD_MEMBERS = 1 << 1
PRIVILEGED = GUILD_MEMBERS | (1 << 8) | (1 << 15)  # members, presences, message content


@dataclass
class GatewaySession:
    """One identified session; survives a dropped connection so the client can RESUME it."""

    session_id: str
    intents: int
    shard: tuple[int, int] = (0, 1)  # [shard_id, num_shards] from IDENTIFY
    seq: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)  # dispatches, for replay on RESUME
    connection: GatewayConnection | None = None


class GatewayConnection:
    """One websocket; frames are zlib-stream compressed when the client asked for it."""

    def __init__(self, fake: FakeDiscord, ws: web.WebSocketResponse, compress: bool) -> None:
        self.fake = fake
        self.ws = ws
        self._zlib = zlib.compressobj() if compress else None
        self._lock = asyncio.Lock()

    async def send(self, payload: dict[str, Any]) -> None:
        raw = json.dumps(payload).encode()
        async with self._lock:
            if self.ws.closed:
                return
            if self._zlib is not None:
                await self.ws.send_bytes(self._zlib.compress(raw) + self._zlib.flush(zlib.Z_SYNC_FLUSH))
            else:
                await self.ws.send_str(raw.decode())


async def handle_gateway(fake: FakeDiscord, request: web.Request) -> web.WebSocketResponse:
    """Serve one gateway connection until it closes."""
    ws = web.WebSocketResponse(autoping=True)
    await ws.prepare(request)
    compress = request.query.get("compress")
    if compress not in (None, "zlib-stream"):
        await ws.close(code=4000, message=b"unsupported compression")  # the test env has no zstd
        return ws
    fake.gateway_queries.append(dict(request.query))
    conn = GatewayConnection(fake, ws, compress == "zlib-stream")
    session: GatewaySession | None = None
    await conn.send({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
    async for msg in ws:
        if msg.type is not WSMsgType.TEXT:
            continue
        frame = json.loads(msg.data)
        op, data = frame.get("op"), frame.get("d")
        fake.gateway_log.append(frame)
        if op == 1:
            await conn.send({"op": 11, "d": None, "s": None, "t": None})
        elif op == 2:
            session = await _identify(fake, conn, data)
            if session is None:
                break
        elif op == 6:
            session = await _resume(fake, conn, data)
            if session is None:
                break
        elif op == 8 and session is not None:
            await fake.send_member_chunk(session, data)
    if session is not None and session.connection is conn:
        session.connection = None
    return ws


async def _identify(
    fake: FakeDiscord, conn: GatewayConnection, data: dict[str, Any]
) -> GatewaySession | None:
    if data.get("token") != fake.token:
        await conn.ws.close(code=4004, message=b"Authentication failed.")
        return None
    intents = int(data.get("intents", 0))
    if intents & PRIVILEGED & ~fake.privileged_intents:
        fake.refused_intents.append(intents)
        await conn.ws.close(code=4014, message=b"Disallowed intent(s).")
        return None
    shard = identify_shard(data)
    if isinstance(shard, str):
        fake.refused_shards.append((data.get("shard"), shard))
        await conn.ws.close(code=INVALID_SHARD, message=b"Invalid shard.")
        return None
    session = GatewaySession(session_id=f"session-{len(fake.sessions) + 1}", intents=intents, shard=shard)
    if len(fake.session_guilds(session)) > fake.guilds_per_shard:
        fake.refused_shards.append((list(shard), "sharding required"))
        await conn.ws.close(code=SHARDING_REQUIRED, message=b"Sharding required.")
        return None
    fake.identified.append((shard, time.monotonic()))
    limit = fake.session_start_limit
    limit["remaining"] = max(0, limit["remaining"] - 1)  # every IDENTIFY spends one session start
    fake.sessions[session.session_id] = session
    session.connection = conn
    await fake.dispatch_to(session, "READY", fake.ready_payload(session))
    for guild in fake.guild_payloads(session):
        await fake.dispatch_to(session, "GUILD_CREATE", guild)
    return session


async def _resume(fake: FakeDiscord, conn: GatewayConnection, data: dict[str, Any]) -> GatewaySession | None:
    session = fake.sessions.get(data.get("session_id", ""))
    if session is None or data.get("token") != fake.token:
        await conn.send({"op": 9, "d": False, "s": None, "t": None})
        return None
    session.connection = conn
    fake.resumes += 1
    last = int(data.get("seq") or 0)
    for frame in [f for f in session.sent if f["s"] > last]:
        await conn.send(frame)
    await fake.dispatch_to(session, "RESUMED", {})
    return session
