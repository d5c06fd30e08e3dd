"""Publishing without a ``schedules:`` section, and a post that fails part-way: retried, never lost."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.app import App
from bot.config import load_config_text
from bot.core.adapter import GroupChange
from bot.core.clock import FakeClock
from bot.core.dispatch import Dispatcher
from bot.core.messages import Message
from bot.db.database import Database
from bot.db.models import Member
from bot.features import config_warnings as app_config_warnings
from cogs.spotlight import SpotlightCog
from cogs.spotlight.checks import config_warnings
from cogs.spotlight.cog import DEFAULT_PUBLISH_CRON
from cogs.spotlight.config import default_questions
from cogs.spotlight.document import build_document
from cogs.spotlight.interview import get_interview
from cogs.spotlight.models import SpotlightAnswer, SpotlightInterview, Status
from cogs.spotlight.post_view import render_post
from cogs.spotlight.questions import snapshot
from tests.cogs.spotlight.history import NOW
from tests.cogs.spotlight.test_e2e import SPOTLIGHT_YAML, only
from tests.fixtures.chat import ChatDriver, ChatFactory
from tests.fixtures.console import config_text

BERLIN = ZoneInfo("Europe/Berlin")  # the chat fixtures' project time zone
FRIDAY_10 = datetime(2026, 1, 9, 10, 0, tzinfo=BERLIN)  # the first default publishing slot after NOW


def long_answer(topic: str) -> str:
    """About 1,300 characters in whole sentences, so a spotlight of several answers needs several posts."""
    return " ".join(f"Sentence {n} about {topic}, told in my own words." for n in range(1, 30))


def seed_approved(db: Database, name: str) -> int:
    """An interview both sides approved, with long answers to every built-in question."""

    def write(session: Session) -> int:
        member = Member(display_name=name, created_at=NOW)
        session.add(member)
        session.flush()
        assert member.id is not None
        questions = default_questions()
        interview = SpotlightInterview(
            member_id=member.id,
            github_login=f"{name}-gh",
            display_name=name,
            status=Status.APPROVED,
            questions=snapshot(questions),
            invited_at=NOW - timedelta(days=20),
            accepted_at=NOW - timedelta(days=19),
            submitted_at=NOW - timedelta(days=10),
            editor_approved_at=NOW - timedelta(days=3),
            approved_at=NOW - timedelta(days=2),
        )
        session.add(interview)
        session.flush()
        assert interview.id is not None
        for q in questions:
            session.add(SpotlightAnswer(interview_id=interview.id, question_id=q.id, text=long_answer(q.id)))
        return interview.id

    return db.call(write)


def status_of(db: Database, interview_id: int) -> str:
    return db.call(lambda s: get_interview(s, interview_id).status)


def rendered_parts(chat: ChatDriver, interview_id: int) -> list[Message]:
    cog = next(c for c in chat.app.cogs if isinstance(c, SpotlightCog))
    doc = chat.app.db.call(lambda s: build_document(s, get_interview(s, interview_id)))
    return render_post(doc, cog.tr(doc.locale), chat.app.config.project.timezone)


class FlakyPlatform:
    """A second chat platform that records what it is sent; chosen posts to one channel fail.

    ``fail_calls`` numbers the posts to ``flaky_channel`` from 1 (other channels always work).
    """

    platform = "mirror"

    def __init__(self, fail_calls: set[int], flaky_channel: str = "mirror-spotlight") -> None:
        self.fail_calls = fail_calls
        self.flaky_channel = flaky_channel
        self.calls = 0
        self.posted: list[tuple[str, Message]] = []

    async def start(self, dispatcher: Dispatcher) -> None:
        """Nothing to connect to."""

    async def stop(self) -> None:
        """Nothing to close."""

    def channel_for(self, purpose: str) -> str | None:
        return f"mirror-{purpose}"

    async def post(self, channel_id: str, message: Message) -> str:
        if channel_id == self.flaky_channel:
            self.calls += 1
            if self.calls in self.fail_calls:
                raise ConnectionError(f"mirror refused post {self.calls} to {channel_id}")
        self.posted.append((channel_id, message))
        return f"mirror:{len(self.posted)}"

    async def send_dm(self, user_id: str, message: Message) -> bool:
        return False

    async def set_topic(self, channel_id: str, text: str) -> bool:
        return False

    async def add_to_group(self, user_id: str, group_id: str, reason: str) -> GroupChange:
        return GroupChange.UNSUPPORTED

    async def remove_from_group(self, user_id: str, group_id: str, reason: str) -> GroupChange:
        return GroupChange.UNSUPPORTED

    def summaries(self, channel: str) -> list[str | None]:
        return [m.summary for c, m in self.posted if c == channel]


def test_defaults_cover_every_spotlight_job_and_schedules_override_them(
    database_url: str, tmp_path: Path
) -> None:
    schedules = "schedules:\n  - {job: spotlight_publish, cron: '30 18 * * wed'}\n"
    text = config_text(database_url, "spotlight: {}\n" + schedules)
    app = App(load_config_text(text, "steward.yaml", base_dir=tmp_path), clock=FakeClock(NOW))
    try:
        cog = next(c for c in app.cogs if isinstance(c, SpotlightCog))
        defaults = cog.default_schedules()
        assert set(defaults) == set(cog.jobs())
        publish, grace = defaults["spotlight_publish"]
        assert publish.get_next_fire_time(None, NOW) == FRIDAY_10 and grace >= timedelta(hours=1)
        assert DEFAULT_PUBLISH_CRON == "0 10 * * fri"
        reminders, _ = defaults["spotlight_reminders"]
        assert reminders.get_next_fire_time(None, NOW + timedelta(minutes=1)) == NOW + timedelta(hours=1)

        names = app.scheduler.apply(app.config, app.jobs(), app.default_schedules())
        spotlight = [n for n in names if n.startswith("spotlight_")]
        assert spotlight == [
            "spotlight_candidates@default",
            "spotlight_publish@cron 30 18 * * wed Europe/Berlin",
            "spotlight_reminders@default",
        ]
    finally:
        app.db.dispose()


async def test_without_schedules_spotlights_publish_remind_and_propose(chat_factory: ChatFactory) -> None:
    clock = FakeClock(NOW)  # Monday 10:00 in Europe/Berlin
    async with chat_factory(extra_yaml=SPOTLIGHT_YAML, maintainers=["mia"], clock=clock) as chat:
        chat.app.scheduler.shutdown()  # jobs run only when the test ticks (not on real minutes)
        assert {
            "spotlight_publish@default",
            "spotlight_reminders@default",
            "spotlight_candidates@default",
        } <= set(chat.app.scheduler.job_ids())
        await chat.app.scheduler.tick()  # the scheduler's first look: nothing was missed

        # nina accepts an interview and saves page one, never submitting; victor's spotlight is approved.
        await chat.command("nina", "/spotlight answer")
        await chat.command("mia", "/spotlight invite nina")
        await chat.click("nina", chat.dms("nina")[-1], "Accept")
        await chat.fill_form(
            "nina", {"intro": "Hello.", "found": "A link.", "bug": "A race.", "advice": "Ask."}
        )
        victor = seed_approved(chat.app.db, "victor")

        clock.set(FRIDAY_10 - timedelta(minutes=1))
        await chat.app.scheduler.tick()
        assert chat.posts("spotlight") == []
        clock.set(FRIDAY_10)
        await chat.app.scheduler.tick()
        posts = chat.posts("spotlight")
        assert posts and posts[0].text.startswith("Contributor spotlight: victor")
        assert status_of(chat.app.db, victor) == Status.PUBLISHED
        assert len(chat.dms("nina")) == 1  # the invitation; the reminder is due after five days

        # Saturday: five days after accepting, the hourly check reminds nina, once.
        clock.set(datetime(2026, 1, 10, 10, 30, tzinfo=BERLIN))
        await chat.app.scheduler.tick()
        reminder = chat.dms("nina")[-1]
        assert "friendly reminder" in reminder.text and reminder.buttons == ["Continue"]
        clock.advance(hours=1)
        await chat.app.scheduler.tick()
        assert len(chat.dms("nina")) == 2
        assert len(chat.posts("spotlight")) == len(posts)  # nothing published twice

        # Monday 09:00: the weekly candidate list reaches the maintainers.
        assert not any("Spotlight candidates" in p.text for p in chat.posts("maintainers"))
        clock.set(datetime(2026, 1, 12, 9, 0, tzinfo=BERLIN))
        await chat.app.scheduler.tick()
        assert any("Spotlight candidates" in p.text for p in chat.posts("maintainers"))


async def test_a_post_that_failed_somewhere_is_posted_later_and_only_then_published(
    chat_factory: ChatFactory,
) -> None:
    clock = FakeClock(FRIDAY_10)
    async with chat_factory(extra_yaml=SPOTLIGHT_YAML, maintainers=["mia"], clock=clock) as chat:
        chat.app.scheduler.shutdown()
        interview = seed_approved(chat.app.db, "victor")
        [post] = rendered_parts(chat, interview)  # one message; each adapter splits it its own way
        # A second platform whose post fails, and fails again on the first retry.
        mirror = FlakyPlatform(fail_calls={1, 2})
        chat.app.adapters.append(mirror)
        publish, reminders = chat.app.jobs()["spotlight_publish"], chat.app.jobs()["spotlight_reminders"]

        await publish()
        shown = len(chat.posts("spotlight"))
        assert shown >= 1  # the first platform got all of it, in as many messages as it needs
        assert mirror.summaries("mirror-spotlight") == []
        assert status_of(chat.app.db, interview) == Status.APPROVED
        [notice] = [p for p in chat.posts("maintainers") if "could not be posted completely" in p.text]
        assert "#1 with victor" in notice.text

        # The next publish run retries what is missing (here it fails again): still not published,
        # nothing posted twice on the first platform, and the maintainers are not told twice.
        await publish()
        assert mirror.summaries("mirror-spotlight") == []
        assert status_of(chat.app.db, interview) == Status.APPROVED
        assert len(chat.posts("spotlight")) == shown
        assert len([p for p in chat.posts("maintainers") if "could not be posted" in p.text]) == 1

        # An hour later the hourly job finishes it: posted once everywhere, then it is published.
        clock.advance(hours=1)
        await reminders()
        assert mirror.summaries("mirror-spotlight") == [post.summary]
        assert len(chat.posts("spotlight")) == shown
        assert status_of(chat.app.db, interview) == Status.PUBLISHED
        await publish()
        await reminders()
        assert mirror.summaries("mirror-spotlight") == [post.summary]
        assert len(chat.posts("spotlight")) == shown
        listed = only(await chat.command("mia", "/spotlight list"))
        assert "#1 victor — published" in listed.text


def test_check_config_warns_when_spotlights_would_go_quiet(tmp_path: Path) -> None:
    quiet = (
        "project: {name: Quiet}\n"
        "discord:\n  token: ${DISCORD_TOKEN}\n  channels: {spotlight: 100000000000000013}\n"
        "spotlight: {}\n"
        "schedules:\n  - {job: spotlight_publish, cron: '0 10 * * fri', enabled: false}\n"
        "  - {job: spotlight_reminders, interval: 1h}\n"
    )
    config = load_config_text(quiet, "steward.yaml", env={"DISCORD_TOKEN": "x"}, base_dir=tmp_path)
    assert config_warnings(config, NOW) == [
        "schedules: every spotlight_publish entry is disabled, so approved spotlights are never published "
        "(remove the entries to use the default schedule)",
        "discord.channels: no 'maintainers' channel (spotlight.maintainer_channel), so maintainers get no "
        "spotlight notices on Discord",
    ]
    assert any(w.startswith("schedules: every spotlight_publish") for w in app_config_warnings(config, NOW))
    # Defaults alone (no schedules) and a console-only setup are fine.
    fine = load_config_text("project: {name: Fine}\nspotlight: {}\n", "steward.yaml", base_dir=tmp_path)
    assert config_warnings(fine, NOW) == []
