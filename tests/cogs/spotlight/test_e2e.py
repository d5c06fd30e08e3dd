"""Spotlights end to end on every platform driver: candidates, invitation, answers saved and resumed,
editing, both approvals, scheduled publishing (once, also across a restart) and the blog export."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import select

from bot.core.clock import FakeClock
from bot.core.community_events import ContributionCredited
from bot.db.models import Member
from cogs.spotlight import SpotlightCog
from cogs.spotlight.document import build_document
from cogs.spotlight.interview import get_interview
from tests.cogs.spotlight.history import NOW, link_github, seed_history
from tests.fixtures.chat import ChatDriver, ChatFactory, Reply

GOLDEN = Path(__file__).parent / "golden"

SPOTLIGHT_YAML = """\
spotlight:
  blog: {category: community, tags: [contributor-spotlight, newcomers]}
  questions:
    - {id: intro, text: {en: "Tell us about yourself.", zh-CN: "介绍一下你自己。"}}
    - {id: found, text: "How did you find the project?"}
    - {id: bug, text: "What was the hardest bug?"}
    - {id: advice, text: "Advice for newcomers?"}
    - {id: tools, text: "Favourite tools?", optional: true}
    - {id: outside, text: "Life outside code?", optional: true}
"""

INTRO = "Nina has been part of the project for a few weeks. She started with the docs."
ANSWERS = {
    "intro": "I'm Nina, a student in Lyon.\n\nI like compilers — and **bold** claims.",
    "found": "A friend sent me a link to a good first issue.",
    "bug": "A race in the scheduler. It only failed on Tuesdays!",
    "advice": "Ask early. Ping @everyone? No — ask in #help, <@&123> is not needed.",
    "outside": "Climbing, and baking bread.",
}


def spotlight_cog(chat: ChatDriver) -> SpotlightCog:
    return next(c for c in chat.app.cogs if isinstance(c, SpotlightCog))


def only(replies: list[Reply]) -> Reply:
    """The one answer to the person who acted (DMs and posts it caused are checked separately)."""
    answers = [r for r in replies if r.kind == "reply"]
    assert len(answers) == 1, answers
    return answers[0]


def last(replies: list[Reply], kind: str = "reply") -> Reply:
    found = [r for r in replies if r.kind == kind]
    assert found, f"no {kind} among {replies}"
    return found[-1]


async def test_full_spotlight(chat_factory: ChatFactory) -> None:
    clock = FakeClock(NOW)
    async with chat_factory(extra_yaml=SPOTLIGHT_YAML, maintainers=["mia"], clock=clock) as chat:
        seed_history(chat.app.db)
        none = only(await chat.command("nina", "/spotlight answer"))
        assert "no spotlight interview open" in none.text
        link_github(chat.app.db, "nina", "newbie-dev")

        # Candidates: the first-time contributor (shown by chat name), the veteran, the anniversary; no bot.
        ranked = only(await chat.command("mia", "/spotlight candidates"))
        assert "nina (@newbie-dev)" in ranked.text and "first contribution merged" in ranked.text
        assert "veteran" in ranked.text and "3 merged PRs recently" in ranked.text
        assert "old-timer" in ranked.text and "1-year contribution anniversary" in ranked.text
        assert "dependabot" not in ranked.text and "ghost" not in ranked.text
        denied = only(await chat.command("nina", "/spotlight candidates"))
        assert "maintainers" in denied.text.lower()

        # Invitation by GitHub login reaches the linked chat member.
        sent = only(await chat.command("mia", "/spotlight invite newbie-dev"))
        assert "Invitation #1 sent to nina" in sent.text
        invitation = chat.dms("nina")[-1]
        assert invitation.buttons == ["Accept", "Not now", "Never"]

        # Accept opens page 1, numbered once, the optional question marked as such; answer and save.
        opened = await chat.click("nina", invitation, "Accept")
        form = last(opened, "form").text
        assert form.startswith("Spotlight 1/2") and "\n1. Tell us about yourself." in form
        assert "1. 1." not in form and "5. Favourite tools?" in form
        first = {k: ANSWERS[k] for k in ("intro", "found", "bug")}
        saved = last(await chat.fill_form("nina", {**first, "advice": "Ask."}))
        assert "4 of 6 questions answered" in saved.text and "Still needed" not in saved.text
        assert saved.buttons == ["Questions 1–5", "Question 6", "Save for later", "Submit"]
        later = only(await chat.click("nina", saved, "Save for later"))
        assert "/spotlight answer" in later.text

        # Resume: page 1 comes back pre-filled; only the changed answer is typed.
        resumed = await chat.command("nina", "/spotlight answer")
        assert last(resumed, "form").text.startswith("Spotlight 1/2")
        saved = last(await chat.fill_form("nina", {"advice": ANSWERS["advice"]}))
        assert "4 of 6 questions answered" in saved.text and "Still needed" not in saved.text
        await chat.click("nina", saved, "Question 6")
        saved = last(await chat.fill_form("nina", {"outside": ANSWERS["outside"]}))
        assert "5 of 6 questions answered" in saved.text
        done = only(await chat.click("nina", saved, "Submit"))
        assert "submitted" in done.text
        assert any("nina submitted spotlight #1" in p.text for p in chat.posts("maintainers"))
        closed = only(await chat.command("nina", "/spotlight answer"))
        assert "editors are preparing it" in closed.text

        # Editing: note, introduction, stats, then the editors' approval.
        noted = only(await chat.command("mia", '/spotlight note 1 3 "That bug haunted us all for a month."'))
        assert "answer 3 of #1 saved" in noted.text
        await chat.command("mia", f'/spotlight intro 1 "{INTRO}"')
        stats = only(await chat.command("mia", "/spotlight stats 1"))
        assert "GitHub stats attached to #1" in stats.text
        review = only(await chat.command("mia", "/spotlight review 1"))
        assert "That bug haunted us all" in review.text and "Tell us about yourself." in review.text
        assert "5. Favourite tools?" in review.text and "(not answered)" in review.text
        approved = only(await chat.command("mia", "/spotlight approve 1"))
        assert "sent the contributor the final text" in approved.text
        final = chat.dms("nina")
        intro_at = max(i for i, d in enumerate(final) if "exactly as it will be published" in d.text)
        assert final[intro_at + 1].text.startswith("Contributor spotlight: nina")
        ask = final[-1]
        assert ask.buttons == ["Approve", "Request changes"]
        again = [r for r in await chat.command("nina", "/spotlight answer") if r.kind == "reply"]
        assert again[-1].buttons == ["Approve", "Request changes"] and "Editor's note" in again[-2].text

        # The contributor asks for a change; the editors fix it and approve again.
        await chat.click("nina", ask, "Request changes")
        changed = only(await chat.fill_form("nina", {"changes": "Please call me Nina in the intro."}))
        assert "editors will look at your request" in changed.text
        assert any("nina asked for changes to spotlight #1" in p.text for p in chat.posts("maintainers"))
        review = only(await chat.command("mia", "/spotlight review 1"))
        assert "Please call me Nina in the intro." in review.text and "Status: submitted" in review.text
        await chat.command("mia", "/spotlight approve 1")
        ask = chat.dms("nina")[-1]

        # Nothing is published before the contributor approves.
        clock.set(datetime(2026, 1, 9, 9, 0, tzinfo=UTC))  # Friday 10:00 in Europe/Berlin
        await chat.app.jobs()["spotlight_publish"]()
        assert chat.posts("spotlight") == []
        assert any("No spotlight is approved" in p.text for p in chat.posts("maintainers"))

        ok = only(await chat.click("nina", ask, "Approve"))
        assert "queued for publishing" in ok.text
        assert any("number 1 in the publishing queue" in p.text for p in chat.posts("maintainers"))

        clock.advance(days=7)  # the next Friday
        await chat.app.jobs()["spotlight_publish"]()
        posts = chat.posts("spotlight")
        text = "\n".join(p.text for p in posts)
        assert text.startswith("Contributor spotlight: nina")
        assert "@newbie-dev" in text and "https://github.com/newbie-dev" in text
        assert INTRO in text
        for qid, answer in ANSWERS.items():
            for line in answer.splitlines():
                assert line in text, qid  # verbatim, mentions included (as plain text)
        assert text.index("1. Tell us about yourself.") < text.index("2. How did you find the project?")
        # The question's own number: skipping optional question 5 leaves a gap, as in the review.
        assert "6. Life outside code?" in text and "Favourite tools?" not in text
        assert "Editor's note: That bug haunted us all" in text
        assert "Merged pull requests: 1" in text
        await chat.app.jobs()["spotlight_publish"]()
        assert len(chat.posts("spotlight")) == len(posts)

        export_replies = await chat.command("mia", "/spotlight export 1")
        exported = only(export_replies)
        assert "2026-01-16-spotlight-newbie-dev.md" in exported.text
        doc = chat.app.db.call(lambda s: build_document(s, get_interview(s, 1)))
        markdown, filename = spotlight_cog(chat).export_text(doc)
        assert filename == "2026-01-16-spotlight-newbie-dev.md"
        golden = GOLDEN / "nina.md"
        if os.environ.get("STEWARD_UPDATE_GOLDEN"):
            golden.write_text(markdown, encoding="utf-8")
        assert markdown == golden.read_text(encoding="utf-8")
        # The file the maintainer received (attachment, upload or saved file) is exactly the golden one,
        # and only she got it: on Slack an ephemeral reply's file arrives by DM, never in the channel.
        delivered = [(r, f) for r in export_replies for f in r.files]
        assert [f for _, f in delivered] == [(filename, golden.read_bytes())]
        assert all(r.target == "mia" and r.kind in ("reply", "dm") for r, _ in delivered)
        assert f"[file: {filename}]" in next(r for r, _ in delivered).text or chat.platform == "console"

    # A restart on the same database posts nothing again the same day.
    async with chat_factory(extra_yaml=SPOTLIGHT_YAML, maintainers=["mia"], clock=clock) as chat:
        await chat.app.jobs()["spotlight_publish"]()
        assert chat.posts("spotlight") == []
        assert chat.posts("maintainers") == []
        listed = only(await chat.command("mia", "/spotlight list"))
        assert "#1 nina — published" in listed.text


async def test_not_now_and_never_are_respected(chat_factory: ChatFactory) -> None:
    clock = FakeClock(NOW)
    async with chat_factory(extra_yaml=SPOTLIGHT_YAML, maintainers=["mia"], clock=clock) as chat:
        seed_history(chat.app.db)
        await chat.command("nina", "/spotlight answer")
        await chat.command("victor", "/spotlight answer")
        link_github(chat.app.db, "nina", "newbie-dev")
        link_github(chat.app.db, "victor", "veteran")

        await chat.command("mia", "/spotlight invite nina")
        invitation = chat.dms("nina")[-1]
        declined = only(await chat.click("nina", invitation, "Not now"))
        assert "maybe another time" in declined.text
        assert any('nina said "not now"' in p.text for p in chat.posts("maintainers"))
        ranked = only(await chat.command("mia", "/spotlight candidates"))
        assert "nina" not in ranked.text and "victor (@veteran)" in ranked.text
        stale = only(await chat.click("nina", invitation, "Accept"))
        assert "no longer open" in stale.text

        await chat.command("mia", "/spotlight invite victor")
        never = only(await chat.click("victor", chat.dms("victor")[-1], "Never"))
        assert "will not be invited again" in never.text
        ranked = only(await chat.command("mia", "/spotlight candidates"))
        assert "victor" not in ranked.text and "veteran" not in ranked.text
        refused = only(await chat.command("mia", "/spotlight invite veteran"))
        assert "asked never to be interviewed" in refused.text
        refused = only(await chat.command("mia", "/spotlight nominate victor"))
        assert "asked never to be interviewed" in refused.text

        # Changing one's mind works, and an invitation from someone else cannot be answered by others.
        await chat.command("victor", "/spotlight opt in")
        sent = only(await chat.command("mia", "/spotlight invite victor"))
        assert "Invitation #3 sent to victor" in sent.text
        not_yours = only(await chat.click("nina", chat.dms("victor")[-1], "Accept"))
        assert "belongs to someone else" in not_yours.text


async def test_reminder_then_expiry(chat_factory: ChatFactory) -> None:
    clock = FakeClock(NOW)
    async with chat_factory(extra_yaml=SPOTLIGHT_YAML, maintainers=["mia"], clock=clock) as chat:
        await chat.command("nina", "/spotlight answer")
        await chat.command("mia", "/spotlight invite nina")
        await chat.click("nina", chat.dms("nina")[-1], "Accept")
        await chat.fill_form(
            "nina", {"intro": "Hello.", **{k: ANSWERS[k] for k in ("found", "bug", "advice")}}
        )
        reminders = chat.app.jobs()["spotlight_reminders"]

        clock.advance(days=4)
        await reminders()
        assert len(chat.dms("nina")) == 1  # only the invitation so far
        clock.advance(days=1, minutes=1)
        await reminders()
        reminder = chat.dms("nina")[-1]
        assert "friendly reminder" in reminder.text and reminder.buttons == ["Continue"]
        await reminders()
        assert len(chat.dms("nina")) == 2  # reminded once

        opened = await chat.click("nina", reminder, "Continue")
        assert last(opened, "form").text.startswith("Spotlight 1/2")
        page_one = {k: ANSWERS[k] for k in ("intro", "found", "bug", "advice")}
        await chat.fill_form("nina", page_one)  # saved, never submitted

        clock.advance(days=17)
        await reminders()
        assert "expired" in chat.dms("nina")[-1].text
        assert any("expired without being submitted" in p.text for p in chat.posts("maintainers"))
        none = only(await chat.command("nina", "/spotlight answer"))
        assert "no spotlight interview open" in none.text


async def test_credits_from_other_features_and_nominations(chat_factory: ChatFactory) -> None:
    """Finished onboarding paths and good first issues arrive as events; nominations by command."""
    clock = FakeClock(NOW)
    async with chat_factory(extra_yaml=SPOTLIGHT_YAML, maintainers=["mia"], clock=clock) as chat:
        await chat.command("hana", "/spotlight answer")
        link_github(chat.app.db, "hana", "hana-gh")
        member_id = chat.app.db.call(
            lambda s: s.exec(select(Member.id).where(Member.display_name == "hana")).one()
        )
        await chat.app.bus.publish(
            ContributionCredited(member_id, None, "path_finished", "Docs first", NOW - timedelta(days=2))
        )
        await chat.app.bus.publish(
            ContributionCredited(None, "Hana-GH", "gfi_done", "acme/widgets#12", NOW - timedelta(days=1))
        )
        seed_history(chat.app.db)  # some-reviewer's PR makes the login known here
        nominated = only(
            await chat.command("mia", "/spotlight nominate some-reviewer Great reviews all year")
        )
        assert "some-reviewer is nominated" in nominated.text
        ranked = only(await chat.command("mia", "/spotlight candidates"))
        lines = ranked.text.splitlines()
        hana = next(line for line in lines if "hana" in line)
        assert "finished an onboarding path (Docs first)" in hana and "finished a good first issue" in hana
        reviewer = next(line for line in lines if "some-reviewer" in line)
        assert "nominated (Great reviews all year)" in reviewer
        unknown = only(await chat.command("mia", '/spotlight nominate "not a login!"'))
        assert "I don't know anyone called 'not a login!' in this community" in unknown.text
        unknown = only(await chat.command("mia", "/spotlight nominate nobody-xyz-123"))
        assert "I don't know anyone called 'nobody-xyz-123'" in unknown.text
        group = only(await chat.command("mia", "/spotlight nominate @everyone great person"))
        assert "'@everyone' names a group, not a person" in group.text
        ranked = only(await chat.command("mia", "/spotlight candidates"))
        assert "everyone" not in ranked.text and "nobody-xyz-123" not in ranked.text
