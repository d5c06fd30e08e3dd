"""`steward sync` against the fake: a progress bar on stderr, a summary on stdout, data in the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import func, select

from bot.cli import main
from bot.db.database import Database
from bot.db.models import TrackedIssue
from tests.fakes.github import FakeGitHub
from tests.fixtures.console import config_text
from tests.fixtures.github import FAKE_TOKEN
from tests.fixtures.github_app import RegisteredApp, other_private_pem


def test_steward_sync_full(
    fake_github: FakeGitHub, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_github.state.add_repo("acme/widgets")
    for n in range(120):
        fake_github.state.add_issue("acme/widgets", title=f"Issue {n}")
    config = tmp_path / "steward.yaml"
    section = f"github:\n  repos: [acme/widgets]\n  token: {FAKE_TOKEN}\n  api_url: {fake_github.base_url}\n"
    config.write_text(config_text(database_url, section), encoding="utf-8")
    assert main(["sync", "--config", str(config), "--full"]) == 0
    out, err = capsys.readouterr()
    assert "acme/widgets [" in err and "2/2 pages" in err
    assert "repo=acme/widgets" in out and "items=120" in out
    db = Database(database_url)
    try:
        with db.session() as s:
            assert s.exec(select(func.count()).select_from(TrackedIssue)).one() == 120
    finally:
        db.dispose()
    assert main(["sync", "--config", str(config), "--repo", "other/repo"]) == 2


@pytest.mark.parametrize("good_key", [True, False])
def test_steward_sync_as_a_github_app(
    fake_github: FakeGitHub,
    github_app: RegisteredApp,
    database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    good_key: bool,
) -> None:
    fake_github.state.add_repo("acme/widgets")
    fake_github.state.add_issue("acme/widgets", title="Hello")
    key = github_app.private_key if good_key else other_private_pem()
    monkeypatch.setenv("GITHUB_APP_PRIVATE_KEY", key.replace("\n", "\\n"))  # one line, as platforms store it
    config = tmp_path / "steward.yaml"
    section = (
        f"github:\n  repos: [acme/widgets]\n  api_url: {fake_github.base_url}\n"
        f"  app:\n    app_id: {github_app.app_id}\n    private_key: ${{GITHUB_APP_PRIVATE_KEY}}\n"
    )
    config.write_text(config_text(database_url, section), encoding="utf-8")
    code = main(["sync", "--config", str(config)])
    out, err = capsys.readouterr()
    if good_key:
        assert code == 0 and "items=1" in out
    else:
        assert code == 1
        assert f"acme/widgets: GitHub 401: GitHub App {github_app.app_id}: GitHub refused its JWT" in err
