"""A loopback GitHub REST server that real PyGithub talks to over HTTP.

Speaks what the sync and the port use: issue lists (state/labels/since/sort/direction filters,
`per_page` max 100, Link pagination in GitHub's `/repositories/{id}/issues?page=N` form), weak ETags
with `If-None-Match` -> 304 that costs no rate-limit point, `x-ratelimit-*` headers on every
response and 403 "API rate limit exceeded" when the budget is spent, injectable secondary limits
(403/429 + retry-after), 5xx and hangs, comments (per issue, and the repository-wide list with
`since`/`sort`/`direction`), the repository's issue events (newest first), assignees with GitHub's
rule (only collaborators and people who commented can be assigned; others are silently dropped
from a 201 answer, as the add-assignees endpoint does), labels, the collaborator-permission and
team-membership endpoints, users with bios, and gists. GitHub Apps (JWT-authenticated App
endpoints, installation tokens that expire) live in apps.py.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.fakes.github.apps import (
    BAD_CREDENTIALS,
    BAD_JWT,
    FakeApps,
    app_route,
    credential_kind,
    is_app_endpoint,
    reaches,
)
from tests.fakes.github.oauth import FakeOAuth
from tests.fakes.github.repo_files import FakeGitData
from tests.fakes.github.state import WRITE_PERMISSIONS, FakeGitHubState, user_object

RATE_LIMITED = {
    "message": "API rate limit exceeded for user ID 1.",
    "documentation_url": "https://docs.github.com",
}
SECONDARY = {
    "message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
}


@dataclass
class Logged:
    """One request as the fake saw it."""

    method: str
    path: str
    query: dict[str, str]
    status: int
    if_none_match: str | None
    charged: bool
    credential: str = ""  # "token", "installation", "jwt" or "" (see apps.credential_kind)


@dataclass
class Fault:
    """A scripted misbehaviour for the next matching requests."""

    kind: str  # "status" | "hang" | "secondary"
    count: int
    path_prefix: str = ""
    status: int = 502
    seconds: float = 0.0


@dataclass
class RateState:
    limit: int = 5000
    remaining: int = 5000
    reset: int = field(default_factory=lambda: int(time.time()) + 3600)

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Used": str(self.limit - self.remaining),
            "X-RateLimit-Reset": str(self.reset),
            "X-RateLimit-Resource": "core",
        }


class FakeGitHub:
    """Runs the server on a free loopback port in a thread; `base_url` goes into `github.api_url`."""

    def __init__(self, state: FakeGitHubState | None = None, token: str | None = None) -> None:
        self.state = state or FakeGitHubState()
        self.oauth = FakeOAuth()
        self.token = token
        self.apps = FakeApps()
        self.git = FakeGitData()  # files, commits, check runs, statuses (repo_files.py)
        self.rate = RateState()
        self.log: list[Logged] = []
        self.faults: list[Fault] = []
        # One-shot actions run just before a matching request is answered (something happening on
        # GitHub between two requests of one sync).
        self.hooks: list[tuple[str, Callable[[], object]]] = []
        self.replays: dict[str, tuple[int, list[tuple[str, str]], bytes]] = {}
        self.lock = threading.RLock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-github", daemon=True)
        self.state.api_base = self.base_url

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeGitHub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- scripting ---------------------------------------------------------------------------------
    def fail_next(self, status: int = 502, count: int = 1, path_prefix: str = "") -> None:
        self.faults.append(Fault("status", count, path_prefix, status=status))

    def hang_next(self, seconds: float, count: int = 1, path_prefix: str = "") -> None:
        self.faults.append(Fault("hang", count, path_prefix, seconds=seconds))

    def secondary_limit_next(self, status: int = 403, retry_after: float | None = 1, count: int = 1) -> None:
        self.faults.append(Fault("secondary", count, status=status, seconds=retry_after or -1))

    def before_next(self, path: str, action: Callable[[], object]) -> None:
        """Run `action` (e.g. a state change) right before the next request for exactly `path`."""
        self.hooks.append((path, action))

    def _take_hook(self, path: str) -> Callable[[], object] | None:
        for index, (wanted, action) in enumerate(self.hooks):
            if wanted == path:
                del self.hooks[index]
                return action
        return None

    def replay(self, path: str, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        """Serve a recorded response verbatim for `path` (path + query as requested)."""
        self.replays[path] = (status, headers, body)

    def reset_counters(self) -> None:
        with self.lock:
            self.log.clear()

    @property
    def points_spent(self) -> int:
        return sum(1 for entry in self.log if entry.charged)

    def requests(self, method: str | None = None, path_prefix: str = "") -> list[Logged]:
        return [
            e for e in self.log if (method is None or e.method == method) and e.path.startswith(path_prefix)
        ]

    def _take_fault(self, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.count > 0 and path.startswith(fault.path_prefix):
                fault.count -= 1
                return fault
        return None


def _etag(body: bytes) -> str:
    return 'W/"' + hashlib.sha256(body).hexdigest() + '"'


class Reply:
    """What a route returns."""

    def __init__(self, status: int, data: Any = None, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.data = data
        self.headers = headers or {}


Route = Callable[["FakeGitHub", "re.Match[str]", dict[str, str], Any, str], Reply]


def _handler_for(fake: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    from tests.fakes.github.routes import ROUTES

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms stalls

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def date_time_string(self, timestamp: float | None = None) -> str:
            # GitHub stamps `Date` and `updated_at` from the same clock; so does the fake.
            return format_datetime(fake.state.now.astimezone(UTC), usegmt=True)

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            split = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(split.query).items()}
            inm = self.headers.get("If-None-Match")
            fault = fake._take_fault(split.path)
            if fault is not None and fault.kind == "hang":
                time.sleep(fault.seconds)
            with fake.lock:
                hook = fake._take_hook(split.path)
                if hook is not None:
                    hook()
                status, headers, body, charged = self._respond(
                    method, split.path, self.path, query, raw, inm, fault
                )
                credential = credential_kind(self.headers.get("Authorization"))
                fake.log.append(Logged(method, split.path, query, status, inm, charged, credential))
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            if not any(n.lower() == "content-length" for n, _ in headers):
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _respond(
            self,
            method: str,
            path: str,
            full: str,
            query: dict[str, str],
            raw: bytes,
            inm: str | None,
            fault: Fault | None,
        ) -> tuple[int, list[tuple[str, str]], bytes, bool]:
            if full in fake.replays and method == "GET":
                status, headers, body = fake.replays[full]
                skip = ("content-length", "transfer-encoding", "content-encoding", "date")
                headers = [(n, v) for n, v in headers if n.lower() not in skip]
                return status, headers, body, True
            base = [("Content-Type", "application/json; charset=utf-8")]
            oauth = self._oauth(method, path, raw)
            if oauth is not None:  # github.com's OAuth endpoints: no app token, no REST rate limit
                status, answer = oauth
                return status, base, json.dumps(answer).encode(), False
            refused = self._refuse(path)
            if refused is not None:
                return refused.status, base, json.dumps(refused.data).encode(), False
            if fault is not None and fault.kind == "status":
                body = json.dumps({"message": "Server Error"}).encode()
                return fault.status, base + list(fake.rate.headers().items()), body, False
            if fault is not None and fault.kind == "secondary":
                headers = base + list(fake.rate.headers().items())
                if fault.seconds >= 0:
                    headers.append(("Retry-After", str(int(fault.seconds))))
                return fault.status, headers, json.dumps(SECONDARY).encode(), False
            if fake.apps.apps and is_app_endpoint(path):
                app = fake.apps.verify_jwt(self.headers.get("Authorization"))
                reply = app_route(fake, method, path, app) if app else Reply(401, BAD_JWT)
                # JWT requests count against the App's own budget, not the installation's.
                body = b"" if reply.data is None else json.dumps(reply.data).encode()
                return reply.status, base, body, False
            if path != "/rate_limit" and fake.rate.remaining <= 0:
                return 403, base + list(fake.rate.headers().items()), json.dumps(RATE_LIMITED).encode(), False
            data = json.loads(raw) if raw else None
            reply = Reply(404, {"message": "Not Found"})
            for verb, pattern, route in ROUTES:
                match = re.fullmatch(pattern, path)
                if match and verb == method:
                    reply = route(fake, match, query, data, fake.base_url)
                    break
            body = b"" if reply.data is None else json.dumps(reply.data).encode()
            headers = base + list(reply.headers.items())
            if method == "GET" and reply.status == 200:
                etag = _etag(body)
                headers.append(("ETag", etag))
                if inm is not None and inm == etag:
                    # GitHub: a 304 answer to a conditional request costs no rate-limit point.
                    return 304, [*base, ("ETag", etag), *fake.rate.headers().items()], b"", False
            charged = path != "/rate_limit"
            if charged:
                fake.rate.remaining -= 1
            return reply.status, headers + list(fake.rate.headers().items()), body, charged

        def _refuse(self, path: str) -> Reply | None:
            """401 for missing or bad credentials; 404 for a repository an installation can't reach."""
            if fake.token is None and not fake.apps.apps:
                return None  # an open fake: no credentials required
            auth = self.headers.get("Authorization")
            if fake.apps.apps and is_app_endpoint(path):
                return None  # the JWT is checked with the App routes
            if fake.token is not None and auth in (f"token {fake.token}", f"Bearer {fake.token}"):
                return None
            issued = fake.apps.token_for(auth)
            if issued is None:
                return Reply(401, BAD_CREDENTIALS)
            inst = fake.apps.installation_of(issued)
            if inst is None or not reaches(fake, inst, path):
                return Reply(404, {"message": "Not Found"})
            return None

        def _oauth(self, method: str, path: str, raw: bytes) -> tuple[int, Any] | None:
            form = {k: v[-1] for k, v in parse_qs(raw.decode()).items()}
            if method == "POST" and path == "/login/device/code":
                return fake.oauth.device_code(form)
            if method == "POST" and path == "/login/oauth/access_token":
                return fake.oauth.access_token(form)
            if method == "GET" and path == "/user":
                login = fake.oauth.user_of(self.headers.get("Authorization"))
                if login is None:
                    return None  # not a device-flow token: the ordinary REST handling answers
                return 200, fake.state.users.get(login.lower()) or user_object(login)
            return None

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_PATCH(self) -> None:
            self._serve("PATCH")

        def do_DELETE(self) -> None:
            self._serve("DELETE")

    return Handler


def link_header(
    base_url: str, repo_id: int, query: dict[str, str], page: int, last: int, path: str = "issues"
) -> str:
    """GitHub's Link header: numeric `/repositories/{id}/{path}` URLs carrying the other parameters."""

    def url(n: int) -> str:
        return f"{base_url}/repositories/{repo_id}/{path}?{urlencode({**query, 'page': n})}"

    links = []
    if page < last:
        links += [f'<{url(page + 1)}>; rel="next"', f'<{url(last)}>; rel="last"']
    if page > 1:
        links += [f'<{url(1)}>; rel="first"', f'<{url(page - 1)}>; rel="prev"']
    return ", ".join(links)


__all__ = ["WRITE_PERMISSIONS", "FakeGitHub", "FakeGitHubState", "Reply", "link_header", "user_object"]
