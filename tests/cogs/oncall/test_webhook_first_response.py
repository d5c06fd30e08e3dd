"""First response detected end to end: signed webhook deliveries -> the real GitHub layer -> /oncall."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from sqlmodel import select

from bot.app import App
from bot.core.clock import FakeClock
from bot.github.service import GitHubService
from bot.github.store import parse_github_time
from cogs.oncall.models import OncallTriage
from tests.fakes.github import FakeGitHub
from tests.fixtures.github import deliver_webhook, github_config

SECRET = "oncall-webhook-secret"
EXTRA = f"""  webhook_secret: "{SECRET}"
http:
  host: 127.0.0.1
  port: 0
maintainers:
  - github: Codertocat
oncall:
  rotations:
    - name: core
      members: [Codertocat]
  triage_labels: [bug, enhancement]
"""


def _load(shared: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((shared / "github-webhooks" / name).read_text(encoding="utf-8"))
    return data


async def test_first_response_from_verbatim_comment_delivery(
    fake_github: FakeGitHub, database_url: str, tmp_path: Path, shared_fixtures: Path
) -> None:
    fake_github.state.add_repo("Codertocat/Hello-World", collaborators={"Codertocat": "admin"})
    # EXTRA continues the `github:` section (webhook secret), then adds the other sections.
    config = github_config(fake_github, database_url, tmp_path, ["Codertocat/Hello-World"], extra=EXTRA)
    app = App(config, clock=FakeClock())
    github = app.services.github
    assert isinstance(github, GitHubService) and github.webhooks is not None
    await app.start()
    try:
        # Let the start-up sync of the (empty) repository finish first: run after the deliveries, it
        # would find the delivered issue missing on the fake and mark it removed.
        await github.first_sync_done()
        opened = _load(shared_fixtures, "issues.opened.json")
        # Synthetic variant (labelled as such): the issue comes from an outside contributor, so the
        # owner's verbatim comment below is a maintainer's first response.
        opened = copy.deepcopy(opened)
        opened["issue"]["user"]["login"] = "newcomer"
        opened["issue"]["author_association"] = "NONE"
        opened["sender"]["login"] = "newcomer"
        await deliver_webhook(app.http.port, SECRET, "issues", opened, "delivery-opened")
        comment = _load(shared_fixtures, "issue_comment.created.json")  # verbatim
        comment["issue"]["user"]["login"] = "newcomer"  # the same issue, as GitHub would send it
        await deliver_webhook(app.http.port, SECRET, "issue_comment", comment, "delivery-comment")
        await deliver_webhook(
            app.http.port, SECRET, "issue_comment", comment, "delivery-comment"
        )  # re-delivered
        await github.webhooks.drain()  # deliveries are answered at once and processed afterwards

        row = app.db.call(lambda s: s.exec(select(OncallTriage)).first())
        assert row is not None, "the opened issue was tracked as untriaged"
        assert row.author_login == "newcomer"
        assert row.first_response_at == parse_github_time(comment["comment"]["created_at"])
        assert row.first_response_by == "Codertocat"
    finally:
        await app.stop()
