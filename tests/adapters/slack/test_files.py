"""Files and image bytes on Slack: files_upload_v2 (real slack-sdk) against the fake's upload endpoints."""

from __future__ import annotations

import json
from pathlib import Path

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.cog import Cog
from bot.core.commands import command
from bot.core.invocation import Invocation
from bot.core.messages import File, Image, Message, Section
from tests.fakes.slack import FakeSlack
from tests.fixtures.chat_slack import CHANNELS, slack_chat

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
REPORT = "# Report\n\nAll good — ünïcode too.\n".encode()


def report_message() -> Message:
    return Message(
        [
            Section("Weekly chart"),
            Image("Issues per day", data=PNG, filename="chart.png"),
            Image("Logo", url="https://example.org/logo.png"),
            File("report.md", REPORT, "text/markdown"),
        ]
    )


class AttachCog(Cog):
    """Commands that answer with files, privately and publicly."""

    name = "attach"

    @command("attach private", "attach.private")
    async def private(self, inv: Invocation) -> None:
        await inv.reply(report_message())

    @command("attach public", "attach.public", ephemeral=False)
    async def public(self, inv: Invocation) -> None:
        await inv.reply(report_message())


async def test_a_posted_message_uploads_its_files_after_the_text(database_url: str, tmp_path: Path) -> None:
    async with slack_chat(database_url, tmp_path) as chat:
        await chat.app.services.poster.post("announcements", report_message())
        text, share = chat.posts("announcements")
        assert text.text.startswith("Weekly chart") and "[image: Logo]" in text.text
        assert "Issues per day" not in text.text  # the chart is a file, not a placeholder
        assert share.files == [("chart.png", PNG), ("report.md", REPORT)]
        assert share.text == "[file: chart.png]\n[file: report.md]"
        asked = chat.fake.calls_of("files.getUploadURLExternal")
        assert [(c.args["filename"], int(c.args["length"])) for c in asked] == [
            ("chart.png", len(PNG)),
            ("report.md", len(REPORT)),
        ]
        assert asked[0].args["alt_txt"] == "Issues per day" and "alt_txt" not in asked[1].args
        [done] = chat.fake.calls_of("files.completeUploadExternal")
        assert done.args["channel_id"] == CHANNELS["announcements"]
        assert [f["title"] for f in json.loads(done.args["files"])] == ["chart.png", "report.md"]


async def test_a_file_only_dm_is_introduced_by_its_summary(database_url: str, tmp_path: Path) -> None:
    async with slack_chat(database_url, tmp_path) as chat:
        uid = chat.uid("nina")
        message = Message([File("notes.txt", b"hello")], summary="Your notes")
        assert await chat.adapter.send_dm(uid, message)
        [dm] = chat.dms("nina")
        assert dm.text == "Your notes\n[file: notes.txt]" and dm.files == [("notes.txt", b"hello")]
        assert not chat.fake.calls_of("chat.postMessage")


async def test_a_private_reply_sends_its_files_by_dm_and_says_so(database_url: str, tmp_path: Path) -> None:
    async with slack_chat(database_url, tmp_path, cogs=(AttachCog,)) as chat:
        replies = await chat.command("mia", "/attach private")
        reply = next(r for r in replies if r.kind == "reply")
        assert reply.ephemeral and "sent to you as a direct message" in reply.text
        assert "chart.png, report.md" in reply.text
        [dm] = chat.dms("mia")
        assert dm.files == [("chart.png", PNG), ("report.md", REPORT)]
        # Nothing of it is visible in a channel.
        assert all(r.channel == "D" + chat.uid("mia") for r in chat.fake.recorded if r.files)


async def test_a_public_reply_shares_files_in_the_channel_or_by_dm_when_not_invited(
    database_url: str, tmp_path: Path
) -> None:
    async with slack_chat(database_url, tmp_path, cogs=(AttachCog,)) as chat:
        await chat.command("mia", "/attach public")
        # The sender's slash commands come from the fake's default channel; its files are shared there.
        shares = [r for r in chat.fake.recorded if r.files]
        assert len(shares) == 1 and not shares[0].channel.startswith("D")  # type: ignore[union-attr]
        response = next(r for r in chat.fake.recorded if r.kind == "response")
        assert not response.ephemeral and "direct message" not in json.dumps(response.blocks)

        chat.fake.not_member.add(str(shares[0].channel))
        replies = await chat.command("mia", "/attach public")
        note = [r for r in replies if r.kind == "reply" and r.ephemeral]
        assert note and "could not share this in the channel" in note[-1].text
        assert chat.dms("mia")[-1].files == [("chart.png", PNG), ("report.md", REPORT)]


async def test_the_fake_enforces_the_upload_rules() -> None:
    fake = FakeSlack()
    await fake.start()
    session = aiohttp.ClientSession()
    client = AsyncWebClient(token=fake.bot_token, base_url=fake.api_url, session=session)
    try:
        for kwargs, error in [
            ({"filename": "", "length": 3}, "invalid_arguments"),
            ({"filename": "a.txt", "length": 0}, "missing_argument"),
            ({"filename": "a.png", "length": 3, "alt_txt": "x" * 1001}, "alt_txt_too_large"),
        ]:
            with pytest.raises(SlackApiError) as refused:
                await client.files_getUploadURLExternal(**kwargs)  # type: ignore[arg-type]
            assert refused.value.response["error"] == error

        got = await client.files_getUploadURLExternal(filename="a.txt", length=3)
        url, file_id = str(got["upload_url"]), str(got["file_id"])
        with pytest.raises(SlackApiError) as early:  # bytes not uploaded yet
            await client.files_completeUploadExternal(files=[{"id": file_id}], channel_id="C0ANNOUNCE")
        assert early.value.response["error"] == "file_not_found"
        async with session.post(url, data=b"toolong") as wrong_length:
            assert wrong_length.status == 400
        got = await client.files_getUploadURLExternal(filename="a.txt", length=3)
        url, file_id = str(got["upload_url"]), str(got["file_id"])
        async with session.post(url, data=b"abc") as first:
            assert first.status == 200
        async with session.post(url, data=b"abc") as again:
            assert again.status == 404  # an upload URL takes one upload
        with pytest.raises(SlackApiError) as nowhere:
            await client.files_completeUploadExternal(files=[{"id": file_id}], channel_id="X1")
        assert nowhere.value.response["error"] == "channel_not_found"
        done = await client.files_completeUploadExternal(files=[{"id": file_id}], channel_id="C0ANNOUNCE")
        assert done["files"][0]["name"] == "a.txt"
        assert fake.recorded[-1].files == [("a.txt", b"abc")]
    finally:
        await session.close()
        await fake.stop()
