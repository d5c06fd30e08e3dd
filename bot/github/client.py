"""The one way this process talks to GitHub: PyGithub's requester on one worker thread.

Why the requester and not PyGithub's objects: list helpers (`repo.get_issues()`) never send
`If-None-Match`, and reading an attribute a list item lacks (`pull_request` on plain issues,
`raw_data`) silently re-fetches that single issue — one request per issue (PLATFORM-NOTES C4, E).
The raw JSON of list responses feeds `IssueStore` directly, so neither can happen. PyGithub still
does what it is good at: authentication (token, or GitHub App JWT + installation tokens that it
refreshes), base URL handling (GitHub Enterprise, loopback fakes) and HTTP connection reuse.

Why our own retries (`retry=None` for PyGithub): `GithubRetry` sleeps inside the request (up to an
hour on a primary limit), retries 5xx without delay by default and retries POST after a read
timeout, which can post a comment twice. Here: 5xx and timeouts back off with jitter (writes that
are not idempotent are not retried blindly), `retry-after` is obeyed, and a primary limit raises
`RateLimited` so callers can slow down instead of blocking.

All requests run on one worker thread: requests are serial, as GitHub asks, and PyGithub's
blocking I/O never runs on the event loop.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any

import orjson
import requests
from github import Auth, Github, GithubException

from bot.config.sections.github import GitHubConfig
from bot.core.clock import Clock
from bot.github.app_auth import AppInstallation
from bot.github.errors import GitHubAuthError, GitHubError, GitHubUnavailable, RateLimited
from bot.github.ratelimit import RateBudget

log = logging.getLogger(__name__)

# Reads are serial already (one worker thread) and rate-limit aware, so PyGithub's 0.25 s pause
# between requests would only make a 200-page first sync take 50 s longer. Writes keep GitHub's
# advice of at least one second between mutating requests (best-practices doc, PLATFORM-NOTES C2).
SECONDS_BETWEEN_REQUESTS = 0.0
SECONDS_BETWEEN_WRITES = 1.0
PER_PAGE = 100
USER_AGENT = "Steward-bot (PyGithub)"
BACKGROUND, PERSON = "background", "person"  # the request lanes (GitHubClient.request)
_NEXT_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="next"')


@dataclass(frozen=True)
class RetryPolicy:
    """How hard a single request tries before it gives up."""

    attempts: int = 4
    backoff: float = 1.0  # seconds before the first retry; doubles each time, with jitter
    max_backoff: float = 30.0
    secondary_wait: float = 60.0  # GitHub: no retry-after on a secondary limit -> wait at least 1 min
    max_wait: float = 300.0  # longer waits are not slept on the worker thread: RateLimited instead
    person_wait: float = 3.0  # the same for a request someone is waiting on

    def delay(self, attempt: int) -> float:
        """Exponential backoff with jitter (half fixed, half random) for retry number `attempt`."""
        base = min(self.max_backoff, self.backoff * 2**attempt)
        return base / 2 + random.uniform(0, base / 2)


@dataclass(frozen=True)
class Response:
    """One HTTP response: status, lower-case headers, parsed JSON (None for 304/204)."""

    status: int
    headers: Mapping[str, Any]
    data: Any

    @property
    def etag(self) -> str | None:
        value = self.headers.get("etag")
        return str(value) if value else None

    @property
    def next_url(self) -> str | None:
        """The `rel="next"` URL of a paginated list (never built by hand; GitHub best practice)."""
        match = _NEXT_LINK.search(str(self.headers.get("link") or ""))
        return match.group(1) if match else None

    @property
    def date(self) -> datetime | None:
        """GitHub's clock at response time (the `Date` header, whole seconds like its timestamps)."""
        value = self.headers.get("date")
        if not value:
            return None
        try:
            return parsedate_to_datetime(str(value)).astimezone(UTC)
        except (TypeError, ValueError):
            return None

    @property
    def server_time(self) -> datetime | None:
        """`date` minus a second: everything changed after the response is newer than this."""
        date = self.date
        return date - timedelta(seconds=1) if date is not None else None


@dataclass
class RequestStats:
    """What this client has spent, for `steward sync`, /healthz and the benchmark."""

    requests: int = 0
    not_modified: int = 0
    retries: int = 0
    by_verb: dict[str, int] = field(default_factory=dict)


def build_pygithub(
    config: GitHubConfig,
    timeout: int,
    seconds_between_writes: float = SECONDS_BETWEEN_WRITES,
    app: AppInstallation | None = None,
) -> Github:
    """A PyGithub client for the configured credentials (token, App installation, or anonymous)."""
    auth: Auth.Auth | None = None
    if config.token:
        auth = Auth.Token(config.token)
    elif config.app is not None:
        auth = (app or AppInstallation(config, timeout, USER_AGENT)).auth()
    return Github(
        auth=auth,
        base_url=config.api_url,
        timeout=timeout,
        user_agent=USER_AGENT,
        per_page=PER_PAGE,
        retry=None,
        seconds_between_requests=SECONDS_BETWEEN_REQUESTS,
        seconds_between_writes=seconds_between_writes,
        lazy=True,
    )


