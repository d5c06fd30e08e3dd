"""The fake gateway's world view: READY and guilds per session, each event to the shard that owns it."""

from __future__ import annotations

from typing import Any

from tests.fakes.discord.gateway import GUILD_MEMBERS, GatewaySession
from tests.fakes.discord.payloads import FakeChannel, FakeUser, guild_payload
from tests.fakes.discord.sharding import shard_of


class ShardedGateway:
    """What the fake gateway sends to which session: READY, guilds and events, routed by shard."""

    bot: FakeUser
    guild_id: str
    guilds: dict[str, str]
    users: dict[str, FakeUser]
    members: list[str]
    roles: list[str]
    channels: dict[str, FakeChannel]
    sessions: dict[str, GatewaySession]
    application_id: str
    gateway_url: str

    def session_guilds(self, session: GatewaySession) -> list[str]:
        """The guilds whose events go to this session's shard."""
        shard_id, count = session.shard
        return [g for g in self.guilds if shard_of(g, count) == shard_id]

    def ready_payload(self, session: GatewaySession) -> dict[str, Any]:
        return {
            "v": 10,
            "user": self.bot.payload(),
            "guilds": [{"id": g, "unavailable": True} for g in self.session_guilds(session)],
            "shard": list(session.shard),
            "session_id": session.session_id,
            "resume_gateway_url": self.gateway_url,
            "application": {"id": self.application_id, "flags": 0},
            "private_channels": [],
            "relationships": [],
        }

    def guild_payloads(self, session: GatewaySession) -> list[dict[str, Any]]:
        payloads = []
        for guild_id in self.session_guilds(session):
            members = [self.bot.member(guild_id)]
            channels = [c for c in self.channels.values() if c.guild_id == guild_id]
            payloads.append(guild_payload(guild_id, self.guilds[guild_id], channels, members, self.roles))
        return payloads

    async def send_member_chunk(self, session: GatewaySession, data: dict[str, Any]) -> None:
        guild_id = str(data.get("guild_id") or self.guild_id)
        members = [self.users[u].member(guild_id) for u in [self.bot.id, *self.members]]
        chunk = {"guild_id": guild_id, "members": members, "chunk_index": 0, "chunk_count": 1}
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        await self.dispatch_to(session, "GUILD_MEMBERS_CHUNK", chunk)

    async def dispatch_to(self, session: GatewaySession, event: str, data: dict[str, Any]) -> None:
        session.seq += 1
        frame = {"op": 0, "t": event, "s": session.seq, "d": data}
        session.sent.append(frame)
        if session.connection is not None:
            await session.connection.send(frame)

    def live_session(self) -> GatewaySession:
        sessions = [s for s in self.sessions.values() if s.connection is not None]
        if not sessions:
            raise AssertionError("no bot is connected to the fake gateway")
        return sessions[-1]

    def session_for(self, guild_id: str | None) -> GatewaySession:
        """The connected session whose shard owns ``guild_id`` (shard 0 for DMs), as Discord routes."""
        owners = [
            s
            for s in self.sessions.values()
            if s.connection is not None and shard_of(guild_id, s.shard[1]) == s.shard[0]
        ]
        if not owners:
            raise AssertionError(f"no connected shard owns guild {guild_id}")
        return owners[-1]

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a dispatch to the connected shard that owns its guild."""
        guild_id = data.get("guild_id")
        await self.dispatch_to(self.session_for(str(guild_id) if guild_id else None), event, data)

    async def reconnect_request(self) -> None:
        """Ask the bot to reconnect and resume (gateway op 7), as Discord does during maintenance."""
        session = self.live_session()
        assert session.connection is not None
        await session.connection.send({"op": 7, "d": None, "s": None, "t": None})

    async def member_join(self, user: FakeUser, guild_id: str | None = None) -> bool:
        """GUILD_MEMBER_ADD to the shard owning the guild, only with the members intent."""
        guild_id = guild_id or self.guild_id
        if user.id not in self.members:
            self.members.append(user.id)
        session = self.session_for(guild_id)
        if not session.intents & GUILD_MEMBERS:
            return False
        await self.dispatch_to(session, "GUILD_MEMBER_ADD", user.member(guild_id))
        return True
