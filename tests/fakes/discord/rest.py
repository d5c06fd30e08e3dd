"""REST routes of the fake Discord: login, command sync, interaction callbacks, webhooks, messages."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.fakes.discord import rules
from tests.fakes.discord.idempotency import history_page, nonce_problems
from tests.fakes.discord.payloads import FakeChannel, snowflake
from tests.fakes.discord.server import EPHEMERAL, INTERACTION_WINDOW, DiscordError, FakeInteraction

if TYPE_CHECKING:
    from tests.fakes.discord.server import FakeDiscord

Result = tuple[Any, int]
_COMMANDS = re.compile(r"^/applications/(\d+)(?:/guilds/(\d+))?/commands$")
_CALLBACK = re.compile(r"^/interactions/(\d+)/([^/]+)/callback$")
_WEBHOOK = re.compile(r"^/webhooks/(\d+)/([^/]+)(?:/messages/(@original|\d+))?$")
_CHANNEL = re.compile(r"^/channels/(\d+)(/messages)?$")
_MEMBER_ROLE = re.compile(r"^/guilds/(\d+)/members/(\d+)/roles/(\d+)$")
COMPONENT, MODAL_SUBMIT, AUTOCOMPLETE = 3, 5, 4


async def route(
    fake: FakeDiscord, request: web.Request, path: str, body: Any, files: list[tuple[str, bytes]]
) -> Result:
    method = request.method
    if path == "/users/@me" and method == "GET":
        return fake.bot.payload(), 200
    if path == "/oauth2/applications/@me" and method == "GET":
        return _application(fake), 200
    if path == "/gateway" and method == "GET":
        return {"url": fake.gateway_url}, 200
    if path == "/gateway/bot" and method == "GET":
        limit = dict(fake.session_start_limit)
        return {"url": fake.gateway_url, "shards": fake.recommended_shards, "session_start_limit": limit}, 200
    if m := _COMMANDS.match(path):
        return _commands(fake, method, m.group(1), m.group(2), body)
    if (m := _CALLBACK.match(path)) and method == "POST":
        return _callback(fake, m.group(1), m.group(2), body, files)
    if m := _WEBHOOK.match(path):
        return _webhook(fake, method, m.group(2), m.group(3), body, files)
    if path == "/users/@me/channels" and method == "POST":
        return _open_dm(fake, str(body.get("recipient_id"))), 200
    if m := _CHANNEL.match(path):
        if m.group(2) and method == "GET":
            return _history(fake, m.group(1), dict(request.query))
        return _channel(fake, method, m.group(1), bool(m.group(2)), body, files)
    if (m := _MEMBER_ROLE.match(path)) and method in ("PUT", "DELETE"):
        return _member_role(fake, method, m.group(1), m.group(2), m.group(3), request)
    raise DiscordError(404, 0, f"404: Not Found ({method} {path})")


def _application(fake: FakeDiscord) -> dict[str, Any]:
    return {
        "id": fake.application_id,
        "name": "Steward",
        "icon": None,
        "description": "",
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": fake.bot.payload(),
        "verify_key": "0" * 64,
        "flags": 1 << 15,  # GATEWAY_GUILD_MEMBERS_LIMITED: the portal toggle is on
        "team": None,
    }


def _commands(fake: FakeDiscord, method: str, app_id: str, guild_id: str | None, body: Any) -> Result:
    if app_id != fake.application_id:
        raise DiscordError(403, 50001, "Missing Access")
    if guild_id is not None and guild_id not in fake.guilds:
        raise DiscordError(403, 50001, "Missing Access")
    if method == "GET":
        return (fake.guild_commands.get(guild_id, []) if guild_id else fake.global_commands), 200
    if method != "PUT":
        raise DiscordError(405, 0, "405: Method Not Allowed")
    problems = rules.commands_problems(body)
    if problems:
        raise DiscordError(400, 50035, "Invalid Form Body", problems)
    stored = [{**c, "id": snowflake(), "application_id": app_id, "version": snowflake()} for c in body]
    if guild_id is not None:
        for c in stored:
            c["guild_id"] = guild_id
        fake.guild_commands[guild_id] = stored
    else:
        fake.global_commands = stored
    return stored, 200


def _interaction(fake: FakeDiscord, iid: str | None, token: str) -> FakeInteraction:
    found = (
        fake.interactions.get(iid)
        if iid
        else next((i for i in fake.interactions.values() if i.token == token), None)
    )
    if found is None or found.token != token:
        raise DiscordError(404, 10062, "Unknown interaction")
    return found


def _callback(fake: FakeDiscord, iid: str, token: str, body: Any, files: list[tuple[str, bytes]]) -> Result:
    interaction = _interaction(fake, iid, token)
    now = time.monotonic()
    if interaction.response_type is not None:
        raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
    if now - interaction.created > INTERACTION_WINDOW:
        # The token is invalidated when the 3-second deadline passes (PLATFORM-NOTES A2).
        raise DiscordError(404, 10062, "Unknown interaction")
    kind, data = body.get("type"), body.get("data") or {}
    allowed = {4, 5, 9} | ({6, 7} if interaction.type == COMPONENT else set())
    if interaction.type == MODAL_SUBMIT:
        allowed = {4, 5, 6, 7}
    if interaction.type == AUTOCOMPLETE:
        allowed = {8}
    if kind not in allowed:
        raise DiscordError(400, 50035, f"Interaction callback type {kind} is not valid for this interaction")
    if kind == 5 and int(data.get("flags") or 0) & ~EPHEMERAL:
        raise DiscordError(400, 50035, "only the EPHEMERAL flag may be used with a deferred response")
    if kind == 8 and (problems := rules.autocomplete_problems(data)):
        raise DiscordError(400, 50035, "Invalid Form Body", problems)
    if kind == 9 and (problems := rules.modal_problems(data)):
        raise DiscordError(400, 50035, "Invalid Form Body", problems)
    message = None
    if kind == 4:
        message = fake.create_message(fake.channels[interaction.channel_id], data, files, interaction)
    interaction.response_type, interaction.response_at, interaction.response = kind, now, data
    interaction.answered.set()
    result: dict[str, Any] = {
        "interaction": {
            "id": iid,
            "type": interaction.type,
            "response_message_id": message.id if message else None,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(int(data.get("flags") or 0) & EPHEMERAL),
        },
        "resource": {"type": kind},
    }
    if message is not None:
        result["resource"]["message"] = message.payload
    return result, 200


def _webhook(
    fake: FakeDiscord,
    method: str,
    token: str,
    message_ref: str | None,
    body: Any,
    files: list[tuple[str, bytes]],
) -> Result:
    interaction = _interaction(fake, None, token)
    if interaction.response_type is None:
        raise DiscordError(404, 10015, "Unknown Webhook")  # follow-ups need an initial response
    if time.monotonic() - interaction.created > 15 * 60:
        raise DiscordError(401, 50027, "Invalid Webhook Token")
    channel = fake.channels[interaction.channel_id]
    if message_ref is None and method == "POST":
        if interaction.response_type == 5 and not interaction.messages:
            # The first follow-up after a deferral replaces the "thinking" message and keeps its flags.
            body = {
                **body,
                "flags": int(body.get("flags") or 0) | int(interaction.response.get("flags") or 0),
            }  # type: ignore[union-attr]
        return fake.create_message(channel, body, files, interaction).payload, 200
    mid = interaction.messages[0] if message_ref == "@original" and interaction.messages else message_ref
    msg = fake.messages.get(mid or "")
    if msg is None:
        raise DiscordError(404, 10008, "Unknown Message")
    if method == "GET":
        return msg.payload, 200
    if method == "PATCH":
        merged = {**msg.body, **body}
        if problems := rules.message_problems(merged, has_files=bool(files or msg.files)):
            raise DiscordError(400, 50035, "Invalid Form Body", problems)
        msg.body = merged
        msg.payload.update({k: v for k, v in body.items() if k in ("content", "embeds", "components")})
        return msg.payload, 200
    if method == "DELETE":
        del fake.messages[msg.id]
        return None, 204
    raise DiscordError(405, 0, "405: Method Not Allowed")


def _member_role(
    fake: FakeDiscord, method: str, gid: str, uid: str, rid: str, request: web.Request
) -> Result:
    """Add/Remove Guild Member Role: 204; Manage Roles and a role below the bot's highest one needed."""
    if gid not in fake.guilds:
        raise DiscordError(404, 10004, "Unknown Guild")
    if rid not in fake.roles:
        raise DiscordError(404, 10011, "Unknown Role")
    if uid not in fake.members:
        raise DiscordError(404, 10007, "Unknown Member")
    if not fake.can_manage_roles or rid in fake.roles_above_bot:
        raise DiscordError(403, 50013, "Missing Permissions")
    roles = fake.users[uid].roles
    if method == "PUT" and rid not in roles:
        roles.append(rid)
    elif method == "DELETE" and rid in roles:
        roles.remove(rid)
    fake.audit_log.append((method, uid, rid, request.headers.get("X-Audit-Log-Reason")))
    return None, 204


