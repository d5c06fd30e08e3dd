"""The client against the fake: retries, secondary limits, exhaustion, hangs, the recorded list."""

from __future__ import annotations

import asyncio
import json
import math
import time
from dataclasses import replace
from pathlib import Path

import pytest

from bot.github.changes import Source
from bot.github.client import GitHubError, GitHubUnavailable, RateLimited, _parse
from bot.github.pages import last_page
from tests.fixtures.github import FAST_RETRY, GitHubHarness
from tests.fixtures.waiting import eventually


async def test_5xx_is_retried_then_succeeds(github: GitHubHarness) -> None:
    github.fake.state.add_issue("acme/widgets")
    github.fake.fail_next(502, count=2)
    resp = await github.client.request("GET", "/repos/acme/widgets/issues")
    assert resp.status == 200 and len(resp.data) == 1
    assert [e.status for e in github.fake.log] == [502, 502, 200]


async def test_persistent_5xx_gives_up_without_crashing(github: GitHubHarness) -> None:
    github.fake.fail_next(503, count=10)
    with pytest.raises(GitHubUnavailable):
        await github.client.request("GET", "/repos/acme/widgets/issues")
    assert len(github.fake.log) == FAST_RETRY.attempts


async def test_hang_times_out_and_is_retried(impatient_github: GitHubHarness) -> None:
    github = impatient_github
    github.fake.hang_next(1.5)  # this harness's client times out after 1 s
    resp = await github.client.request("GET", "/repos/acme/widgets/issues")
    assert resp.status == 200 and github.client.stats.retries == 1


async def test_a_write_that_timed_out_is_not_repeated_blindly(impatient_github: GitHubHarness) -> None:
    github = impatient_github
    github.fake.state.add_issue("acme/widgets")
    github.fake.hang_next(1.5, path_prefix="/repos/acme/widgets/issues/1/comments")
    with pytest.raises(GitHubUnavailable) as info:
        await github.client.request(
            "POST", "/repos/acme/widgets/issues/1/comments", body={"body": "hi"}, idempotent=False
        )
    assert info.value.ambiguous and github.client.stats.retries == 0


@pytest.mark.parametrize("status", [403, 429])
async def test_secondary_limit_waits_as_told(github: GitHubHarness, status: int) -> None:
    github.fake.secondary_limit_next(status=status, retry_after=1)
    started = time.monotonic()
    resp = await github.client.request("GET", "/repos/acme/widgets/issues")
    assert resp.status == 200 and time.monotonic() - started >= 1.0


async def test_secondary_limit_without_retry_after(github: GitHubHarness) -> None:
    github.fake.secondary_limit_next(status=403, retry_after=None)
    resp = await github.client.request("GET", "/repos/acme/widgets/issues")
    assert resp.status == 200 and github.client.stats.retries == 1


async def test_rate_limit_headers_and_exhaustion(github: GitHubHarness) -> None:
    await github.client.request("GET", "/repos/acme/widgets/issues")
    assert github.client.budget.remaining == 4999 and github.client.budget.limit == 5000
    github.fake.rate.remaining = 0
    with pytest.raises(RateLimited) as info:
        await github.client.request("GET", "/repos/acme/widgets/issues")
    assert info.value.retry_at is not None and not info.value.permanent
    assert github.client.budget.remaining == 0


async def test_low_budget_pauses_polling_but_not_people(github: GitHubHarness) -> None:
    github.fake.state.add_issue("acme/widgets")
    github.fake.state.add_user("ada", bio="hello")
    await github.service.polling.poll_all()
    github.fake.rate.remaining = 5  # below the harness's reserve of 10
    await github.client.request("GET", "/rate_limit")  # the budget is read from every response
    github.fake.reset_counters()
    await github.service.polling.poll_all()
    assert github.fake.log == []  # polling waits for the reset
    assert (await github.service.health())["ok"] is False
    assert await github.service.user_bio("ada") == "hello"  # people's requests use the reserve


