"""Maintainers (config, repo permission, team), bots, bios and gists through the port."""

from __future__ import annotations

from pathlib import Path

from tests.fixtures.github import GitHubHarness, github_config


async def test_maintainers_from_config_permission_and_team(github: GitHubHarness, tmp_path: Path) -> None:
    github.config = github_config(
        github.fake,
        github.db.url,
        tmp_path,
        ["acme/widgets"],
        extra="  maintainer_teams: [acme/core]\nmaintainers:\n  - github: Alice\n",
    )
    state = github.fake.state
    for login in ("maria", "root", "ada", "tom"):
        state.add_user(login)
    state.teams["acme/core"] = {"tom"}
    assert await github.service.is_maintainer("alice")  # config, no request
    assert github.fake.log == []
    assert await github.service.is_maintainer("maria", "acme/widgets")  # write permission
    assert await github.service.is_maintainer("root")
    assert await github.service.is_maintainer("tom")  # team member
    assert not await github.service.is_maintainer("ada")
    asked = len(github.fake.log)
    assert await github.service.is_maintainer("maria", "acme/widgets")
    assert len(github.fake.log) == asked  # cached


async def test_bots(github: GitHubHarness, tmp_path: Path) -> None:
    github.config = github_config(
        github.fake, github.db.url, tmp_path, ["acme/widgets"], extra="  bot_logins: [renovate]\n"
    )
    github.fake.state.add_issue("acme/widgets", author="ci-helper", author_type="Bot")
    await github.sync.sync("acme/widgets")
    assert github.service.is_bot("dependabot[bot]")
    assert github.service.is_bot("Renovate")
    assert github.service.is_bot("ci-helper")  # seen as type Bot in synced data
    assert not github.service.is_bot("ada")


async def test_bio_and_gists(github: GitHubHarness) -> None:
    state = github.fake.state
    state.add_user("ada", bio="steward-verify: 12345")
    state.add_gist("ada", {"proof.md": "steward-verify: 67890"}, description="proof")
    assert await github.service.user_bio("ada") == "steward-verify: 12345"
    assert await github.service.user_bio("ghost") is None
    texts = await github.service.public_gist_texts("ada")
    assert texts == ["proof\nsteward-verify: 67890"]
    assert await github.service.public_gist_texts("ghost") == []