def _open_dm(fake: FakeDiscord, user_id: str) -> dict[str, Any]:
    if user_id not in fake.users:
        raise DiscordError(400, 50035, "Invalid Form Body", ["recipient_id: unknown user"])
    for channel in fake.channels.values():
        if channel.recipient == user_id:
            return channel.payload(fake.users)
    channel = FakeChannel(snowflake(), "", recipient=user_id)
    fake.channels[channel.id] = channel
    return channel.payload(fake.users)


def _channel(
    fake: FakeDiscord, method: str, cid: str, messages: bool, body: Any, files: list[tuple[str, bytes]]
) -> Result:
    channel = fake.channels.get(cid)
    if channel is None:
        raise DiscordError(404, 10003, "Unknown Channel")
    if messages and method == "POST":
        if channel.recipient is not None and not fake.users[channel.recipient].dms_open:
            raise DiscordError(403, 50007, "Cannot send messages to this user")
        return _create(fake, channel, body, files), 200
    if not messages and method == "GET":
        return channel.payload(fake.users), 200
    if not messages and method == "PATCH":
        topic = body.get("topic")
        if topic is not None and len(topic) > 1024:
            raise DiscordError(400, 50035, "Invalid Form Body", ["topic: at most 1024 characters"])
        channel.topic = topic
        return channel.payload(fake.users), 200
    raise DiscordError(405, 0, "405: Method Not Allowed")