async def test_not_found_is_permanent(github: GitHubHarness) -> None:
    with pytest.raises(GitHubError) as info:
        await github.client.request("GET", "/repos/acme/nope/issues")
    assert info.value.status == 404 and info.value.permanent


async def test_recorded_list_parses_through_the_same_code(
    github: GitHubHarness, shared_fixtures: Path
) -> None:
    rest = shared_fixtures / "github-rest"
    meta = json.loads((rest / "repos.PyGithub.PyGithub.issues.meta.json").read_text())
    body = (rest / "repos.PyGithub.PyGithub.issues.json").read_bytes()
    headers = [(name, value) for name, value in meta["headers"]]
    github.fake.replay(
        "/repos/PyGithub/PyGithub/issues?per_page=100&state=open", meta["status"], headers, body
    )
    github.fake.replay(
        "/repositories/3544490/issues?page=2", 200, [("Content-Type", "application/json")], b"[]"
    )
    resp = await github.client.request(
        "GET", "/repos/PyGithub/PyGithub/issues", params={"state": "open", "per_page": 100}
    )
    assert resp.etag is not None and resp.etag.startswith('W/"')
    assert resp.next_url == "https://api.github.com/repositories/3544490/issues?page=2"
    assert last_page(resp) == 12
    assert github.client.budget.remaining == 4983 and github.client.budget.used == 17
    assert (
        github.client.budget.reset_at is not None
        and int(github.client.budget.reset_at.timestamp()) == 1726571099
    )

    items = json.loads(body)
    changed = await github.service.applier.apply("PyGithub/PyGithub", items, Source())
    assert changed == 30
    summary = await github.service.contribution("nobody")
    assert summary.merged_prs == 0
    # The next link (an api.github.com URL) is followed on the configured host.
    nxt = await github.client.request("GET", resp.next_url)
    assert nxt.data == []


async def test_a_persons_request_does_not_queue_behind_a_background_wait(github: GitHubHarness) -> None:
    """A sync sleeping through a secondary-limit wait holds only the background lane."""
    github.client.retry = replace(FAST_RETRY, max_wait=120.0)
    github.fake.state.add_user("ada", bio="hello")
    github.fake.secondary_limit_next(status=403, retry_after=60)
    background = asyncio.ensure_future(github.client.request("GET", "/repos/acme/widgets/issues"))
    await eventually(lambda: github.client.stats.retries == 1, "the background request to start waiting")
    assert await github.service.user_bio("ada") == "hello"
    assert not background.done()  # still waiting out its 60 s
    github.client.close()  # interrupts the wait
    with pytest.raises(GitHubUnavailable):
        await background


async def test_a_spent_budget_refuses_a_person_at_once_with_the_reset(github: GitHubHarness) -> None:
    github.fake.state.add_user("ada", bio="hello")
    github.fake.rate.remaining = 0
    with pytest.raises(RateLimited):
        await github.client.request("GET", "/repos/acme/widgets/issues")
    sent = len(github.fake.log)
    with pytest.raises(RateLimited) as info:
        await github.service.user_bio("ada")
    assert len(github.fake.log) == sent  # nothing sent: GitHub already said when the budget resets
    assert info.value.retry_at == github.client.budget.reset_at


@pytest.mark.parametrize(
    "text",
    [
        '[{"number": 1, "title": "Café ☕ 修复 \\u00e9", "labels": [], "body": null,'
        ' "id": 9007199254740993}]',
        '{"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}',
        "[]",
    ],
)
def test_a_body_decodes_as_the_json_module_would(text: str) -> None:
    assert _parse(text) == json.loads(text)


def test_what_only_the_json_module_reads_still_decodes() -> None:
    assert math.isnan(_parse('{"ratio": NaN}')["ratio"])  # orjson refuses NaN; JSON allows it


def test_an_empty_body_is_none_and_one_that_is_not_json_becomes_its_message() -> None:
    assert _parse("") is None
    assert _parse("<html>Bad gateway</html>") == {"message": "<html>Bad gateway</html>"}
