"""`POST /github/webhook`: verify, de-duplicate, store, answer at once, process afterwards."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.core.clock import Clock
from bot.counted import counted
from bot.db.database import Database
from bot.github.models import WebhookDelivery
from bot.http_server import RouteGuard, request_body

log = logging.getLogger(__name__)
PATH = "/github/webhook"
# GitHub caps webhook payloads at 25 MB; nothing larger is read (and nothing at all before the
# signature header is seen: see bot/http_server.py's RouteGuard).
MAX_BODY = 25 * 1024 * 1024
SIGNATURE_HEADER = "X-Hub-Signature-256"
# Every genuine delivery is signed; unsigned ones are refused before their body is read.
WEBHOOK_GUARD = RouteGuard(MAX_BODY, (SIGNATURE_HEADER,))
# A delivery whose processing failed this many times is parked instead of retried at every start.
MAX_ATTEMPTS = 5
Processor = Callable[[str, dict[str, Any], str], Awaitable[None]]  # (event, payload, delivery id)


def signature_valid(secret: str, body: bytes, header: str | None) -> bool:
    """`X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, raw body)>`, compared in constant time."""
    if not header or not header.startswith("sha256="):
        return False
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.encode("utf-8", "surrogateescape"))


# How JSON calls what `json.loads` returned (for the reason a maintainer reads in `steward status`).
_JSON_KINDS: dict[type, str] = {
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}


class UnusableDelivery(ValueError):
    """A signed body that can never be processed: not JSON, not an object, or nested absurdly deep."""


def parse_payload(body: bytes | str) -> dict[str, Any]:
    """The delivery's JSON object; raises UnusableDelivery for anything else (never RecursionError)."""
    try:
        payload = json.loads(body)
    except RecursionError as exc:  # a few thousand nested brackets exhaust the parser's stack
        raise UnusableDelivery("body is nested too deeply") from exc
    except ValueError as exc:  # includes UnicodeDecodeError
        raise UnusableDelivery("body is not JSON") from exc
    if not isinstance(payload, dict):
        raise UnusableDelivery(f"body is {_JSON_KINDS.get(type(payload), 'a JSON value')}, not a JSON object")
    return payload


def ordering_key(payload: dict[str, Any]) -> str:
    """The issue or PR a delivery is about (else its repository): deliveries sharing it stay in order."""
    repository = payload.get("repository")
    repo = str(repository.get("full_name", "")).lower() if isinstance(repository, dict) else ""
    item = payload.get("issue") or payload.get("pull_request")
    number = item.get("number") if isinstance(item, dict) else payload.get("number")
    return f"{repo}#{number}" if number is not None else repo


