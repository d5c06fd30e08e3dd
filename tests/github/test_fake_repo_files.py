"""The fake GitHub's contents, commits, check runs and statuses, through the real GitHubClient."""

from __future__ import annotations

import base64

import pytest

from bot.github.client import GitHubClient
from bot.github.errors import GitHubError
from tests.fakes.github import FakeGitHub
from tests.fixtures.github import GitHubHarness


@pytest.fixture
def client(github: GitHubHarness) -> GitHubClient:
    return github.client


async def test_contents_with_etag_and_missing_file(fake_github: FakeGitHub, client: GitHubClient) -> None:
    fake_github.git.commit("acme/community", {".github/steward.yaml": "project:\n  name: Acme\n"})
    url = "/repos/acme/community/contents/.github/steward.yaml"
    first = await client.request("GET", url, params={"ref": "main"})
    assert base64.b64decode(first.data["content"]) == b"project:\n  name: Acme\n"
    assert first.data["encoding"] == "base64" and first.etag
    again = await client.request("GET", url, params={"ref": "main"}, headers={"If-None-Match": first.etag})
    assert again.status == 304
    assert fake_github.requests("GET", url)[-1].charged is False
    with pytest.raises(GitHubError) as missing:
        await client.request("GET", "/repos/acme/community/contents/nope.yaml", params={"ref": "main"})
    assert missing.value.status == 404


async def test_large_file_is_not_inlined(fake_github: FakeGitHub, client: GitHubClient) -> None:
    fake_github.git.commit("acme/community", {"big.yaml": "a" * (2 * 1024 * 1024)})
    resp = await client.request("GET", "/repos/acme/community/contents/big.yaml")
    assert resp.data["encoding"] == "none" and resp.data["content"] == ""
    assert resp.data["size"] == 2 * 1024 * 1024


async def test_commits_touching_a_path_newest_first(fake_github: FakeGitHub, client: GitHubClient) -> None:
    git = fake_github.git
    first = git.commit("acme/community", {"a.yaml": "1"}, author="alice")
    git.commit("acme/community", {"README": "x"}, author="bob")
    third = git.commit("acme/community", {"a.yaml": "2"}, author="carol")
    resp = await client.request(
        "GET", "/repos/acme/community/commits", params={"sha": "main", "path": "a.yaml"}
    )
    assert [c["sha"] for c in resp.data] == [third, first]
    assert resp.data[0]["author"]["login"] == "carol"


async def test_check_run_annotations_limit_and_append(fake_github: FakeGitHub, client: GitHubClient) -> None:
    note = {"path": "a.yaml", "start_line": 2, "end_line": 2, "annotation_level": "failure", "message": "bad"}
    body = {
        "name": "Steward config",
        "head_sha": "a" * 40,
        "status": "completed",
        "conclusion": "failure",
        "output": {"title": "t", "summary": "s", "annotations": [note] * 51},
    }
    with pytest.raises(GitHubError) as refused:
        await client.request("POST", "/repos/acme/community/check-runs", body=body)
    assert refused.value.status == 422
    body["output"]["annotations"] = [note] * 50  # type: ignore[index]
    created = await client.request("POST", "/repos/acme/community/check-runs", body=body)
    await client.request(
        "PATCH",
        f"/repos/acme/community/check-runs/{created.data['id']}",
        body={"output": {"title": "t", "summary": "s", "annotations": [note]}},
    )
    [run] = fake_github.git.check_runs
    assert len(run["annotations"]) == 51 and run["conclusion"] == "failure"


async def test_check_runs_refused_for_a_token_statuses_work(
    fake_github: FakeGitHub, client: GitHubClient
) -> None:
    fake_github.git.checks_forbidden = True
    with pytest.raises(GitHubError) as refused:
        await client.request(
            "POST", "/repos/acme/community/check-runs", body={"name": "x", "head_sha": "a" * 40}
        )
    assert refused.value.status == 403
    await client.request(
        "POST", f"/repos/acme/community/statuses/{'b' * 40}", body={"state": "failure", "context": "steward"}
    )
    assert fake_github.git.statuses[0]["state"] == "failure"
