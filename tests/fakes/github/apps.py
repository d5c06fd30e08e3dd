"""GitHub Apps on the fake: JWT-authenticated App endpoints and short-lived installation tokens.

What PyGithub's `Auth.AppAuth` / `AppInstallationAuth` / `GithubIntegration` call: `GET /app`,
`GET /app/installations`, `GET /app/installations/{id}`, `GET /repos/{o}/{r}/installation`,
`GET /orgs/{org}/installation`, `GET /users/{u}/installation` and
`POST /app/installations/{id}/access_tokens`, each with `Authorization: Bearer <JWT>`.

As GitHub does: the JWT must be RS256-signed with the private key whose public half the test
registered for the App named by `iss`, `exp` at most 10 minutes ahead and after `iat`, `iat` not in
the future (60 s of drift allowed), and a bad one answers 401 "A JSON web token could not be
decoded". An installation token (`ghs_...`) works as `token`/`Bearer` on the normal endpoints until
`expires_at`, reaches only the installation's repositories (others are 404) and is refused with 401
"Bad credentials" afterwards. JWTs and tokens are real wall-clock based, because PyGithub stamps and
judges them with `time.time()`; `clock_offset` moves the fake's wall clock (a skewed GitHub).
"""

from __future__ import annotations

import itertools
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import jwt

from tests.fakes.github.state import user_object

if TYPE_CHECKING:
    from tests.fakes.github.server import FakeGitHub, Reply

MAX_JWT_LIFETIME = 600  # GitHub: "exp ... no more than 10 minutes into the future"
DRIFT = 60  # GitHub recommends iat 60 s in the past against drift; accept the same the other way
BAD_JWT = {
    "message": "A JSON web token could not be decoded",
    "documentation_url": "https://docs.github.com/rest",
}
BAD_CREDENTIALS = {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}


@dataclass
class FakeInstallation:
    """An App installed on an account; `repos` None means all of the account's repositories."""

    id: int
    account: str
    account_type: str = "Organization"
    repos: set[str] | None = None

    def covers(self, full_name: str) -> bool:
        owner = full_name.split("/", 1)[0].lower()
        if owner != self.account.lower():
            return False
        return self.repos is None or full_name.lower() in self.repos


@dataclass
class FakeApp:
    """A registered App: its id, the public key its JWTs are checked with, and its installations."""

    app_id: int
    public_key_pem: str
    slug: str = "steward-test"
    installations: dict[int, FakeInstallation] = field(default_factory=dict)


@dataclass
class IssuedToken:
    token: str
    app_id: int
    installation_id: int
    expires_at: float