class GitHubClient:
    """Serial, retrying, rate-limit-aware access to the REST API; `request` is the async entry point."""

    def __init__(
        self,
        config: GitHubConfig,
        clock: Clock,
        *,
        timeout: int = 15,
        retry: RetryPolicy | None = None,
        seconds_between_writes: float = SECONDS_BETWEEN_WRITES,
    ) -> None:
        self.config = config
        self.clock = clock
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.seconds_between_writes = seconds_between_writes
        self.budget = RateBudget()
        self.stats = RequestStats()
        # One PyGithub client per lane, each used only by its lane's thread.
        self._githubs: dict[str, Github] = {}
        self._app = AppInstallation(config, timeout, USER_AGENT) if config.app and not config.token else None
        # Why GitHub refuses our credentials, for /healthz; None once a request succeeds again.
        self.auth_problem: str | None = None
        # Two lanes: what people asked for never queues behind background work (a sync's pages, a
        # retry-after slept on a worker thread). Each lane is serial, as GitHub asks of one client.
        self._lanes = {
            lane: ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"github-{lane}")
            for lane in (BACKGROUND, PERSON)
        }
        self._closing = threading.Event()

    def _requester(self, lane: str) -> Any:
        github = self._githubs.get(lane)
        if github is None:
            # Built on first use (on the lane's thread): an App lookup is a network call.
            github = build_pygithub(self.config, self.timeout, self.seconds_between_writes, self._app)
            self._githubs[lane] = github
        return github.requester

    def _send(
        self,
        verb: str,
        url: str,
        params: Mapping[str, Any] | None,
        body: Any,
        headers: Mapping[str, str] | None,
        lane: str,
    ) -> tuple[int, Mapping[str, Any], str]:
        """One HTTP exchange; failures to authenticate (App JWT, installation lookup) become GitHubErrors."""
        try:
            status, resp_headers, text = self._requester(lane).requestJson(
                verb, url, dict(params or {}), dict(headers or {}), body
            )
        except GithubException as exc:
            # requestJson returns every HTTP status: an exception here came from minting the token.
            assert self._app is not None
            raise self._app.error(exc, "creating an installation token") from exc
        return status, resp_headers, text

    def _refused(self, status: int, data: Any, refreshed: bool, lane: str) -> GitHubAuthError | None:
        """The error for a 401 that a fresh installation token can't fix; None when one may."""
        if self._app is not None and not refreshed:
            # PyGithub renews 20 s before `expires_at` by *our* clock; a token revoked early or a
            # clock behind GitHub's gets a 401 first. A new AppInstallationAuth mints a new token.
            log.info("GitHub refused the installation token (%s); minting a new one", _message(data))
            github = self._githubs.pop(lane, None)
            if github is not None:
                github.close()
            return None
        what = "a fresh installation token" if self._app is not None else "github.token"
        return GitHubAuthError(status, f"GitHub refused {what} ({_message(data)!r}); check the credentials")

    def _auth_state(self, problem: GitHubAuthError | None) -> None:
        """Log a credentials problem once when it starts (and its end), for operators and /healthz."""
        text = problem.message if problem is not None else None
        if text == self.auth_problem:
            return
        if text is not None:
            log.error("GitHub authentication failed: %s", text)
        else:
            log.info("GitHub authentication works again")
        self.auth_problem = text

    async def request(
        self,
        verb: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool = True,
        for_person: bool = False,
    ) -> Response:
        """Send one request on a worker thread; see `call`. `for_person`: someone is waiting for the
        answer, so it goes on its own lane and never sleeps through a long rate-limit wait."""
        loop = asyncio.get_running_loop()
        work = partial(
            self.call, verb, url, params=params, body=body, headers=headers, idempotent=idempotent,
            for_person=for_person,
        )  # fmt: skip
        return await loop.run_in_executor(self._lanes[PERSON if for_person else BACKGROUND], work)

    def call(
        self,
        verb: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool = True,
        for_person: bool = False,
    ) -> Response:
        """Send one request (blocking); 2xx and 304 return, everything else raises a GitHubError.

        With `for_person`, a spent budget raises RateLimited at once (nothing is sent) and no wait
        longer than `RetryPolicy.person_wait` is slept: the person is told when to try again."""
        attempt = 0
        refreshed = False
        lane = PERSON if for_person else BACKGROUND
        max_wait = self.retry.person_wait if for_person else self.retry.max_wait
        while True:
            if self._closing.is_set():
                raise GitHubUnavailable(0, "client closed")
            if for_person:
                self._refuse_when_spent()
            try:
                status, resp_headers, text = self._send(verb, url, params, body, headers, lane)
            except GitHubAuthError as exc:
                self._auth_state(exc)
                raise
            except GitHubUnavailable as exc:  # GitHub failed while minting a token: retry like a 5xx
                if attempt + 1 >= self.retry.attempts:
                    raise
                self._pause(self.retry.delay(attempt), f"{verb} {url}: {exc}")
                attempt += 1
                continue
            except (requests.Timeout, requests.ConnectionError) as exc:
                # A write that timed out may have happened: never blindly repeat a non-idempotent one.
                if not idempotent or attempt + 1 >= self.retry.attempts:
                    raise GitHubUnavailable(
                        0, f"{type(exc).__name__}: {exc}", ambiguous=not idempotent
                    ) from exc
                self._pause(self.retry.delay(attempt), f"{verb} {url}: {type(exc).__name__}")
                attempt += 1
                continue
            self._count(verb, status)
            self.budget.observe(resp_headers, self.clock.now())
            data = _parse(text)
            if status < 400:
                self._auth_state(None)
                return Response(status, resp_headers, data)
            if status == 401:
                refused = self._refused(status, data, refreshed, lane)
                if refused is not None:
                    self._auth_state(refused)
                    raise refused
                refreshed = True
                continue
            wait = self._wait_for(status, resp_headers, data)
            if wait is not None:
                if wait > max_wait or attempt + 1 >= self.retry.attempts:
                    raise RateLimited(status, _message(data), retry_at=self._retry_at(resp_headers, wait))
                self._pause(wait, f"{verb} {url}: secondary rate limit")
            elif status >= 500:
                if not idempotent or attempt + 1 >= self.retry.attempts:
                    raise GitHubUnavailable(status, _message(data), ambiguous=not idempotent)
                self._pause(self.retry.delay(attempt), f"{verb} {url}: {status}")
            else:
                raise GitHubError(status, _message(data))
            attempt += 1

    def _refuse_when_spent(self) -> None:
        """Raise RateLimited when GitHub said the core budget is spent until a reset still ahead."""
        now = self.clock.now()
        reset_at = self.budget.reset_at
        if self.budget.remaining == 0 and reset_at is not None and reset_at > now:
            raise RateLimited(403, "API rate limit exceeded", retry_at=reset_at)

    def _wait_for(self, status: int, headers: Mapping[str, Any], data: Any) -> float | None:
        """Seconds to wait before retrying a rate-limited response; None when it is not one."""
        if status not in (403, 429):
            return None
        retry_after = headers.get("retry-after")
        if retry_after is not None:
            return float(retry_after)
        if str(headers.get("x-ratelimit-remaining", "")) == "0":
            reset = headers.get("x-ratelimit-reset")
            now = self.clock.now().timestamp()
            return max(float(reset) - now, 0.0) + 1 if reset else self.retry.max_wait + 1
        if status == 429 or "secondary rate limit" in _message(data).lower():
            return self.retry.secondary_wait
        return None  # a plain 403: no permission

    def _retry_at(self, headers: Mapping[str, Any], wait: float) -> datetime:
        return self.clock.now() + timedelta(seconds=wait)

    def _count(self, verb: str, status: int) -> None:
        self.stats.requests += 1
        self.stats.by_verb[verb] = self.stats.by_verb.get(verb, 0) + 1
        if status == 304:
            self.stats.not_modified += 1

    def _pause(self, seconds: float, why: str) -> None:
        self.stats.retries += 1
        log.warning("GitHub request retried in %.1fs (%s)", seconds, why)
        # Interruptible, so shutdown doesn't wait out a long retry-after.
        self._closing.wait(seconds)

    def close(self) -> None:
        """Stop retrying, finish the request in flight and release connections."""
        self._closing.set()
        for executor in self._lanes.values():
            executor.shutdown(wait=True, cancel_futures=True)
        for github in self._githubs.values():
            github.close()
        self._githubs.clear()


def _parse(text: str) -> Any:
    if not text:
        return None
    try:
        # orjson decodes a page of issues about three times as fast as json: a first sync's pages
        # are most of what the GitHub thread does, and it holds the GIL while decoding.
        return orjson.loads(text)
    except ValueError:
        pass
    try:
        return json.loads(text)  # what orjson refuses and JSON allows (NaN, Infinity)
    except ValueError:
        return {"message": text[:200]}


def _message(data: Any) -> str:
    if isinstance(data, Mapping):
        return str(data.get("message") or "")
    return ""
