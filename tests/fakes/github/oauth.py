"""The fake GitHub's OAuth device flow (github.com/login/device/code, /login/oauth/access_token, /user).

Response shapes follow GitHub's "Authorizing OAuth apps -> Device flow" docs: with
``Accept: application/json`` the errors (authorization_pending, slow_down with the new
``interval``, expired_token, access_denied, incorrect_client_credentials, incorrect_device_code,
unsupported_grant_type) come as HTTP 200 with ``error``, ``error_description`` and ``error_uri``.
Polling faster than the interval answers slow_down and adds 5 s, measured on ``now`` (a callable
the test drives); tests approve or deny a pending code as a given user.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code"
DOCS = "https://docs.github.com/developers/apps/authorizing-oauth-apps#error-codes-for-the-device-flow"


@dataclass
class FakeDeviceFlow:
    """One issued device code."""

    client_id: str
    device_code: str
    user_code: str
    interval: int
    expires_at: float
    last_poll: float
    state: str = "pending"  # pending | approved | denied | used
    login: str | None = None
    polls: int = 0


def _error(error: str, description: str, **extra: Any) -> dict[str, Any]:
    return {"error": error, "error_description": description, "error_uri": DOCS, **extra}


class FakeOAuth:
    """Registered OAuth apps, issued device codes and the user tokens they turned into."""

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self.now = now
        self.client_ids: set[str] = set()
        self.flows: dict[str, FakeDeviceFlow] = {}  # device_code -> flow
        self.tokens: dict[str, str] = {}  # access token -> login
        self.expires_in = 900
        self.interval = 5

    def register_app(self, client_id: str) -> None:
        self.client_ids.add(client_id)

    def flow(self, user_code: str) -> FakeDeviceFlow:
        return next(f for f in self.flows.values() if f.user_code == user_code)

    def approve(self, user_code: str, login: str) -> None:
        """The person entered ``user_code`` at the verification page signed in as ``login``."""
        flow = self.flow(user_code)
        flow.state, flow.login = "approved", login

    def deny(self, user_code: str) -> None:
        self.flow(user_code).state = "denied"

    def expire(self, user_code: str) -> None:
        self.flow(user_code).expires_at = self.now() - 1

    # --- endpoints ---------------------------------------------------------------------------------
    def device_code(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if form.get("client_id") not in self.client_ids:
            return 401, _error("incorrect_client_credentials", "The client_id is not valid.")
        user_code = f"{secrets.token_hex(2).upper()}-{secrets.token_hex(2).upper()}"
        now = self.now()
        flow = FakeDeviceFlow(
            client_id=form["client_id"],
            device_code=secrets.token_hex(20),
            user_code=user_code,
            interval=self.interval,
            expires_at=now + self.expires_in,
            last_poll=now,
        )
        self.flows[flow.device_code] = flow
        return 200, {
            "device_code": flow.device_code,
            "user_code": user_code,
            "verification_uri": "https://github.com/login/device",
            "expires_in": self.expires_in,
            "interval": flow.interval,
        }

    def access_token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if form.get("client_id") not in self.client_ids:
            return 200, _error("incorrect_client_credentials", "The client_id is not valid.")
        if form.get("grant_type") != GRANT_TYPE:
            return 200, _error("unsupported_grant_type", "The grant type is not supported.")
        flow = self.flows.get(form.get("device_code", ""))
        if flow is None or flow.client_id != form["client_id"] or flow.state == "used":
            return 200, _error("incorrect_device_code", "The device_code provided is not valid.")
        now = self.now()
        flow.polls += 1
        if now >= flow.expires_at:
            return 200, _error("expired_token", "The device_code has expired.")
        if now - flow.last_poll < flow.interval:
            flow.last_poll = now
            flow.interval += 5
            return 200, _error("slow_down", "Too many requests have been made.", interval=flow.interval)
        flow.last_poll = now
        if flow.state == "denied":
            return 200, _error("access_denied", "The authorization request was denied.")
        if flow.state == "pending":
            return 200, _error("authorization_pending", "The authorization request is still pending.")
        assert flow.login is not None
        flow.state = "used"
        token = "gho_" + secrets.token_hex(18)
        self.tokens[token] = flow.login
        return 200, {"access_token": token, "token_type": "bearer", "scope": ""}

    def user_of(self, authorization: str | None) -> str | None:
        """The login behind an ``Authorization: Bearer|token <user token>`` header, if issued here."""
        match = re.fullmatch(r"(?:Bearer|token) (\S+)", authorization or "")
        return self.tokens.get(match.group(1)) if match else None
