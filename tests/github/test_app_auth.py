"""GitHub App authentication end to end: real PyGithub signs JWTs and trades them for installation
tokens on the fake, which checks them as GitHub does (tests/fakes/github/apps.py)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import jwt
import pytest
import requests

from bot.app import App
from bot.core.clock import FakeClock
from bot.db.database import Database
from bot.github.client import GitHubAuthError, GitHubError
from bot.github.models import OutboxItem
from bot.github.service import GitHubService
from tests.fakes.github import FakeGitHub
from tests.fixtures.github import GitHubHarness
from tests.fixtures.github_app import RegisteredApp, app_config, app_private_pem, other_private_pem

TOKENS = "/app/installations/"


def _harness(fake: FakeGitHub, db: Database, tmp_path: Path, **kw: object) -> GitHubHarness:
    fake.state.add_repo("acme/widgets", collaborators={"maria": "write"})
    config = app_config(fake, db.url, tmp_path, ["acme/widgets"], **kw)  # type: ignore[arg-type]
    return GitHubHarness(fake, db, config, FakeClock())


@pytest.fixture
async def installed(
    fake_github: FakeGitHub, github_app: RegisteredApp, db: Database, tmp_path: Path
) -> AsyncIterator[GitHubHarness]:
    """A harness acting as the test App's installation (installation_id configured)."""
    h = _harness(fake_github, db, tmp_path, installation_id=github_app.installation.id)
    try:
        yield h
    finally:
        h.client.close()


def _mints(fake: FakeGitHub) -> list[str]:
    return [e.path for e in fake.requests("POST", TOKENS) if e.status == 201]


async def test_sync_and_a_queued_comment_work_as_an_installation(
    fake_github: FakeGitHub, github_app: RegisteredApp, db: Database, tmp_path: Path
) -> None:
    # The key arrives the way container platforms pass it: one line with literal "\n" escapes.
    escaped = github_app.private_key.replace("\n", "\\n")
    h = _harness(fake_github, db, tmp_path, installation_id=github_app.installation.id, private_key=escaped)
    try:
        fake_github.state.add_issue("acme/widgets", title="Fix the typo", labels=["good first issue"])
        result = await h.sync.sync("acme/widgets")
        assert result.items == 1
        item_id = await h.service.comment("acme/widgets", 1, "Claimed by @ada", dedupe_key="c1")
        await h.service.outbox.run_due()

        comments = fake_github.state.repo("acme/widgets").comments[1]
        assert len(comments) == 1 and comments[0]["body"].startswith("Claimed by @ada")
        assert item_id
        # One token for everything; every repository request carried it, none carried the JWT.
        assert _mints(fake_github) == [f"{TOKENS}{github_app.installation.id}/access_tokens"]
        repo_calls = fake_github.requests(path_prefix="/repos/") + fake_github.requests(
            path_prefix="/repositories/"
        )
        assert repo_calls and {e.credential for e in repo_calls} == {"installation"}
        assert not fake_github.apps.rejections
        assert h.client.auth_problem is None
    finally:
        h.client.close()


async def test_installation_is_found_from_the_first_repo(
    fake_github: FakeGitHub, github_app: RegisteredApp, db: Database, tmp_path: Path
) -> None:
    other = fake_github.apps.install(github_app.app_id, "someone-else")
    h = _harness(fake_github, db, tmp_path)  # no installation_id
    try:
        await h.sync.sync("acme/widgets")
        await h.sync.sync("acme/widgets")
        lookups = fake_github.requests("GET", "/repos/acme/widgets/installation")
        assert [(e.status, e.credential) for e in lookups] == [(200, "jwt")]  # looked up once
        assert _mints(fake_github) == [f"{TOKENS}{github_app.installation.id}/access_tokens"]
        assert other.id != github_app.installation.id
    finally:
        h.client.close()


