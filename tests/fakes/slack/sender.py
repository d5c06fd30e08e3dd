"""Slack's side of the conversation: slash commands, events and interactivity payloads, signed like Slack.

The same payloads go over HTTP (signed with the signing secret: ``v0:{timestamp}:{body}``, HMAC-SHA256)
or as Socket Mode envelopes through the fake's websocket.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp

from tests.fakes.slack.server import FakeSlack

TEAM = "T0001"
APP = "A0001"
ACK_WAIT = 30.0  # seconds to wait for the socket and the app's ack; only a failing test waits this long


def sign(secret: str, timestamp: str, body: str) -> str:
    """Slack's request signature for ``body`` sent at ``timestamp``."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Sent:
    """What the app answered: HTTP status and body (or the Socket Mode ack payload)."""

    status: int
    body: str
    json: dict[str, Any] | None = None


class SlackSender:
    """Builds Slack payloads and delivers them over HTTP (``url``) or Socket Mode (``socket=True``)."""

    def __init__(
        self, fake: FakeSlack, signing_secret: str = "", url: str = "", socket: bool = False
    ) -> None:
        self.fake = fake
        self.signing_secret = signing_secret
        self.url = url
        self.socket = socket
        self._ids = itertools.count(1)
        self.session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()

    # -- payloads ---------------------------------------------------------
    def slash_payload(
        self, command: str, text: str, user_id: str, channel_id: str = "C0GENERAL"
    ) -> dict[str, str]:
        user = self.fake.users.get(user_id)
        return {
            "token": "verification-token-unused",
            "team_id": TEAM,
            "team_domain": "fake",
            "channel_id": channel_id,
            "channel_name": "general",
            "user_id": user_id,
            "user_name": user.name if user else user_id,
            "command": command,
            "text": text,
            "api_app_id": APP,
            "is_enterprise_install": "false",
            "response_url": self.fake.new_response_url(user_id, channel_id),
            "trigger_id": self.fake.new_trigger(user_id),
        }

    def event_payload(self, event: dict[str, Any]) -> dict[str, Any]:
        n = next(self._ids)
        return {
            "token": "verification-token-unused",
            "team_id": TEAM,
            "api_app_id": APP,
            "event": {"event_ts": f"1700000000.{n:06d}", **event},
            "type": "event_callback",
            "event_id": f"Ev{n:08d}",
            "event_time": 1700000000 + n,
            "authorizations": [{"team_id": TEAM, "user_id": "U0BOT", "is_bot": True}],
        }

    def block_action_payload(
        self,
        user_id: str,
        button: dict[str, Any],
        block_id: str,
        channel_id: str | None,
        message: dict[str, Any] | None,
    ) -> dict[str, Any]:
        user = self.fake.users.get(user_id)
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": TEAM, "domain": "fake"},
            "user": {
                "id": user_id,
                "username": user.name if user else user_id,
                "name": user.name if user else user_id,
                "team_id": TEAM,
            },
            "api_app_id": APP,
            "token": "verification-token-unused",
            "trigger_id": self.fake.new_trigger(user_id),
            "actions": [
                {
                    "type": "button",
                    "action_id": button["action_id"],
                    "block_id": block_id,
                    "text": button["text"],
                    "value": button.get("value", ""),
                    "action_ts": "1700000000.000001",
                }
            ],
        }
        if channel_id is not None:
            payload["channel"] = {"id": channel_id, "name": "general"}
            payload["container"] = {
                "type": "message",
                "channel_id": channel_id,
                "is_ephemeral": message is None,
            }
            payload["response_url"] = self.fake.new_response_url(user_id, channel_id)
        if message is not None:
            payload["message"] = message
        return payload

    def view_submission_payload(
        self, user_id: str, view: dict[str, Any], answers: dict[str, str]
    ) -> dict[str, Any]:
        # An input the person leaves alone is submitted with its pre-filled value, as Slack does.
        values = {
            block["block_id"]: {
                "answer": {
                    "type": "plain_text_input",
                    "value": answers.get(block["block_id"])
                    or block.get("element", {}).get("initial_value")
                    or None,
                }
            }
            for block in view["blocks"]
            if block.get("type") == "input"
        }
        return {
            "type": "view_submission",
            "team": {"id": TEAM, "domain": "fake"},
            "user": {"id": user_id, "username": user_id, "name": user_id, "team_id": TEAM},
            "api_app_id": APP,
            "token": "verification-token-unused",
            "trigger_id": self.fake.new_trigger(user_id),
            "view": {**view, "state": {"values": values}, "team_id": TEAM, "app_id": APP},
            "response_urls": [],
        }

    # -- delivery ---------------------------------------------------------
    async def slash(
        self, command: str, text: str, user_id: str, channel_id: str = "C0GENERAL", **sign_kw: Any
    ) -> Sent:
        payload = self.slash_payload(command, text, user_id, channel_id)
        if self.socket:
            sent = await self._envelope("slash_commands", payload)
        else:
            sent = await self.post(urlencode(payload), "application/x-www-form-urlencoded", **sign_kw)
        self.shown(payload, sent)
        return sent

    def shown(self, payload: dict[str, Any], sent: Sent) -> bool:
        """Record the message a slash command's ack carried, as Slack would show it; False if none."""
        answer = sent.json
        if sent.status != 200 or not answer or not ("text" in answer or "blocks" in answer):
            return False
        self.fake.command_answered(payload["user_id"], payload["channel_id"], answer)
        return True

    async def event(self, event: dict[str, Any], **sign_kw: Any) -> Sent:
        payload = self.event_payload(event)
        if self.socket:
            return await self._envelope("events_api", payload)
        return await self.post(json.dumps(payload), "application/json", **sign_kw)

    async def interactive(self, payload: dict[str, Any], **sign_kw: Any) -> Sent:
        if self.socket:
            return await self._envelope("interactive", payload)
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post(body, "application/x-www-form-urlencoded", **sign_kw)

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        age: float = 0,
        secret: str | None = None,
        signature: str | None = None,
    ) -> Sent:
        """POST ``body`` signed like Slack; ``age`` backdates it, ``secret``/``signature`` forge it."""
        if self.session is None:
            self.session = aiohttp.ClientSession()
        timestamp = str(int(time.time() - age))
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature or sign(secret or self.signing_secret, timestamp, body),
        }
        async with self.session.post(self.url, data=body.encode(), headers=headers) as resp:
            text = await resp.text()
            parsed = json.loads(text) if text.startswith("{") else None
            return Sent(resp.status, text, parsed)

    async def _envelope(self, kind: str, payload: dict[str, Any]) -> Sent:
        # The fake's default wait (5 s) is not a Slack rule; a loaded machine may take longer to ack.
        ack = await self.fake.send_envelope(kind, payload, wait=ACK_WAIT)
        body = ack.get("payload")
        return Sent(200, json.dumps(body) if body is not None else "", body)
