"""Pull requests changing the config file: a check run with annotations, or a status and one comment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.config_source.harness import PATH, REPO, SECRET, VALID, Cluster, cluster
from tests.fakes.github import FakeGitHub
from tests.fakes.github.webhook_payloads import pull_request_payload
from tests.fixtures.github import FAKE_TOKEN, deliver_webhook

INVALID = """project:
  name: Acme
maintainers:
  - github: alice
    console: operator
oncall:
  rotations:
    - name: triage
      members: [alice]
      shift_length: soon
      weekdays_only: maybe
"""
FIXED = """project:
  name: Acme
maintainers:
  - github: alice
    console: operator
  - github: bob
"""


async def _pull(group: Cluster, number: int, action: str, head: str, **kw: Any) -> None:
    app = group.instances[0].app
    payload = pull_request_payload(REPO, number, action, head, **kw)
    await deliver_webhook(app.http.port, SECRET, "pull_request", payload, f"pr-{number}-{head}-{action}")
    await app.services.github.webhooks.drain()


def _runs(fake: FakeGitHub, head: str) -> list[dict[str, Any]]:
    return [r for r in fake.git.check_runs if r["head_sha"] == head]


async def test_invalid_then_fixed_pull_request(
    fake_github: FakeGitHub, database_url: str, tmp_path: Path
) -> None:
    base = fake_github.git.commit(REPO, {PATH: VALID})
    async with cluster(fake_github, database_url, tmp_path, 1) as group:
        bad = fake_github.git.commit(REPO, {PATH: INVALID}, branch=None, parent=base)
        await _pull(group, 7, "opened", bad)
        [run] = _runs(fake_github, bad)
        assert run["conclusion"] == "failure" and run["name"] == "Steward config"
        lines = sorted((a["start_line"], a["path"]) for a in run["annotations"])
        assert lines == [(10, PATH), (11, PATH)]
        assert "2 problems" in run["output"]["title"]

        good = fake_github.git.commit(REPO, {PATH: FIXED}, branch=None, parent=bad)
        await _pull(group, 7, "synchronize", good)
        [run] = _runs(fake_github, good)
        assert run["conclusion"] == "success" and run["annotations"] == []
        assert "Adds maintainer bob." in run["output"]["summary"]
        # What runs is untouched by a pull request.
        assert group.instances[0].app.config.project.name == "Acme"


async def test_pull_request_not_touching_the_file_gets_no_check(
    fake_github: FakeGitHub, database_url: str, tmp_path: Path
) -> None:
    base = fake_github.git.commit(REPO, {PATH: VALID})
    async with cluster(fake_github, database_url, tmp_path, 1) as group:
        other = fake_github.git.commit(REPO, {"README.md": "hi"}, branch=None, parent=base)
        await _pull(group, 3, "opened", other)
        assert fake_github.git.check_runs == []


async def test_token_without_checks_gets_a_status_and_one_comment_updated_in_place(
    fake_github: FakeGitHub, database_url: str, tmp_path: Path
) -> None:
    fake_github.state.add_repo(REPO)
    number = fake_github.state.add_issue(REPO, pull_request=True, author="contributor")["number"]
    base = fake_github.git.commit(REPO, {PATH: VALID})
    fake_github.git.checks_forbidden = True
    async with cluster(fake_github, database_url, tmp_path, 1) as group:
        bad = fake_github.git.commit(REPO, {PATH: INVALID}, branch=None, parent=base)
        await _pull(group, number, "opened", bad)
        good = fake_github.git.commit(REPO, {PATH: FIXED}, branch=None, parent=bad)
        await _pull(group, number, "synchronize", good)
    states = [(s["sha"], s["state"]) for s in fake_github.git.statuses]
    assert states == [(bad, "failure"), (good, "success")]
    [comment] = fake_github.state.repo(REPO).comments[number]
    assert "Adds maintainer bob." in comment["body"] and good[:7] in comment["body"]
    assert len(fake_github.requests("PATCH", f"/repos/{REPO}/issues/comments/")) == 1


async def test_fork_file_is_validated_never_given_secrets(
    fake_github: FakeGitHub, database_url: str, tmp_path: Path
) -> None:
    base = fake_github.git.commit(REPO, {PATH: VALID})
    async with cluster(fake_github, database_url, tmp_path, 1) as group:
        sneaky = (
            VALID.replace("name: Acme", "name: ${GITHUB_TOKEN}")
            + "github:\n  api_url: https://evil.example\n"
        )
        head = fake_github.git.commit(REPO, {PATH: sneaky}, branch=None, parent=base)
        await _pull(group, 9, "opened", head, head_repo="mallory/community", author="mallory")
        [run] = _runs(fake_github, head)
        assert run["conclusion"] == "failure"
        assert sorted(a["start_line"] for a in run["annotations"]) == [2, 7]
        assert "fork" in run["output"]["summary"]
        assert FAKE_TOKEN not in str(run) and FAKE_TOKEN not in str(fake_github.git.check_runs)
        assert not [r for r in fake_github.log if "evil" in r.path]


async def test_huge_file_and_yaml_bomb_fail_cleanly(
    fake_github: FakeGitHub, database_url: str, tmp_path: Path
) -> None:
    base = fake_github.git.commit(REPO, {PATH: VALID})
    async with cluster(fake_github, database_url, tmp_path, 1) as group:
        huge = fake_github.git.commit(
            REPO, {PATH: "# x\n" * (10 * 1024 * 1024 // 4)}, branch=None, parent=base
        )
        await _pull(group, 11, "opened", huge)
        [run] = _runs(fake_github, huge)
        assert run["conclusion"] == "failure" and "the limit is" in run["output"]["summary"]

        bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        bomb += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
        head = fake_github.git.commit(REPO, {PATH: "\n".join(bomb) + "\n"}, branch=None, parent=base)
        await _pull(group, 12, "opened", head)
        [run] = _runs(fake_github, head)
        assert run["conclusion"] == "failure" and "more than" in run["output"]["summary"]
        assert group.instances[0].app.config.project.name == "Acme"