async def test_app_not_installed_on_the_repo_says_so(
    fake_github: FakeGitHub,
    github_app: RegisteredApp,
    db: Database,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake_github.state.add_repo("elsewhere/tool")
    config = app_config(fake_github, db.url, tmp_path, ["elsewhere/tool"])
    h = GitHubHarness(fake_github, db, config, FakeClock())
    try:
        with caplog.at_level(logging.ERROR), pytest.raises(GitHubAuthError) as info:
            await h.client.request("GET", "/repos/elsewhere/tool/issues")
        assert "not installed on elsewhere/tool" in info.value.message
        assert "installation_id" in info.value.message
        assert "not installed on elsewhere/tool" in caplog.text
    finally:
        h.client.close()


async def test_the_apps_only_installation_is_used_when_no_repo_is_configured(
    fake_github: FakeGitHub, github_app: RegisteredApp, db: Database, tmp_path: Path
) -> None:
    config = app_config(fake_github, db.url, tmp_path, [])
    h = GitHubHarness(fake_github, db, config, FakeClock())
    fake_github.state.add_user("ada", bio="Hello")
    try:
        assert await h.service.user_bio("ada") == "Hello"
        assert [e.path for e in fake_github.requests("GET", "/app/installations")] == ["/app/installations"]
        assert _mints(fake_github) == [f"{TOKENS}{github_app.installation.id}/access_tokens"]
    finally:
        h.client.close()


@pytest.mark.parametrize("wrong", ["key", "app_id"])
async def test_wrong_key_or_app_id_is_a_clear_logged_error(
    fake_github: FakeGitHub,
    github_app: RegisteredApp,
    db: Database,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    wrong: str,
) -> None:
    kw: dict[str, object] = {"installation_id": github_app.installation.id}
    kw.update({"private_key": other_private_pem()} if wrong == "key" else {"app_id": 999})
    h = _harness(fake_github, db, tmp_path, **kw)
    try:
        item_id = await h.service.comment("acme/widgets", 1, "hello")
        for _ in range(2):
            with caplog.at_level(logging.ERROR), pytest.raises(GitHubAuthError) as info:
                await h.client.request("GET", "/repos/acme/widgets/issues")
        app_id = 999 if wrong == "app_id" else github_app.app_id
        assert f"GitHub App {app_id}: GitHub refused its JWT" in info.value.message
        assert "app_id and github.app.private_key belong to the same App" in info.value.message
        errors = [r for r in caplog.records if r.levelno == logging.ERROR]
        assert len(errors) == 1  # logged once when it starts, not on every request
        assert h.client.auth_problem == info.value.message
        # A queued write is kept for when the credentials are fixed, not dropped as failed.
        await h.service.outbox.run_due()
        with h.db.session() as s:
            row = s.get(OutboxItem, item_id)
            assert row is not None and row.status == "pending" and "refused its JWT" in (row.last_error or "")
        assert fake_github.apps.rejections and not fake_github.state.repo("acme/widgets").comments
    finally:
        h.client.close()


async def test_bad_credentials_leave_the_app_running_and_healthz_degraded(
    fake_github: FakeGitHub, github_app: RegisteredApp, database_url: str, tmp_path: Path
) -> None:
    fake_github.state.add_repo("acme/widgets")
    config = app_config(
        fake_github,
        database_url,
        tmp_path,
        ["acme/widgets"],
        private_key=other_private_pem(),
        extra="http:\n  port: 0\n  enabled: true\n",
    )
    app = App(config, clock=FakeClock())
    github = app.services.github
    assert isinstance(github, GitHubService)
    await app.start()
    try:
        assert github.polling.first_sync is not None
        await github.first_sync_done()  # the catch-up sync hits the refusal and logs it
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{app.http.port}/healthz") as resp:
                health = await resp.json()
                # Chat still works: a load balancer must keep this instance (200), told why it is degraded.
                assert resp.status == 200
        assert health["ok"] is True and health["status"] == "degraded"
        assert "refused its JWT" in health["degraded"]["github"]
        check = health["checks"]["github"]
        assert check["ok"] is False and "refused its JWT" in check["auth_error"]
        assert health["checks"]["database"]["ok"] is True
    finally:
        await app.stop()


async def test_pygithub_renews_the_token_before_it_expires(installed: GitHubHarness) -> None:
    # PyGithub renews 20 s before `expires_at`, judged by the wall clock (time.time), which no
    # injected clock reaches: a 21 s token is due for renewal within a second of real time.
    fake = installed.fake
    fake.apps.token_lifetime = 21
    await installed.client.request("GET", "/repos/acme/widgets/issues")
    first = dict(fake.apps.tokens)
    await asyncio.sleep(1.05)
    await installed.client.request("GET", "/repos/acme/widgets/issues")
    assert len(_mints(fake)) == 2 and set(fake.apps.tokens) - set(first)
    assert [e.status for e in fake.requests("GET", "/repos/")] == [200, 200]  # no 401 first


async def test_a_token_github_expired_early_is_replaced_transparently(installed: GitHubHarness) -> None:
    fake, client = installed.fake, installed.client
    fake.apps.token_lifetime = 60
    await client.request("GET", "/repos/acme/widgets/issues")
    # GitHub's clock jumps 90 s ahead of ours: PyGithub, by our clock, still sees ~40 s before
    # its renewal margin on the 60 s token; GitHub says it expired; the client mints a new one.
    fake.apps.clock_offset = 90
    resp = await client.request("GET", "/repos/acme/widgets/issues")
    assert resp.status == 200
    statuses = [e.status for e in fake.requests("GET", "/repos/")]
    assert statuses == [200, 401, 200] and len(_mints(fake)) == 2
    fake.apps.revoke_all()
    assert (await client.request("GET", "/repos/acme/widgets/issues")).status == 200
    assert len(_mints(fake)) == 3 and client.auth_problem is None


async def test_installation_tokens_reach_only_their_repositories(installed: GitHubHarness) -> None:
    installed.fake.state.add_repo("elsewhere/tool")
    with pytest.raises(GitHubError) as info:
        await installed.client.request("GET", "/repos/elsewhere/tool/issues")
    assert info.value.status == 404


@pytest.mark.parametrize(
    ("claims", "why"),
    [
        ({"iat": -60, "exp": 900}, "exp too far in the future"),
        ({"iat": -700, "exp": -30}, "expired"),
        ({"iat": 300, "exp": 500}, "iat in the future"),
        ({"iat": -60, "exp": 300, "iss": "1"}, "unknown app '1'"),
    ],
)
def test_the_fake_enforces_githubs_jwt_rules(
    fake_github: FakeGitHub, github_app: RegisteredApp, claims: dict[str, object], why: str
) -> None:
    now = int(time.time())
    payload = {"iss": str(github_app.app_id), **claims}
    payload["iat"] = now + int(claims["iat"])  # type: ignore[call-overload]
    payload["exp"] = now + int(claims["exp"])  # type: ignore[call-overload]
    token = jwt.encode(payload, app_private_pem(), algorithm="RS256")
    resp = requests.get(
        f"{fake_github.base_url}/app", headers={"Authorization": f"Bearer {token}"}, timeout=5
    )
    assert resp.status_code == 401
    assert resp.json()["message"] == "A JSON web token could not be decoded"
    assert fake_github.apps.rejections == [why]
