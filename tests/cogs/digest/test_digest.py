"""The weekly digest: core facts from a synthetic history, the job posting once, the commands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import select

from bot.db.database import Database
from bot.db.models import Member, PostLog
from bot.github.store import IssueStore
from cogs.digest.service import community_week
from tests.fixtures.chat import ChatFactory

WEEK_START = datetime(2026, 6, 1, tzinfo=UTC)


def _item(
    number: int,
    login: str,
    *,
    merged_at: datetime | None = None,
    created: datetime,
    pr: bool = True,
    closed: datetime | None = None,
) -> dict[str, Any]:
    iso = "%Y-%m-%dT%H:%M:%SZ"
    return {
        "number": number,
        "id": 1000 + number,
        "title": f"Item {number} @everyone",
        "state": "closed" if (merged_at or closed) else "open",
        "labels": [],
        "assignees": [],
        "user": {"login": login, "type": "User"},
        "author_association": "CONTRIBUTOR",
        "comments": 0,
        "body": "",
        "html_url": f"https://github.com/o/r/pull/{number}",
        "created_at": created.strftime(iso),
        "updated_at": (merged_at or closed or created).strftime(iso),
        "closed_at": (merged_at or closed).strftime(iso) if (merged_at or closed) else None,
        **({"pull_request": {"merged_at": merged_at.strftime(iso) if merged_at else None}} if pr else {}),
    }


def seed(session: Any) -> None:
    store = IssueStore()
    repo = store.upsert_repo(session, "o/r")
    before = WEEK_START - timedelta(days=30)
    inside = WEEK_START + timedelta(days=2)
    items = [
        _item(1, "veteran", merged_at=before, created=before),  # veteran's first merge: long ago
        _item(2, "veteran", merged_at=inside, created=inside),  # ... so this one is not a first
        _item(3, "newbie", merged_at=inside, created=inside - timedelta(days=1)),  # a first contribution
        _item(4, "dependabot[bot]", merged_at=inside, created=inside),  # bots never count
        _item(5, "someone", created=inside, pr=False),  # an issue opened this week
        _item(6, "someone", created=before, pr=False, closed=inside),  # an issue closed this week
    ]
    for item in items:
        store.upsert_issue(session, repo, item)
    session.add(Member(display_name="Ada", created_at=inside))
    session.add(Member(display_name="Old", created_at=before))
    session.add(Member(display_name="Bot", created_at=inside, is_bot=True))


def test_community_week(db: Database) -> None:
    db.call(seed)
    end = WEEK_START + timedelta(days=7)
    week = db.call(lambda s: community_week(s, WEEK_START, end, set(), ["Newcomer"]))
    assert week.new_members == ["Newcomer"]  # who joined; member rows created this week ("Ada") are not
    assert [(f.login, f.number) for f in week.first_merges] == [("newbie", 3)]
    assert (week.merged_prs, week.opened_issues, week.closed_issues) == (3, 1, 1)


async def test_digest_job_posts_once_and_preview(chat_factory: ChatFactory) -> None:
    schedules = "schedules:\n  - job: weekly_digest\n    cron: '0 10 * * mon'\n    timezone: UTC\n"
    from bot.core.clock import FakeClock

    clock = FakeClock(WEEK_START + timedelta(days=7, hours=9))
    async with chat_factory(extra_yaml=schedules, maintainers=["mia"], clock=clock) as chat:
        chat.app.db.call(seed)
        [preview] = await chat.command("alice", "/steward digest preview")
        assert "weekly digest (Jun 1, 2026 to Jun 8, 2026)" in preview.text
        assert "newbie" in preview.text and "Item 3 @everyone" in preview.text
        assert "dependabot" not in preview.text
        # A preview is dated in the reader's time zone; the posted digest in the project's.
        await chat.command("alice", "/steward timezone Pacific/Honolulu")  # 09:00 UTC is 23:00 there
        [mine] = await chat.command("alice", "/steward digest preview")
        assert "weekly digest (May 31, 2026 to Jun 7, 2026)" in mine.text
        clock.advance(hours=1)
        await chat.app.scheduler.tick()
        await chat.app.scheduler.tick()
        posts = chat.posts("digest")
        assert len(posts) == 1 and "weekly digest (Jun 1, 2026 to Jun 8, 2026)" in posts[0].text
        [denied] = await chat.command("alice", "/steward digest send")
        assert "Only maintainers" in denied.text
        [sent] = [r for r in await chat.command("mia", "/steward digest send") if r.kind == "reply"]
        assert "posted to 1 channel" in sent.text
        [again] = [r for r in await chat.command("mia", "/steward digest send") if r.kind == "reply"]
        assert "already posted this minute" in again.text
        assert len(chat.posts("digest")) == 2
        rows = chat.app.db.call(lambda s: s.exec(select(PostLog).order_by(PostLog.id)).all())
        assert [r.status for r in rows] == ["sent", "sent"]
