"""Slack request signing, checked on the raw bytes before anything in the body is looked at.

https://api.slack.com/authentication/verifying-requests-from-slack: ``v0=`` + hex HMAC-SHA256 of
``v0:<timestamp>:<body>`` with the signing secret; requests older than five minutes are replays.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping

from aiohttp import web
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.http_server import RouteGuard

SIGNATURE_HEADER = "X-Slack-Signature"
TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"
MAX_AGE = 5 * 60
# Slack's payloads are small (a modal submission is the largest); nothing bigger is read.
MAX_BODY = 1024 * 1024
EVENTS_GUARD = RouteGuard(MAX_BODY, (SIGNATURE_HEADER, TIMESTAMP_HEADER))
_TIMESTAMP = re.compile(r"[0-9]{1,12}")


def signature_valid(
    secret: str, body: bytes, timestamp: str | None, signature: str | None, now: float
) -> bool:
    """Whether ``body`` was signed by Slack with ``secret`` within the last five minutes."""
    if not secret or not timestamp or not signature or not _TIMESTAMP.fullmatch(timestamp):
        return False
    if abs(now - int(timestamp)) > MAX_AGE:
        return False
    digest = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256)
    expected = ("v0=" + digest.hexdigest()).encode()
    return hmac.compare_digest(expected, signature.encode("utf-8", "surrogateescape"))


def verified_request(
    secret: str, body: bytes, headers: Mapping[str, str], query: str, now: float
) -> AsyncBoltRequest | web.Response:
    """Bolt's request for a signed body that parses; else the answer: 401 unsigned, stale or
    forged (whatever the body holds), 400 signed but unreadable."""
    if not signature_valid(secret, body, headers.get(TIMESTAMP_HEADER), headers.get(SIGNATURE_HEADER), now):
        return web.json_response({"error": "invalid signature"}, status=401)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return web.json_response({"error": "body is not UTF-8"}, status=400)
    try:
        # Bolt's own parser (JSON, or a form with a JSON `payload`), so both agree on what parses;
        # Bolt reads fields of the object as Slack shapes them, so a signed oddity can fail there too.
        request = AsyncBoltRequest(body=text, query=query, headers=dict(headers))
    except (ValueError, LookupError, TypeError, AttributeError, RecursionError):
        return web.json_response({"error": "body does not parse"}, status=400)
    if not isinstance(request.body, dict):  # e.g. `[1]`, `payload=[1]`
        return web.json_response({"error": "body is not an object"}, status=400)
    return request
