"""The fake keeps chat.postMessage metadata and returns it from conversations.history, as Slack does."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack import FakeSlack


@pytest.fixture()
async def slack() -> AsyncIterator[tuple[FakeSlack, AsyncWebClient]]:
    fake = FakeSlack()
    await fake.start()
    yield fake, AsyncWebClient(token=fake.bot_token, base_url=fake.api_url)
    await fake.stop()


async def test_metadata_comes_back_only_when_asked_for(slack: tuple[FakeSlack, AsyncWebClient]) -> None:
    _fake, client = slack
    meta = {"event_type": "steward_post", "event_payload": {"key": "k1"}}
    first = await client.chat_postMessage(channel="C1", text="one", metadata=meta)
    await client.chat_postMessage(channel="C1", text="two")
    await client.chat_postMessage(channel="C2", text="elsewhere", metadata=meta)

    plain = await client.conversations_history(channel="C1")
    assert [m["text"] for m in plain["messages"]] == ["two", "one"]
    assert all("metadata" not in m for m in plain["messages"])

    full = await client.conversations_history(channel="C1", include_all_metadata=True)
    assert full["messages"][1]["metadata"] == meta
    assert full["messages"][1]["ts"] == first["ts"]

    since = await client.conversations_history(channel="C1", oldest=first["ts"], include_all_metadata=True)
    assert [m["text"] for m in since["messages"]] == ["two"]  # oldest is exclusive
    inclusive = await client.conversations_history(channel="C1", oldest=first["ts"], inclusive=True)
    assert [m["text"] for m in inclusive["messages"]] == ["two", "one"]


async def test_an_invalid_event_type_is_dropped_with_a_warning(
    slack: tuple[FakeSlack, AsyncWebClient],
) -> None:
    _fake, client = slack
    resp = await client.chat_postMessage(
        channel="C1", text="still posts", metadata={"event_type": "bad type!", "event_payload": {}}
    )
    assert resp["ok"] and "invalid_metadata_format" in resp["response_metadata"]["warnings"]
    full = await client.conversations_history(channel="C1", include_all_metadata=True)
    assert [m["text"] for m in full["messages"]] == ["still posts"]
    assert "metadata" not in full["messages"][0]


async def test_history_pages_with_a_cursor(slack: tuple[FakeSlack, AsyncWebClient]) -> None:
    _fake, client = slack
    for i in range(5):
        await client.chat_postMessage(channel="C1", text=f"m{i}")
    texts: list[str] = []
    cursor = None
    while True:
        page = await client.conversations_history(channel="C1", limit=2, cursor=cursor)
        texts += [m["text"] for m in page["messages"]]
        cursor = page["response_metadata"]["next_cursor"]
        if not page["has_more"]:
            break
    assert texts == ["m4", "m3", "m2", "m1", "m0"]
