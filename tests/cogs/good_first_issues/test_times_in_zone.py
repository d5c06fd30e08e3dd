"""Times are written for their reader: in their zone (else the project's), in their language, with
the zone named, on every platform. A waitlist offer once said 'until 2026-12-06 15:22 UTC' to a
person in Asia/Shanghai."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.clock import FakeClock
from tests.cogs.good_first_issues.conftest import GFI_YAML, REPO, standard_board
from tests.cogs.good_first_issues.conftest import seed as seed_issues
from tests.fakes.github.port_double import RecordingGitHub
from tests.fixtures.chat import ChatFactory

START = datetime(2026, 12, 4, 15, 22, tzinfo=UTC)  # the offer then runs until Dec 6, 15:22 UTC


async def test_an_offer_is_written_in_the_readers_zone_and_language(
    chat_factory: ChatFactory, github: RecordingGitHub
) -> None:
    async with chat_factory(extra_yaml=GFI_YAML, github=github, clock=FakeClock(START)) as chat:
        seed_issues(chat.app.db, REPO, standard_board(chat.clock.now()))
        await chat.command("bob", "/steward timezone Asia/Shanghai")
        await chat.command("dan", "/steward timezone Asia/Shanghai")
        await chat.command("dan", "/steward language zh-CN")
        await chat.command("alice", f"/gfi claim {REPO}#1")
        await chat.command("bob", f"/gfi waitlist {REPO}#1")
        await chat.command("alice", f"/gfi unclaim {REPO}#1")

        # The DM names the zone, and the time is the reader's local one (CLDR puts a narrow no-break
        # space before AM/PM).
        [offer] = chat.dms("bob")
        assert "until Dec 6, 2026, 11:22\u202fPM China Standard Time" in offer.text, offer.text
        assert "UTC" not in offer.text and "2026-12-06" not in offer.text

        # Someone without a zone of their own reads the project's (Europe/Berlin in this config).
        listing = "\n".join(r.text for r in await chat.command("carol", f"/gfi show {REPO}#1"))
        assert "until Dec 6, 2026, 4:22\u202fPM Central European Standard Time" in listing, listing

        # Another language, the same instant: its own date format and zone name.
        [refusal] = [r for r in await chat.command("dan", f"/gfi claim {REPO}#1") if r.kind == "reply"]
        assert "2026年12月6日 23:22 中国标准时间" in refusal.text, refusal.text
