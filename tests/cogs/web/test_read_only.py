"""Public page views and calendar feeds only read: a visitor (or a crawler, or a calendar app
polling) never creates member rows or any other row, and a chat-id-only person is never shown by id."""

from __future__ import annotations

from sqlalchemy import event, inspect, text

from bot.db.database import Database
from tests.cogs.web.conftest import SiteFactory
from tests.cogs.web.seeds import FULL_YAML, HIDDEN_CHAT_ID, seed_community

TOKEN = "feed-token"
WITH_TOKEN = FULL_YAML.replace("  rotations:\n", f"  calendar_token: {TOKEN}\n  rotations:\n", 1)
PAGES = ("/", "/?page=2", "/oncall", "/spotlights", "/spotlights/feed.xml", "/start", "/health")


def row_counts(db: Database) -> dict[str, int]:
    """Rows per table (the bot's own lease and schedule bookkeeping left out: they tick by the clock)."""

    def count(session) -> dict[str, int]:  # type: ignore[no-untyped-def]
        tables = inspect(session.connection()).get_table_names()
        return {
            t: session.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()
            for t in tables
            if t not in {"leader_lease", "apscheduler_jobs", "alembic_version"}
        }

    return db.call(count)


async def test_page_views_and_feeds_write_nothing(site_factory: SiteFactory) -> None:
    async with site_factory(extra_yaml=WITH_TOKEN) as site:
        db = site.chat.app.db
        seeded = seed_community(db, site.chat.clock.now())
        before = row_counts(db)
        writes: list[str] = []

        def watch(conn, cursor, statement: str, *args: object) -> None:  # type: ignore[no-untyped-def]
            verb = statement.lstrip().split(None, 1)[0].upper()
            if verb in {"INSERT", "UPDATE", "DELETE"} and "leader_lease" not in statement:
                writes.append(statement)

        engine = db._engine
        event.listen(engine, "before_cursor_execute", watch)
        try:
            for lang in ("en", "zh-CN"):
                for path in (*PAGES, f"/spotlights/{seeded.published_id}"):
                    status, _, _ = await site.get(f"{path}{'&' if '?' in path else '?'}lang={lang}")
                    assert status == 200, path
            status, _, _ = await site.get(f"/oncall/triage.ics?token={TOKEN}")
            assert status == 200
        finally:
            event.remove(engine, "before_cursor_execute", watch)
        assert writes == []
        # "slack:U0HIDDEN42" is on the rotation with no member row: showing them used to create one.
        assert row_counts(db) == before


async def test_calendar_feed_never_shows_a_bare_chat_id(site_factory: SiteFactory) -> None:
    async with site_factory(extra_yaml=WITH_TOKEN) as site:
        seed_community(site.chat.app.db, site.chat.clock.now())
        status, feed, _ = await site.get(f"/oncall/triage.ics?token={TOKEN}")
        assert status == 200 and "BEGIN:VEVENT" in feed
        unfolded = feed.replace("\r\n ", "")
        # As the public on-call page shows them: the name people chose, else "a maintainer".
        assert HIDDEN_CHAT_ID not in unfolded and "U0HIDDEN42" not in unfolded
        assert "Rotation Member" in unfolded and "a maintainer" in unfolded
        assert "aoife-b" in unfolded and "tomasz-w" in unfolded


async def test_an_edited_interview_shows_its_new_text_at_once(site_factory: SiteFactory) -> None:
    """Rendered interviews are reused (parsing them was most of a cold feed), keyed by the whole
    document: an edit made after publication shows on the next view, in the page and the feed."""
    from sqlmodel import select

    from cogs.spotlight.models import SpotlightAnswer

    async with site_factory(extra_yaml=FULL_YAML) as site:
        db = site.chat.app.db
        seeded = seed_community(db, site.chat.clock.now())
        _, before, _ = await site.get(f"/spotlights/{seeded.published_id}")
        _, feed_before, _ = await site.get("/spotlights/feed.xml")
        assert "ask often." in before and "ask often." in feed_before

        def edit(session) -> None:  # type: ignore[no-untyped-def]
            answer = session.exec(
                select(SpotlightAnswer).where(
                    SpotlightAnswer.interview_id == seeded.published_id,
                    SpotlightAnswer.question_id == "advice",
                )
            ).one()
            answer.text = "Ask early, and read the guide first."
            session.add(answer)

        db.call(edit)
        _, after, _ = await site.get(f"/spotlights/{seeded.published_id}")
        _, feed_after, _ = await site.get("/spotlights/feed.xml")
        assert "read the guide first." in after and "ask often." not in after
        assert "read the guide first." in feed_after and "ask often." not in feed_after