class WebhookReceiver:
    """The aiohttp handler plus the background processing of stored deliveries."""

    def __init__(self, secret: str, db: Database, clock: Clock, processor: Processor) -> None:
        self.secret = secret
        self.db = db
        self.clock = clock
        self.processor = processor
        self._tasks: set[asyncio.Task[None]] = set()
        # The last task per item: deliveries about one issue or PR are processed in arrival order
        # (a comment handled before its `opened` would find nothing to attach to).
        self._tails: dict[str, asyncio.Task[None]] = {}
        self._in_flight: set[str] = set()  # delivery ids queued or being processed by this process
        # While holding (from start-up until replay_pending), new deliveries are stored and answered
        # but wait here, so they are processed after the older ones the last run left unprocessed.
        self._holding = False
        self._held: list[tuple[str, dict[str, Any], str]] = []

    def hold(self) -> None:
        """Queue new deliveries without processing them until `replay_pending` has run (start-up)."""
        self._holding = True

    async def handle(self, request: web.Request) -> web.Response:
        body = await request_body(request)
        # Nothing is parsed or stored before the signature checks out.
        if not signature_valid(self.secret, body, request.headers.get(SIGNATURE_HEADER)):
            return web.json_response({"error": "invalid signature"}, status=401)
        event = request.headers.get("X-GitHub-Event", "")
        delivery = request.headers.get("X-GitHub-Delivery", "")
        if not event or not delivery:
            return web.json_response({"error": "missing X-GitHub-Event or X-GitHub-Delivery"}, status=400)
        try:
            # Checked before storing: a stored body must be one that start-up can replay.
            payload = parse_payload(body)
        except UnusableDelivery as exc:
            return web.json_response({"error": str(exc)}, status=400)
        text = body.decode("utf-8", errors="replace")
        if not await self.db.run(self._record, delivery, event, text):
            return web.json_response({"ok": True, "duplicate": True})
        if self._holding:
            self._held.append((event, payload, delivery))
        else:
            self._enqueue(event, payload, delivery)
        return web.json_response({"ok": True})

    def _enqueue(self, event: str, payload: dict[str, Any], delivery: str) -> asyncio.Task[None] | None:
        """Process after the deliveries queued before about the same item; None if already queued."""
        if delivery in self._in_flight:
            return None
        key = ordering_key(payload)
        previous = self._tails.get(key)
        task = asyncio.get_running_loop().create_task(self._process_after(previous, event, payload, delivery))
        self._in_flight.add(delivery)
        self._tasks.add(task)
        self._tails[key] = task
        task.add_done_callback(lambda done: self._forget(key, delivery, done))
        return task

    def _forget(self, key: str, delivery: str, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._in_flight.discard(delivery)
        if self._tails.get(key) is task:
            del self._tails[key]

    async def _process_after(
        self, previous: asyncio.Task[None] | None, event: str, payload: dict[str, Any], delivery: str
    ) -> None:
        if previous is not None:
            await asyncio.wait([previous])  # its failure is recorded on its own delivery row
        await self._process(event, payload, delivery)

    def _record(self, session: Session, delivery: str, event: str, body: str) -> bool:
        if session.get(WebhookDelivery, delivery) is not None:
            return False
        try:
            with session.begin_nested():
                session.add(
                    WebhookDelivery(
                        delivery_id=delivery, event=event, body=body, received_at=self.clock.now()
                    )
                )
        except IntegrityError:  # the same delivery arriving twice at once
            return False
        return True

    async def _process(self, event: str, payload: dict[str, Any], delivery: str) -> None:
        error: str | None = None
        try:
            await self.processor(event, payload, delivery)
        except Exception as exc:  # RecursionError included: a payload must never stop the bot
            log.exception("webhook %s (%s) failed; kept for a retry at the next start", delivery, event)
            error = f"{type(exc).__name__}: {exc}"[:500]
        await self.db.run(self._mark, delivery, error)

    def _mark(self, session: Session, delivery: str, error: str | None, *, park: bool = False) -> None:
        row = session.get(WebhookDelivery, delivery)
        if row is None:
            return
        if error is None:
            row.processed_at = self.clock.now()
            row.body = None
        else:
            row.attempts += 1
            if park or row.attempts >= MAX_ATTEMPTS:
                row.parked_at = self.clock.now()
                log.error(
                    "webhook %s (%s) parked after %s: %s",
                    delivery,
                    row.event,
                    counted(row.attempts, "attempt", "attempts"),
                    error,
                )
        row.error = error
        session.add(row)

    def _park(self, session: Session, delivery: str, reason: str) -> None:
        self._mark(session, delivery, reason, park=True)

    async def replay_pending(self) -> int:
        """Process deliveries accepted but not processed (the process stopped in between), oldest
        first, then the ones held since start-up; returns how many were left from before."""
        query = select(WebhookDelivery).where(
            col(WebhookDelivery.processed_at).is_(None),
            col(WebhookDelivery.parked_at).is_(None),
            col(WebhookDelivery.body).is_not(None),
        )
        replayed: list[asyncio.Task[None]] = []
        try:
            await self._replay_stored(query, replayed)
        finally:
            # Stored during start-up (after the rows above, or after the query): they go after them.
            for event, payload, delivery in self._held:
                self._enqueue(event, payload, delivery)
            self._held.clear()
            self._holding = False
        if replayed:
            await asyncio.wait(replayed)
        return len(replayed)

    async def _replay_stored(self, query: Any, replayed: list[asyncio.Task[None]]) -> None:
        pending = await self.db.run(
            lambda s: list(s.exec(query.order_by(col(WebhookDelivery.received_at))).all())
        )
        held = {delivery for _, _, delivery in self._held}
        for row in pending:
            if row.body is None or row.delivery_id in held:
                continue
            try:
                payload = parse_payload(row.body)
            except UnusableDelivery as exc:  # stored by an older version that did not check first
                await self.db.run(self._park, row.delivery_id, str(exc))
                continue
            task = self._enqueue(row.event, payload, row.delivery_id)
            if task is not None:  # None: stored during start-up and already queued by its request
                replayed.append(task)

    async def drain(self) -> None:
        """Wait for deliveries being processed (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


def parked_deliveries(session: Session, limit: int = 5) -> dict[str, Any]:
    """For `steward status`: how many deliveries were given up on, and the latest ones with why."""
    parked = col(WebhookDelivery.parked_at).is_not(None)
    total = session.exec(select(func.count()).select_from(WebhookDelivery).where(parked)).one()
    latest = session.exec(
        select(WebhookDelivery).where(parked).order_by(col(WebhookDelivery.parked_at).desc()).limit(limit)
    ).all()
    return {
        "parked": total,
        "latest": [
            {"delivery": row.delivery_id, "event": row.event, "attempts": row.attempts, "reason": row.error}
            for row in latest
        ],
    }