def _create(fake: FakeDiscord, channel: FakeChannel, body: Any, files: list[tuple[str, bytes]]) -> Any:
    """Create Message; with ``enforce_nonce`` a repeated nonce returns the original (PLATFORM-NOTES F)."""
    problems = nonce_problems(body)
    if problems:
        raise DiscordError(400, 50035, "Invalid Form Body", problems)
    nonce = body.get("nonce")
    enforced = nonce is not None and bool(body.get("enforce_nonce"))
    if enforced:
        original = fake.nonces.original(fake.bot.id, str(nonce))
        if original is not None and original in fake.messages:
            fake.nonce_repeats += 1
            return fake.messages[original].payload
    msg = fake.create_message(channel, body, files)
    if nonce is not None:
        msg.payload["nonce"] = nonce  # the create response echoes it; history does not keep it
    if enforced:
        fake.nonces.remember(fake.bot.id, str(nonce), msg.id)
    return msg.payload


def _history(fake: FakeDiscord, cid: str, query: dict[str, str]) -> Result:
    channel = fake.channels.get(cid)
    if channel is None:
        raise DiscordError(404, 10003, "Unknown Channel")
    fake.history_reads.append((cid, query))
    payloads = [m.payload for m in fake.messages.values() if m.channel_id == cid and not m.ephemeral]
    try:
        return history_page(payloads, query), 200
    except ValueError as exc:
        raise DiscordError(400, 50035, "Invalid Form Body", [str(exc)]) from None
