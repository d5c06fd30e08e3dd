"""Linking by GitHub's OAuth device flow: the real GitHub layer (requests) against the fake GitHub.

Polling waits on a manual timer the test advances (no real sleeps); the fake GitHub measures the
poll interval on the same timer, so polling too early would get slow_down there as on GitHub.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlmodel import select

from bot.db.models import Member
from bot.github.client import GitHubError
from bot.github.device_flow import DeviceFlowClient
from tests.fakes.github import FakeGitHub
from tests.fixtures.chat import ChatDriver, ChatFactory, Reply
from tests.fixtures.github import FAKE_TOKEN
from tests.fixtures.waiting import eventually

CLIENT_ID = "Iv1.steward-test"


class ManualTimer:
    """A PollTimer whose time moves only when the test calls ``advance``."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self._waiting: list[tuple[float, asyncio.Future[None]]] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((self.now + seconds, future))
        await future

    async def advance(self, seconds: float) -> None:
        self.now += seconds
        for deadline, future in list(self._waiting):
            if deadline <= self.now and not future.done():
                future.set_result(None)
                self._waiting.remove((deadline, future))
        for _ in range(5):
            await asyncio.sleep(0)


@asynccontextmanager
async def _linking(
    chat_factory: ChatFactory, fake: FakeGitHub, locale: str = "en"
) -> AsyncIterator[tuple[ChatDriver, ManualTimer]]:
    timer = ManualTimer()
    fake.oauth.now = timer.monotonic
    fake.oauth.register_app(CLIENT_ID)
    extra = (
        f"github:\n  token: {FAKE_TOKEN}\n  api_url: {fake.base_url}\n"
        f"  oauth_client_id: {CLIENT_ID}\n  oauth_base_url: {fake.base_url}\n"
    )
    async with chat_factory(extra_yaml=extra, locale=locale) as chat:
        cog = next(c for c in chat.app.cogs if c.name == "steward")  # linking needs no other feature
        cog.links.device_links.timer = timer  # type: ignore[attr-defined]
        yield chat, timer


def _user_code(reply: Reply) -> str:
    return next(w for w in reply.text.split() if len(w) == 9 and w[4] == "-")


def _linked(chat: ChatDriver) -> list[tuple[str | None, bool]]:
    rows = chat.app.db.call(lambda s: list(s.exec(select(Member)).all()))
    return [(m.github_login, m.github_verified_at is not None) for m in rows if m.github_login]


async def test_sign_in_links_the_login_asked_for(chat_factory: ChatFactory, fake_github: FakeGitHub) -> None:
    async with _linking(chat_factory, fake_github) as (chat, timer):
        [started] = await chat.command("alice", "/steward link github alice-gh")
        assert started.ephemeral and "https://github.com/login/device" in started.text
        assert started.buttons == ["Done", "Use a code in my bio instead"]
        code = _user_code(started)
        [early] = await chat.click("alice", started, "Done")  # within the interval: no poll yet
        assert "has not confirmed the code yet" in early.text
        assert fake_github.oauth.flow(code).polls == 0
        await timer.advance(5)
        await eventually(lambda: fake_github.oauth.flow(code).polls == 1, "the first poll")
        fake_github.oauth.approve(code, "Alice-GH")
        await timer.advance(5)
        dm = await eventually(lambda: chat.dms("alice"), "the DM with the outcome")
        assert "Linked: you are Alice-GH on GitHub" in dm[-1].text
        assert _linked(chat) == [("Alice-GH", True)]
        [done] = await chat.click("alice", started, "Done")
        assert "Linked: you are Alice-GH" in done.text
        assert fake_github.oauth.tokens  # a token was issued; the bot only ever read /user with it
        # Checking again once linked says so; it used to say to start over.
        [check] = await chat.command("alice", "/steward link check")
        assert check.text == "You are already linked to Alice-GH."


async def test_done_button_polls_once_the_interval_passed(
    chat_factory: ChatFactory, fake_github: FakeGitHub
) -> None:
    async with _linking(chat_factory, fake_github) as (chat, timer):
        [started] = await chat.command("carol", "/steward link github")  # no login: whoever signs in
        assert started.buttons == ["Done"]
        code = _user_code(started)
        fake_github.oauth.approve(code, "carol-gh")
        await eventually(lambda: timer.sleeps == [5.0], "the poll loop to wait")
        timer.now += 5  # time passed, but the background sleep has not been released
        [done] = await chat.click("carol", started, "Done")
        assert "Linked: you are carol-gh on GitHub" in done.text
        assert _linked(chat) == [("carol-gh", True)]
        await timer.advance(60)
        assert fake_github.oauth.flow(code).polls == 1 and chat.dms("carol") == []  # no second answer


