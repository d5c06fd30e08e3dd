"""Every /oncall command end-to-end through a chat driver, with shift changes driven by a FakeClock."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from bot.core.clock import FakeClock
from bot.core.github_events import IssueCommented
from bot.github.store import IssueStore
from cogs.oncall import OncallCog
from tests.cogs.oncall.fakes import issue_payload
from tests.fakes.github.port_double import RecordingGitHub
from tests.fixtures.chat import ChatDriver, ChatFactory, Identities

BERLIN = ZoneInfo("Europe/Berlin")
PEOPLE = ("alice", "bob", "carol", "mia")


def _identities(who: Identities) -> str:
    # Rotation members are GitHub logins, linked to each person's chat identity in `maintainers`.
    return "maintainers:\n" + "".join(f"  - github: {p}\n    {who.platform}: {who.id(p)}\n" for p in PEOPLE)


CONFIG = """oncall:
  rotations:
    - name: core
      repos: [acme/widgets]
      members: [alice, bob, carol]
      shift_length: 1w
      handoff_time: "09:00"
      start_date: 2026-01-05
      timezone: Europe/Berlin
      escalation: mia
  triage_labels: [bug]
  sla: 1d
  required_sections: [Environment]
  assign_on_github: true
"""


def _cog(chat: ChatDriver) -> OncallCog:
    return next(c for c in chat.app.cogs if isinstance(c, OncallCog))


def _text(replies: list[Any]) -> str:
    return "\n".join(r.text for r in replies)


async def _seed(chat: ChatDriver) -> None:
    def seed(session: Any) -> None:
        store = IssueStore()
        repo = store.upsert_repo(session, "acme/widgets")
        store.upsert_issue(
            session, repo, issue_payload(1, "Crash on start", "2026-01-03T10:00:00Z", body="it fails")
        )
        store.upsert_issue(
            session,
            repo,
            issue_payload(2, "Typo <@everyone>", "2026-01-05T08:00:00Z", body="### Environment\nLinux"),
        )

    await chat.app.db.run(seed)


async def test_every_oncall_command_end_to_end(
    chat_factory: ChatFactory, request: pytest.FixtureRequest
) -> None:
    clock = FakeClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))  # Monday 10:00 in Berlin: alice's week
    async with chat_factory(extra_yaml=lambda who: CONFIG + _identities(who), clock=clock) as chat:
        await _seed(chat)
        cog = _cog(chat)

        now = _text(await chat.command("zoe", "/oncall now"))
        assert "core" in now and "alice" in now and "bob from Mon Jan 12, 2026, 9:00\u202fAM" in now

        schedule = _text(await chat.command("zoe", "/oncall schedule core 21"))
        assert schedule.index("alice") < schedule.index("bob") < schedule.index("carol")
        assert "Mon Jan 12, 2026, 9:00\u202fAM → Mon Jan 19, 2026, 9:00\u202fAM  bob" in schedule

        bad = _text(await chat.command("bob", "/oncall swap tomorrow"))
        assert "'tomorrow' is not a date" in bad
        unknown = _text(await chat.command("zoe", "/oncall queue nope"))
        assert "There is no rotation 'nope'" in unknown

        queue = await chat.command("alice", "/oncall queue")
        text = _text(queue)
        assert text.index("acme/widgets#1") < text.index("acme/widgets#2")
        assert "past the SLA of 1d" in text and "missing: Environment" in text
        assert "Typo <@everyone>" in text  # outside text shown verbatim (Plain), never a ping
        no_github = _text(await chat.click("alice", queue[0], "Ask author #1"))
        assert "GitHub is not configured" in no_github
        github = RecordingGitHub()
        chat.app.services.github = github
        asked = _text(await chat.click("alice", queue[0], "Ask author #1"))
        assert "Asked the author of acme/widgets#1" in asked
        first = github.writes[0]
        assert (first.kind, first.repo, first.number) == ("comment", "acme/widgets", 1)
        assert "- Environment" in first.payload
        assert "(author asked)" in _text(await chat.command("alice", "/oncall queue core"))

        # The shift ticker announces alice's shift, DMs her, sets the topic, assigns and escalates, once.
        await cog.ticker.tick()
        await cog.ticker.tick()
        posts = chat.posts("oncall")
        assert len([p for p in posts if "Handoff — core" in p.text]) == 1
        assert "Now on call: @alice" in posts[0].text
        escalations = [p for p in posts if "passed the response SLA" in p.text]
        assert len(escalations) == 1 and "@mia" in escalations[0].text and "#1" in escalations[0].text
        assert "#2" not in escalations[0].text
        assert len(chat.dms("alice")) == 1 and "starts now" in chat.dms("alice")[0].text
        assert ("assign", "acme/widgets", 1, "alice") in [
            (w.kind, w.repo, w.number, w.payload) for w in github.writes
        ]

        noted = _text(await chat.command("alice", "/oncall handoff Watch #1, the reporter is on holiday"))
        assert "Noted for the handoff of core" in noted
        not_on_call = _text(await chat.command("bob", "/oncall handoff"))
        assert "not on call right now" in not_on_call

        # bob (a maintainer) answers #2: it leaves the queue and counts as triaged during alice's shift.
        await chat.app.bus.publish(
            IssueCommented(
                "acme/widgets", 2, clock.now() + timedelta(hours=1), "bob", True, False, comment_id=9
            )
        )
        assert "acme/widgets#2" not in _text(await chat.command("alice", "/oncall queue"))

        # bob asks for a swap of his week; carol takes it from the rotation channel.
        swap = await chat.command("bob", "/oncall swap 2026-01-13")
        assert "Swap request #1" in _text(swap)
        offer = [p for p in chat.posts("oncall") if "Swap request in core" in p.text][-1]
        assert "bob" in offer.text
        denied = _text(await chat.click("zoe", offer, "Take"))
        assert "Only members of core" in denied
        taken = _text(await chat.click("carol", offer, "Take"))
        assert "is yours now" in taken
        assert any("carol takes the core shift" in p.text for p in chat.posts("oncall"))
        again = _text(await chat.click("alice", offer, "Take"))
        assert "carol has already taken this shift." in again
        schedule = _text(await chat.command("zoe", "/oncall schedule core 14"))
        assert "carol (swapped with bob)" in schedule

        # carol asks alice personally for her own week, then withdraws the request.
        personal = await chat.command("carol", "/oncall swap 2026-01-20 alice")
        addressed = [p for p in chat.posts("oncall") if "can you take the core shift" in p.text][-1]
        assert "@alice" in addressed.text and "Accept" in addressed.buttons
        assert "isn't addressed to you" in _text(await chat.click("bob", addressed, "Accept"))
        mine = next(r for r in personal if r.kind == "reply")
        assert any(r.kind == "dm" and r.target == "alice" for r in personal)
        withdrawn = _text(await chat.click("carol", mine, "Withdraw"))
        assert "withdrawn" in withdrawn
        forced = _text(await chat.command("carol", "/oncall swap 2026-01-20 alice force:true"))
        assert "Only maintainers can force" not in forced  # carol is a maintainer here
        assert "Done: alice is on call" in forced

        away = _text(await chat.command("bob", "/oncall away 2026-01-26 2026-01-28"))
        assert "You are away from Jan 26, 2026 to Jan 28, 2026" in away
        away = _text(await chat.command("alice", "/oncall away 2026-01-28 2026-01-27"))
        assert "is before the first" in away

        # Monday 09:00 Berlin: handoff from alice to carol (who took bob's week), with the summary.
        clock.set(datetime(2026, 1, 12, 9, 1, tzinfo=BERLIN))
        await cog.ticker.tick()
        summary = [p for p in chat.posts("oncall") if "Shift change" in p.text]
        assert len(summary) == 1
        s = summary[0].text
        assert "alice → @carol" in s
        assert "Triaged during the shift: 1" in s and "Still waiting: 1" in s and "SLA breaches: 1" in s
        assert "acme/widgets#2 — answered by bob" in s
        assert "Watch #1, the reporter is on holiday" in s
        assert len(chat.dms("carol")) == 1

        zoe_stats = _text(await chat.command("zoe", "/oncall stats"))
        assert "maintainers" in zoe_stats.lower()
        stats = _text(await chat.command("mia", "/oncall stats core"))
        assert "On-call statistics — core" in stats
        # The chart: saved to a file whose path is shown (console) or delivered as a PNG (Discord, Slack).
        assert (
            re.search(r"Chart of .*: saved to \S+oncall-stats\.png", stats)
            or "[file: oncall-stats.png]" in stats
        )
        assert "bob" in stats  # per maintainer who responded

        override = _text(await chat.command("mia", "/oncall override core bob"))
        # A reply with no footer names the zone of its times.
        assert "bob is on call for core" in override
        assert "until Jan 19, 2026, 9:00\u202fAM Central European Standard Time." in override
        assert "bob" in _text(await chat.command("zoe", "/oncall now")).split("Until")[0]

        token = await _cog(chat).calendar.token()  # none configured: generated and stored
        async with aiohttp.ClientSession() as http:
            base = f"http://127.0.0.1:{chat.app.http.port}/oncall/core.ics"
            url = f"{base}?token={token}"
            async with http.get(url) as response:
                assert response.status == 200
                assert response.content_type == "text/calendar"
                body = await response.text()
            # Stable UIDs across requests, and whatever hostname the feed is fetched through.
            async with http.get(url, headers={"Host": "calendar.example.org"}) as response:
                assert await response.text() == body
            async with http.get(url.replace("core", "nope")) as response:
                assert response.status == 404
            # Never open without the token; odd tokens are refused, not a server error.
            for query in ("", "?token=", "?token=%C3%A9", "?token=%FF", "?token=" + token[:-1]):
                async with http.get(base + query, allow_redirects=False) as response:
                    assert response.status == 404, query
        assert "BEGIN:VEVENT" in body and "\r\n" in body and "SUMMARY:On call: carol" in body