class FakeApps:
    """App registry, JWT checks and installation tokens of one fake GitHub."""

    def __init__(self, token_lifetime: float = 3600.0) -> None:
        self.apps: dict[int, FakeApp] = {}
        self.tokens: dict[str, IssuedToken] = {}
        self.token_lifetime = token_lifetime  # GitHub: one hour; tests shorten it
        self.clock_offset = 0.0
        self.rejections: list[str] = []  # why each refused JWT or token was refused
        self._ids = itertools.count(40_000_000)

    def now(self) -> float:
        return time.time() + self.clock_offset

    # --- scripting -------------------------------------------------------------------------------
    def register(self, app_id: int, public_key_pem: str) -> FakeApp:
        app = FakeApp(app_id, public_key_pem)
        self.apps[app_id] = app
        return app

    def install(
        self, app_id: int, account: str, *, account_type: str = "Organization", repos: list[str] | None = None
    ) -> FakeInstallation:
        selected = {r.lower() for r in repos} if repos is not None else None
        inst = FakeInstallation(next(self._ids), account, account_type, selected)
        self.apps[app_id].installations[inst.id] = inst
        return inst

    def revoke_all(self) -> None:
        """Invalidate every issued installation token (as `DELETE /installation/token` would)."""
        self.tokens.clear()

    # --- checks ------------------------------------------------------------------------------------
    def verify_jwt(self, authorization: str | None) -> FakeApp | None:
        """The App a `Bearer <JWT>` header proves to be, or None (reason in `rejections`)."""
        kind, _, value = (authorization or "").partition(" ")
        if kind != "Bearer" or value.count(".") != 2:
            return self._reject("no JWT")
        try:
            claims = jwt.decode(value, options={"verify_signature": False})
            app = self.apps.get(int(claims["iss"]))
            if app is None:
                return self._reject(f"unknown app {claims['iss']!r}")
            header = jwt.get_unverified_header(value)
            if header.get("alg") != "RS256":
                return self._reject(f"alg {header.get('alg')!r}")
            # Time claims are checked below, by GitHub's rules rather than PyJWT's.
            jwt.decode(
                value,
                app.public_key_pem,
                algorithms=["RS256"],
                options={"verify_exp": False, "verify_iat": False},
            )
            iat, exp = int(claims["iat"]), int(claims["exp"])
        except (jwt.PyJWTError, KeyError, TypeError, ValueError) as exc:
            return self._reject(f"undecodable: {exc}")
        now = self.now()
        if iat > now + DRIFT:
            return self._reject("iat in the future")
        if exp <= now:
            return self._reject("expired")
        if exp - now > MAX_JWT_LIFETIME + DRIFT or exp - iat > MAX_JWT_LIFETIME + DRIFT:
            return self._reject("exp too far in the future")
        return app

    def token_for(self, authorization: str | None) -> IssuedToken | None:
        """The live installation token a `token ...`/`Bearer ...` header carries, if any."""
        _, _, value = (authorization or "").partition(" ")
        issued = self.tokens.get(value)
        if issued is None:
            if value.startswith("ghs_"):
                self._reject("unknown or revoked installation token")
            return None
        if issued.expires_at <= self.now():
            self._reject("installation token expired")
            return None
        return issued

    def installation_of(self, issued: IssuedToken) -> FakeInstallation | None:
        app = self.apps.get(issued.app_id)
        return app.installations.get(issued.installation_id) if app else None

    def _reject(self, why: str) -> None:
        self.rejections.append(why)
        return None

    def mint(self, app: FakeApp, installation: FakeInstallation) -> dict[str, Any]:
        token = "ghs_" + secrets.token_hex(18)
        # GitHub's expires_at has whole seconds; round down so the token never outlives what it says.
        expires = int(self.now() + self.token_lifetime)
        self.tokens[token] = IssuedToken(token, app.app_id, installation.id, float(expires))
        return {
            "token": token,
            "expires_at": datetime.fromtimestamp(expires, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "permissions": {"issues": "write", "metadata": "read", "pull_requests": "write"},
            "repository_selection": "all" if installation.repos is None else "selected",
        }


APP_PATH = re.compile(r"^/app(/.*)?$|^/(repos/[^/]+/[^/]+|orgs/[^/]+|users/[^/]+)/installation$")


def credential_kind(authorization: str | None) -> str:
    """What kind of credential a request carried, for assertions on the fake's log."""
    kind, _, value = (authorization or "").partition(" ")
    if not value:
        return ""
    if value.startswith("ghs_"):
        return "installation"
    return "jwt" if kind == "Bearer" and value.count(".") == 2 else "token"


def is_app_endpoint(path: str) -> bool:
    """Endpoints that take the App's JWT rather than an installation token."""
    return APP_PATH.match(path) is not None


def installation_object(fake: FakeGitHub, app: FakeApp, inst: FakeInstallation) -> dict[str, Any]:
    return {
        "id": inst.id,
        "app_id": app.app_id,
        "app_slug": app.slug,
        "target_type": inst.account_type,
        "account": user_object(inst.account, inst.account_type),
        "repository_selection": "all" if inst.repos is None else "selected",
        "access_tokens_url": f"{fake.base_url}/app/installations/{inst.id}/access_tokens",
        "repositories_url": f"{fake.base_url}/installation/repositories",
        "permissions": {"issues": "write", "metadata": "read", "pull_requests": "write"},
        "events": ["issues", "issue_comment", "pull_request"],
    }


def _reply(status: int, data: Any = None) -> Reply:
    from tests.fakes.github.server import Reply

    return Reply(status, data)


def app_route(fake: FakeGitHub, method: str, path: str, app: FakeApp) -> Reply:
    """Serve an App endpoint for an App whose JWT has been verified."""
    insts = app.installations
    if method == "GET" and path == "/app":
        return _reply(
            200, {"id": app.app_id, "slug": app.slug, "name": app.slug, "owner": user_object("acme")}
        )
    if method == "GET" and path == "/app/installations":
        return _reply(200, [installation_object(fake, app, i) for i in insts.values()])
    m = re.fullmatch(r"/app/installations/(\d+)(/access_tokens)?", path)
    if m:
        inst = insts.get(int(m[1]))
        if inst is None:
            return _reply(404, {"message": "Not Found"})
        if m[2] and method == "POST":
            return _reply(201, fake.apps.mint(app, inst))
        if not m[2] and method == "GET":
            return _reply(200, installation_object(fake, app, inst))
        return _reply(404, {"message": "Not Found"})
    m = re.fullmatch(r"/(repos|orgs|users)/([^/]+)(?:/([^/]+))?/installation", path)
    if m and method == "GET":
        kind, owner, name = m[1], m[2], m[3]
        for inst in insts.values():
            if kind == "repos":
                found = f"{owner}/{name}".lower() in fake.state.repos and inst.covers(f"{owner}/{name}")
            else:
                found = inst.account.lower() == owner.lower()
            if found:
                return _reply(200, installation_object(fake, app, inst))
    return _reply(404, {"message": "Not Found"})


REPO_PATH = re.compile(r"^/repos/(?P<owner>[^/]+)/(?P<name>[^/]+)(/|$)|^/repositories/(?P<id>\d+)(/|$)")


def reaches(fake: FakeGitHub, inst: FakeInstallation, path: str) -> bool:
    """Whether an installation token may see `path` (repository endpoints: only its repositories)."""
    m = REPO_PATH.match(path)
    if m is None:
        return True
    if m["id"]:
        repo = fake.state.repo_by_id(int(m["id"]))
        return repo is not None and inst.covers(repo.full_name)
    return inst.covers(f"{m['owner']}/{m['name']}")