async def test_wrong_account_is_refused(chat_factory: ChatFactory, fake_github: FakeGitHub) -> None:
    async with _linking(chat_factory, fake_github) as (chat, timer):
        [started] = await chat.command("bob", "/steward link github bob-gh")
        fake_github.oauth.approve(_user_code(started), "mallory")
        await timer.advance(5)
        dm = await eventually(lambda: chat.dms("bob"), "the refusal")
        assert "You signed in on GitHub as mallory, not bob-gh. Nothing was linked" in dm[-1].text
        assert _linked(chat) == []


@pytest.mark.parametrize(
    ("end", "message"),
    [("deny", "The sign-in was cancelled on GitHub"), ("expire", "The code expired before GitHub")],
)
async def test_denied_and_expired(
    chat_factory: ChatFactory, fake_github: FakeGitHub, end: str, message: str
) -> None:
    async with _linking(chat_factory, fake_github) as (chat, timer):
        [started] = await chat.command("dora", "/steward link github dora-gh")
        getattr(fake_github.oauth, end)(_user_code(started))
        await timer.advance(5)
        dm = await eventually(lambda: chat.dms("dora"), "the outcome")
        assert message in dm[-1].text
        assert _linked(chat) == []
        [done] = await chat.click("dora", started, "Done")
        assert message in done.text


async def test_slow_down_adds_five_seconds(chat_factory: ChatFactory, fake_github: FakeGitHub) -> None:
    async with _linking(chat_factory, fake_github) as (chat, timer):
        [started] = await chat.command("erin", "/steward link github erin-gh")
        code = _user_code(started)
        flow = fake_github.oauth.flow(code)
        flow.interval = 10  # GitHub raised the interval under load; the bot still waits 5 s
        await timer.advance(5)
        await eventually(lambda: flow.polls == 1, "the too-early poll")
        assert flow.interval == 15  # the fake answered slow_down with interval 15
        await eventually(lambda: timer.sleeps[-1:] == [15.0], "a wait of the new interval")
        await timer.advance(10)
        assert flow.polls == 1  # still inside the new interval: no poll
        fake_github.oauth.approve(code, "erin-gh")
        await timer.advance(5)
        await eventually(lambda: chat.dms("erin"), "the outcome")
        assert "Linked: you are erin-gh" in chat.dms("erin")[-1].text
        assert flow.polls == 2 and flow.interval == 15  # no second slow_down


async def test_bio_code_stays_available(chat_factory: ChatFactory, fake_github: FakeGitHub) -> None:
    fake_github.state.add_user("fei-gh", bio="hi")
    async with _linking(chat_factory, fake_github) as (chat, _):
        [started] = await chat.command("fei", "/steward link github fei-gh")
        [bio] = await chat.click("fei", started, "Use a code in my bio instead")
        assert "put this code in your public GitHub profile bio" in bio.text and "steward-" in bio.text
        [gone] = await chat.click("fei", started, "Done")  # the sign-in was abandoned for the code
        assert "You have no GitHub sign-in waiting" in gone.text


async def test_chinese_texts(chat_factory: ChatFactory, fake_github: FakeGitHub) -> None:
    async with _linking(chat_factory, fake_github, locale="zh-CN") as (chat, timer):
        if chat.platform != "console":
            pytest.skip("Discord and Slack take the locale from the person's client")
        [started] = await chat.command("gao", "/steward link github gao-gh")
        assert started.buttons == ["完成", "改用简介中的验证码"] and "请以 gao-gh 身份登录" in started.text
        fake_github.oauth.approve(_user_code(started), "someone-else")
        await timer.advance(5)
        dm = await eventually(lambda: chat.dms("gao"), "the refusal")
        assert "你在 GitHub 上登录的是 someone-else，而不是 gao-gh" in dm[-1].text


async def test_device_flow_client_against_the_fake(fake_github: FakeGitHub) -> None:
    now = [0.0]
    fake_github.oauth.now = lambda: now[0]
    fake_github.oauth.register_app(CLIENT_ID)
    client = DeviceFlowClient(CLIENT_ID, fake_github.base_url, fake_github.base_url)
    code = await client.start()
    assert code.interval == 5 and code.expires_in == 900
    assert (await client.poll(code.device_code)).status == "slow_down"  # polled at once
    now[0] += 10
    assert (await client.poll(code.device_code)).status == "pending"
    fake_github.oauth.approve(code.user_code, "gh-user")
    now[0] += 10
    approved = await client.poll(code.device_code)
    assert (approved.status, approved.login) == ("approved", "gh-user")
    now[0] += 10
    assert (await client.poll(code.device_code)).status == "expired"  # a used code is gone
    with pytest.raises(GitHubError):
        await DeviceFlowClient("Iv1.unknown", fake_github.base_url, fake_github.base_url).start()
    client.close()
