"""Posted exactly once: keys on every part, nonce de-duplication, adoption of an earlier send, resume.

An instance "killed" at a point of ``post_once`` is acted out by leaving its post-log row as that
instance would have left it (claimed by an owner that is gone, with the parts it had marked), while
the platform fakes hold what it had really sent.
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from bot.adapters.console import ConsoleAdapter
from bot.core.clock import FakeClock
from bot.core.messages import File, Message, Section
from bot.core.post_keys import part_key, post_key
from bot.core.posting import Poster
from bot.db.database import Database
from bot.db.models import PostLog
from bot.i18n import Catalog, catalog_directories
from tests.fixtures.chat_discord import DiscordDriver, discord_chat
from tests.fixtures.chat_slack import CHANNELS, SlackDriver, slack_chat

DIGEST = Message([Section("Weekly digest: 3 issues closed, 2 opened.")])


def _long_message(sections: int) -> Message:
    return Message([Section(f"Item {i}: something happened") for i in range(sections)])


def _row(db: Database, job: str, period: str) -> PostLog:
    def read(s: Session) -> PostLog:
        row = s.exec(select(PostLog).where(PostLog.job == job, PostLog.period == period)).one()
        return row

    return db.call(read)


def _die_after(db: Database, job: str, period: str, parts_done: int) -> None:
    """Leave the row as an instance SIGKILLed after sending part ``parts_done`` (not yet marked)."""

    def write(s: Session) -> None:
        row = s.exec(select(PostLog).where(PostLog.job == job, PostLog.period == period)).one()
        row.status, row.owner, row.parts_done, row.sent_at = "claimed", "dead-instance", parts_done, None
        s.add(row)

    db.call(write)


async def test_discord_sends_each_part_with_its_key_as_nonce(database_url: str, tmp_path: Path) -> None:
    async with discord_chat(database_url, tmp_path) as chat:
        assert isinstance(chat, DiscordDriver)
        poster = chat.app.services.poster
        [result] = await poster.post_once("weekly_digest", "2026-W49", "digest", DIGEST)
        assert result.status == "sent"
        channel = chat.channels["digest"]
        key = post_key("weekly_digest", "2026-W49", "discord", channel)
        posts = [body for method, path, body in chat.fake.requests if method == "POST" and channel in path]
        assert [(b["nonce"], b["enforce_nonce"]) for b in posts] == [(part_key(key, 0), True)]
        assert len(part_key(key, 0)) <= 25
        row = _row(chat.app.db, "weekly_digest", "2026-W49")
        assert (row.post_key, row.parts_done, row.status) == (key, 1, "sent")


async def test_discord_killed_between_send_and_mark_posts_nothing_twice(
    database_url: str, tmp_path: Path
) -> None:
    async with discord_chat(database_url, tmp_path) as chat:
        assert isinstance(chat, DiscordDriver)
        poster = chat.app.services.poster
        channel = chat.channels["digest"]
        await poster.post_once("weekly_digest", "p1", "digest", DIGEST)
        original = chat.fake.channel_messages(channel)[0].id
        _die_after(chat.app.db, "weekly_digest", "p1", 0)

        [result] = await poster.post_once("weekly_digest", "p1", "digest", DIGEST)
        assert result.status == "sent" and result.ref == f"{channel}/{original}"
        assert len(chat.fake.channel_messages(channel)) == 1

        # Past Discord's nonce window (an outage): the message is found in history by its content.
        chat.fake.nonces.expire()
        _die_after(chat.app.db, "weekly_digest", "p1", 0)
        [result] = await poster.post_once("weekly_digest", "p1", "digest", DIGEST)
        assert result.status == "sent" and result.ref == f"{channel}/{original}"
        assert len(chat.fake.channel_messages(channel)) == 1
        assert chat.fake.history_reads, "the taken-over claim looked in the channel first"
        row = _row(chat.app.db, "weekly_digest", "p1")
        assert (row.status, row.attempts, row.message_ref) == ("sent", 3, f"{channel}/{original}")


async def test_discord_killed_between_claim_and_send_posts_once(database_url: str, tmp_path: Path) -> None:
    async with discord_chat(database_url, tmp_path) as chat:
        assert isinstance(chat, DiscordDriver)
        poster = chat.app.services.poster
        channel = chat.channels["digest"]
        await poster.post_once("weekly_digest", "p1", "digest", DIGEST)
        chat.fake.messages.clear()  # as if the dead instance never reached Discord
        chat.fake.nonces.expire()
        _die_after(chat.app.db, "weekly_digest", "p1", 0)
        [result] = await poster.post_once("weekly_digest", "p1", "digest", DIGEST)
        assert result.status == "sent"
        assert [m.body["content"] for m in chat.fake.channel_messages(channel)] == [
            "Weekly digest: 3 issues closed, 2 opened."
        ]


async def test_slack_posts_carry_their_key_and_a_taken_over_claim_adopts_the_sent_message(
    database_url: str, tmp_path: Path
) -> None:
    async with slack_chat(database_url, tmp_path) as chat:
        assert isinstance(chat, SlackDriver)
        fake = chat.world.fake
        poster = chat.app.services.poster
        [first] = await poster.post_once("weekly_digest", "p1", "digest", DIGEST)
        key = post_key("weekly_digest", "p1", "slack", CHANNELS["digest"])
        [call] = fake.calls_of("chat.postMessage")
        assert call.args["metadata"] == {
            "event_type": "steward_post",
            "event_payload": {"key": part_key(key, 0)},
        }

        _die_after(chat.app.db, "weekly_digest", "p1", 0)
        [again] = await poster.post_once("weekly_digest", "p1", "digest", DIGEST)
        assert again.status == "sent" and again.ref == first.ref
        assert len(fake.calls_of("chat.postMessage")) == 1
        [look] = fake.calls_of("conversations.history")
        assert look.args["include_all_metadata"] in (True, "true", "1") and look.args.get("oldest")


async def test_slack_chunks_resume_from_the_first_missing_one(database_url: str, tmp_path: Path) -> None:
    async with slack_chat(database_url, tmp_path) as chat:
        assert isinstance(chat, SlackDriver)
        fake = chat.world.fake
        poster = chat.app.services.poster
        long = _long_message(120)  # more blocks than one Slack message holds: three chunks
        fake.fail("chat.postMessage", times=3, after=2)  # the third chunk fails, retries included
        [result] = await poster.post_once("weekly_digest", "long", "digest", long)
        assert result.status == "failed"
        assert _row(chat.app.db, "weekly_digest", "long").parts_done == 2

        [result] = await poster.post_once("weekly_digest", "long", "digest", long)
        assert result.status == "sent"
        texts = [r.text for r in fake.recorded if r.kind == "message" and r.channel == CHANNELS["digest"]]
        assert len(texts) == 3 and texts == sorted(set(texts), key=texts.index), texts
        assert [t[-5:] for t in texts] == ["(1/3)", "(2/3)", "(3/3)"]


async def test_console_journal_is_its_history(database_url: str, tmp_path: Path, db: Database) -> None:
    journal = tmp_path / "posts.jsonl"
    console = ConsoleAdapter(Catalog(catalog_directories()), read_input=False, journal=journal)
    poster = Poster(db, FakeClock(), lambda: [console])
    await poster.post_once("weekly_digest", "p1", "digest", DIGEST)
    _die_after(db, "weekly_digest", "p1", 0)
    restarted = ConsoleAdapter(Catalog(catalog_directories()), read_input=False, journal=journal)
    [result] = await Poster(db, FakeClock(), lambda: [restarted]).post_once(
        "weekly_digest", "p1", "digest", DIGEST
    )
    assert result.status == "sent"
    assert restarted.transcript == []  # adopted from the journal, not shown again
    assert console.journal is not None and len(console.journal.keys()) == 1


async def test_a_post_that_cannot_be_checked_is_sent_and_the_maintainers_are_told(
    database_url: str, tmp_path: Path, db: Database
) -> None:
    console = ConsoleAdapter(Catalog(catalog_directories()), read_input=False)  # no journal: cannot look
    poster = Poster(db, FakeClock(), lambda: [console], notice=lambda key, **kw: Message.text(f"{key} {kw}"))
    await poster.post_once("weekly_digest", "p1", "digest", DIGEST)
    _die_after(db, "weekly_digest", "p1", 0)
    await poster.post_once("weekly_digest", "p1", "digest", DIGEST)
    kinds = [(r.target, r.text.split()[0]) for r in console.transcript]
    assert kinds == [("digest", "Weekly"), ("maintainers", "core.posting.in_doubt"), ("digest", "Weekly")]


async def test_discord_never_adopts_a_look_alike_message_another_post_owns(
    database_url: str, tmp_path: Path
) -> None:
    async with discord_chat(database_url, tmp_path) as chat:
        assert isinstance(chat, DiscordDriver)
        poster = chat.app.services.poster
        channel = chat.channels["digest"]
        await poster.post_once("weekly_digest", "p1", "digest", DIGEST)
        await poster.post_once("weekly_digest", "p2", "digest", DIGEST)
        second = chat.fake.channel_messages(channel)[1].id
        chat.fake.messages.pop(second)  # p2's instance died before Discord had it
        chat.fake.nonces.expire()
        _die_after(chat.app.db, "weekly_digest", "p2", 0)
        [result] = await poster.post_once("weekly_digest", "p2", "digest", DIGEST)
        assert result.status == "sent"
        assert len(chat.fake.channel_messages(channel)) == 2, "p1's identical message was not taken for p2's"


REPORT = Message([Section("This week's export"), File("issues.csv", b"number,title\n1,Crash\n")])


async def test_slack_a_file_share_killed_before_its_mark_is_recognised_in_history(
    database_url: str, tmp_path: Path
) -> None:
    async with slack_chat(database_url, tmp_path) as chat:
        assert isinstance(chat, SlackDriver)
        fake = chat.world.fake
        poster = chat.app.services.poster
        [first] = await poster.post_once("weekly_digest", "files", "digest", REPORT)
        assert first.status == "sent"
        shared = _row(chat.app.db, "weekly_digest", "files").part_refs
        # Killed after files.completeUploadExternal answered, before the share was marked.
        _die_after(chat.app.db, "weekly_digest", "files", 1)
        [again] = await poster.post_once("weekly_digest", "files", "digest", REPORT)
        assert again.status == "sent"
        assert len(fake.calls_of("files.completeUploadExternal")) == 1  # adopted, not shared twice
        row = _row(chat.app.db, "weekly_digest", "files")
        assert row.parts_done == 2 and (shared or "").split()[1] in (row.part_refs or "")


async def test_slack_never_adopts_a_look_alike_file_share_another_post_owns(
    database_url: str, tmp_path: Path
) -> None:
    async with slack_chat(database_url, tmp_path) as chat:
        assert isinstance(chat, SlackDriver)
        fake = chat.world.fake
        poster = chat.app.services.poster
        [other] = await poster.post_once("weekly_digest", "last-week", "digest", REPORT)
        fake.fail("files.completeUploadExternal", times=3)  # this week's share fails, retries included
        [failed] = await poster.post_once("weekly_digest", "this-week", "digest", REPORT)
        assert (other.status, failed.status) == ("sent", "failed")
        [sent] = await poster.post_once("weekly_digest", "this-week", "digest", REPORT)
        assert sent.status == "sent"
        shares = [r for r in fake.recorded if r.kind == "message" and r.shared]
        assert len(shares) == 2  # last week's share, and this week's own (same file, not adopted)
