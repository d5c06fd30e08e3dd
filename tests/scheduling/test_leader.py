"""The scheduler lease: one leader, renewed in short transactions, taken over when it lapses, fenced."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.adapters.console import ConsoleAdapter
from bot.core.clock import FakeClock
from bot.core.messages import Message
from bot.core.post_keys import Fenced
from bot.core.posting import Poster
from bot.db.database import Database
from bot.i18n import Catalog, catalog_directories
from bot.scheduling.leader import LeaderElection, lease_epoch
from tests.fixtures.waiting import eventually

FAST = {"renew_seconds": 0.05, "lease_seconds": 0.6}


async def test_one_leader_and_a_takeover_with_a_new_epoch_when_the_lease_lapses(db: Database) -> None:
    first, second = LeaderElection(db.engine, **FAST), LeaderElection(db.engine, **FAST)
    changes: list[bool] = []
    first.on_change(changes.append)
    await first.start()
    await second.start()
    try:
        assert first.is_leader and not second.is_leader
        assert first.epoch == 1
        # Frozen (SIGSTOP): the leader stops renewing without letting go.
        assert first._task is not None
        first._task.cancel()
        await eventually(lambda: second.is_leader, "the follower taking over the lapsed lease")
        assert second.epoch == 2
        await first._attempt()  # it wakes up: the database says someone else leads now
        assert not first.is_leader and changes == [True, False]
    finally:
        await second.stop()
        await first.stop()


async def test_a_graceful_stop_hands_over_at_once(db: Database) -> None:
    first = LeaderElection(db.engine, renew_seconds=0.05, lease_seconds=3600)
    second = LeaderElection(db.engine, renew_seconds=0.05, lease_seconds=3600)
    await first.start()
    await second.start()
    try:
        await first.stop()
        await eventually(lambda: second.is_leader, "the follower taking over a released lease")
    finally:
        await second.stop()


async def test_claims_and_marks_of_an_older_epoch_are_refused(db: Database) -> None:
    old, new = LeaderElection(db.engine, **FAST), LeaderElection(db.engine, **FAST)
    await old.start()
    console = ConsoleAdapter(Catalog(catalog_directories()), read_input=False)
    poster = Poster(
        db, FakeClock(), lambda: [console], is_leader=lambda: old.is_leader, instance_id=old.instance_id
    )
    poster.ledger.epoch = lambda: old.epoch  # what a frozen leader still believes
    poster.ledger.lease_epoch = lease_epoch
    fenced: list[bool] = []
    poster.on_fenced = lambda: fenced.append(True)
    key = ("weekly_digest", "p1", "console", "digest")
    claim = await poster.ledger.claim(key)
    assert claim is not None
    assert old._task is not None
    old._task.cancel()
    await new.start()
    try:
        await eventually(lambda: new.is_leader, "the takeover")
        with pytest.raises(Fenced):
            await poster.ledger.finish(key, "sent", "ref", None)
        [result] = await poster.post_once("weekly_digest", "p2", "digest", Message.text("late"))
        assert result.status == "skipped" and fenced == [True]
        assert console.transcript == []  # the old leader posted nothing
    finally:
        await new.stop()
        await old.stop()


async def test_the_lease_is_checked_without_leaving_a_transaction_open(db: Database) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("pg_stat_activity is PostgreSQL's")
    leader = LeaderElection(db.engine, **FAST)
    await leader.start()
    try:
        for _ in range(5):
            await leader._attempt()
        with db.engine.connect() as conn:
            idle = conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND state = 'idle in transaction' AND pid <> pg_backend_pid()"
                )
            ).scalar()
        assert idle == 0
    finally:
        await leader.stop()
