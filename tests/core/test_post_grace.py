"""A post due long ago (the bot was down over it) is skipped past its grace, recorded, never sent later."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.adapters.console import ConsoleAdapter
from bot.core.clock import FakeClock
from bot.core.messages import Message
from bot.core.post_ledger import Due
from bot.core.posting import Poster
from bot.db.database import Database
from bot.db.models import PostLog
from bot.i18n import Catalog, catalog_directories

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


def _poster(db: Database) -> tuple[Poster, ConsoleAdapter]:
    console = ConsoleAdapter(Catalog(catalog_directories()), read_input=False)
    return Poster(db, FakeClock(NOW), lambda: [console]), console


async def test_within_grace_it_is_posted_once_and_past_it_skipped_for_good(db: Database) -> None:
    poster, console = _poster(db)
    on_time = Due(NOW - timedelta(hours=1), timedelta(hours=2))
    [sent] = await poster.post_once("handoff", "a", "oncall", Message.text("late"), due=on_time)
    [again] = await poster.post_once("handoff", "a", "oncall", Message.text("late"), due=on_time)
    assert (sent.status, again.status) == ("sent", "skipped")

    too_old = Due(NOW - timedelta(hours=3), timedelta(hours=2), "oncall.handoff_grace")
    [skipped] = await poster.post_once("handoff", "b", "oncall", Message.text("old"), due=too_old)
    # Without a due time (a later run that does not say) it still is not sent: the log kept the skip.
    [later] = await poster.post_once("handoff", "b", "oncall", Message.text("old"))
    assert (skipped.status, later.status) == ("skipped", "skipped")
    assert [r.text for r in console.transcript if r.kind == "post"] == ["late"]
    row = await db.run(lambda s: s.exec(select(PostLog).where(PostLog.period == "b")).one())
    assert row.status == "skipped"
    assert "beyond its grace of 2:00:00 (oncall.handoff_grace)" in (row.error or "")


async def test_a_half_posted_post_past_its_grace_is_still_finished(db: Database) -> None:
    poster, _console = _poster(db)
    key = ("handoff", "c", "console", "oncall")
    assert await poster.ledger.claim(key) is not None
    await poster.ledger.finish(key, "failed", None, "platform down")
    too_old = Due(NOW - timedelta(days=1), timedelta(hours=2))
    [failed_whole] = await poster.post_once("handoff", "c", "oncall", Message.text("c"), due=too_old)
    assert failed_whole.status == "skipped"  # nothing of it was out: skipped

    def half_posted(session):  # type: ignore[no-untyped-def]
        row = session.exec(select(PostLog).where(PostLog.period == "c")).one()
        row.status, row.parts_done = "failed", 1
        session.add(row)

    await db.run(half_posted)
    # A multi-part post with its first part out is finished however late: half a post helps nobody.
    [finished] = await poster.post_once("handoff", "c", "oncall", Message.text("c"), due=too_old)
    assert finished.status == "sent"
