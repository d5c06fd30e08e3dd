"""Scheduled jobs with an injected clock: local wall-clock times across DST, catch-up, crash recovery."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.triggers.interval import IntervalTrigger
from sqlmodel import select

from bot.adapters.console import ConsoleAdapter
from bot.app import App
from bot.config import load_config_text
from bot.core.clock import FakeClock, SystemClock
from bot.db.database import Database
from bot.db.migrate import upgrade
from bot.db.models import PostLog
from bot.i18n import Catalog, catalog_directories
from bot.scheduling import JobContext, JobScheduler
from bot.scheduling.models import JobRun
from tests.fixtures.console import config_text
from tests.fixtures.waiting import DEADLINE, eventually


def _config(tmp_path: Path, database_url: str, schedules: str) -> object:
    return load_config_text(config_text(database_url, schedules), "t.yaml", base_dir=tmp_path)


class Recorder:
    def __init__(self) -> None:
        self.runs: list[JobContext] = []

    async def __call__(self, ctx: JobContext) -> None:
        self.runs.append(ctx)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # Europe/Berlin leaves CET for CEST on 2026-03-29: 10:00 local is 09:00 UTC, then 08:00 UTC.
        (datetime(2026, 3, 20, 6, tzinfo=UTC), ["2026-03-20T09:00", "2026-03-27T09:00", "2026-04-03T08:00"]),
        # ... and back on 2026-10-25.
        (datetime(2026, 10, 16, 6, tzinfo=UTC), ["2026-10-16T08:00", "2026-10-23T08:00", "2026-10-30T09:00"]),
    ],
)
async def test_weekly_job_keeps_local_time_across_dst(
    db: Database, tmp_path: Path, database_url: str, start: datetime, expected: list[str]
) -> None:
    clock = FakeClock(start)
    scheduler = JobScheduler(clock, db)
    job = Recorder()
    config = _config(
        tmp_path,
        database_url,
        "schedules:\n  - job: weekly_digest\n    cron: '0 10 * * fri'\n    timezone: Europe/Berlin\n",
    )
    scheduler.apply(config, {"weekly_digest": job})  # type: ignore[arg-type]
    await scheduler.catch_up()  # first start: nothing was missed
    for _ in range(24 * 15):
        clock.advance(hours=1)
        await scheduler.tick()
    assert [r.scheduled_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M") for r in job.runs] == expected
    local = {
        r.scheduled_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Berlin")).strftime("%a %H:%M")
        for r in job.runs
    }
    assert local == {"Fri 10:00"}
    assert len({r.period for r in job.runs}) == 3


async def test_down_for_three_days_catches_up_once(db: Database, tmp_path: Path, database_url: str) -> None:
    clock = FakeClock(datetime(2026, 5, 4, 8, tzinfo=UTC))
    job = Recorder()
    config = _config(
        tmp_path,
        database_url,
        "schedules:\n  - job: weekly_digest\n    cron: '0 9 * * *'\n    timezone: UTC\n    grace: 4d\n",
    )
    first = JobScheduler(clock, db)
    first.apply(config, {"weekly_digest": job})  # type: ignore[arg-type]
    await first.catch_up()
    clock.set(datetime(2026, 5, 4, 9, tzinfo=UTC))
    await first.tick()
    assert len(job.runs) == 1
    # The process is gone for three days; a new one starts.
    clock.set(datetime(2026, 5, 7, 11, tzinfo=UTC))
    second = JobScheduler(clock, db)
    second.apply(config, {"weekly_digest": job})  # type: ignore[arg-type]
    assert len(await second.catch_up()) == 1
    assert len(job.runs) == 2
    assert job.runs[-1].catch_up and job.runs[-1].scheduled_at == datetime(2026, 5, 7, 9, tzinfo=UTC)
    assert await second.catch_up() == []  # coalesced: the skipped days are not replayed
    state = db.call(lambda s: s.exec(select(JobRun)).one())
    assert state.runs == 2 and state.status == "ok"


async def test_missed_run_beyond_grace_is_skipped(db: Database, tmp_path: Path, database_url: str) -> None:
    clock = FakeClock(datetime(2026, 5, 4, 8, tzinfo=UTC))
    job = Recorder()
    config = _config(
        tmp_path,
        database_url,
        "schedules:\n  - job: weekly_digest\n    cron: '0 9 * * *'\n    timezone: UTC\n",
    )
    scheduler = JobScheduler(clock, db)
    scheduler.apply(config, {"weekly_digest": job})  # type: ignore[arg-type]
    await scheduler.catch_up()
    clock.set(datetime(2026, 5, 6, 12, tzinfo=UTC))  # grace is 1h by default
    assert await scheduler.catch_up() == []
    assert job.runs == []
    clock.set(datetime(2026, 5, 7, 9, tzinfo=UTC))
    assert len(await scheduler.tick()) == 1


async def test_only_the_real_clock_fires_on_wall_time(tmp_path: Path) -> None:
    # With an injected clock a wall-clock fire would run jobs at random moments of a test (at real
    # minute boundaries) against a "now" the test did not move; the test's tick() runs them instead.
    config = load_config_text(config_text(f"sqlite:///{tmp_path / 'unused.db'}"), "t.yaml", base_dir=tmp_path)
    every = {"tick": (IntervalTrigger(seconds=0.05), timedelta(hours=1))}
    on_wall_time, on_fake_time = Recorder(), Recorder()
    real, fake = JobScheduler(SystemClock()), JobScheduler(FakeClock())
    real.apply(config, {"tick": on_wall_time}, every)  # type: ignore[arg-type]
    fake.apply(config, {"tick": on_fake_time}, every)  # type: ignore[arg-type]
    real.start()
    fake.start()
    try:
        await eventually(lambda: len(on_wall_time.runs) >= 3, "three fires of the real-clock timer")
        assert on_fake_time.runs == []  # the same timer on the same loop never fired
        assert fake.job_ids() == ["tick@default"]
        await fake.run_job_now("tick")
        assert len(on_fake_time.runs) == 1
    finally:
        real.shutdown()
        fake.shutdown()


async def test_stop_lets_a_run_in_progress_finish(db: Database, tmp_path: Path, database_url: str) -> None:
    # Cancelled between its post-log claim and "sent", a digest would be posted again after a restart.
    config = _config(tmp_path, database_url, "")
    started, release = asyncio.Event(), asyncio.Event()
    finished: list[str] = []

    async def slow(ctx: JobContext) -> None:
        started.set()
        await release.wait()
        finished.append(ctx.period)

    scheduler = JobScheduler(SystemClock(), db)
    every = {"tick": (IntervalTrigger(seconds=0.05), timedelta(hours=1))}
    scheduler.apply(config, {"tick": slow}, every)  # type: ignore[arg-type]
    scheduler.start()
    await asyncio.wait_for(started.wait(), DEADLINE)
    stopping = asyncio.create_task(scheduler.stop())
    release.set()
    await stopping
    assert len(finished) == 1  # finished, and nothing fired after stop()
    state = db.call(lambda s: s.exec(select(JobRun)).one())
    assert state.status == "ok" and state.runs == 1


class _Crash(BaseException):
    """Stands for the process dying: not an Exception, so nothing records a failure."""


@contextmanager
def _app(tmp_path: Path, database_url: str, clock: FakeClock) -> Iterator[tuple[App, ConsoleAdapter]]:
    text = config_text(
        database_url, "schedules:\n  - job: weekly_digest\n    cron: '0 10 * * mon'\n    timezone: UTC\n"
    )
    config = load_config_text(text, str(tmp_path / "steward.yaml"), base_dir=tmp_path)
    console = ConsoleAdapter(
        Catalog(catalog_directories()),
        stdin=io.StringIO(),
        stdout=io.StringIO(),
        interactive=False,
        read_input=False,
        journal=tmp_path / "console-posts.jsonl",  # the console's history, shared across restarts
    )
    yield App(config, adapters=[console], clock=clock), console


async def test_crash_between_claim_and_send_posts_exactly_once(tmp_path: Path, database_url: str) -> None:
    clock = FakeClock(datetime(2026, 6, 1, 9, tzinfo=UTC))  # a Monday, an hour before the digest
    with _app(tmp_path, database_url, clock) as (app, console):
        await app.start()
        clock.set(datetime(2026, 6, 1, 10, tzinfo=UTC))

        async def die(channel_id: str, message: object) -> str:
            raise _Crash()

        console.post = die  # type: ignore[method-assign]
        with pytest.raises(_Crash):
            await app.scheduler.tick()
        # The process "dies": the OS would drop its locks; nothing else is cleaned up.
        app.scheduler.shutdown()
        await app.leader.stop()
        row = app.db.call(lambda s: s.exec(select(PostLog)).one())
        assert row.status == "claimed"

    for _restart in range(2):
        with _app(tmp_path, database_url, clock) as (app, console):
            await app.start()  # leadership -> catch-up -> the interrupted run is repeated
            await app.scheduler.tick()
            posts = [r for r in console.transcript if r.kind == "post"]
            rows = app.db.call(lambda s: s.exec(select(PostLog)).all())
            await app.stop()
        assert len(rows) == 1 and rows[0].status == "sent" and rows[0].attempts == 2
        if _restart == 0:
            assert len(posts) == 1 and "weekly digest" in posts[0].text
        else:
            assert posts == []  # a second restart repeats nothing
        clock.advance(minutes=5)


async def test_reload_applies_changed_schedules(tmp_path: Path, database_url: str) -> None:
    clock = FakeClock(datetime(2026, 6, 1, 9, tzinfo=UTC))
    with _app(tmp_path, database_url, clock) as (app, _console):
        path = tmp_path / "steward.yaml"
        path.write_text(
            config_text(database_url, "schedules:\n  - job: weekly_digest\n    cron: '0 10 * * mon'\n")
        )
        app.config_path = path
        await app.start()
        try:
            assert app.scheduler.job_ids() == ["weekly_digest@cron 0 10 * * mon UTC"]
            path.write_text(
                config_text(database_url, "schedules:\n  - job: weekly_digest\n    cron: '30 8 * * fri'\n")
            )
            assert await app.reloads.reload() == []
            assert app.scheduler.job_ids() == ["weekly_digest@cron 30 8 * * fri Europe/Berlin"]
            assert app.scheduler._scheduler is not None
            assert [j.id for j in app.scheduler._scheduler.get_jobs()] == app.scheduler.job_ids()
        finally:
            await app.stop()


async def test_failover_replays_each_missed_period_but_startup_coalesces(
    db: Database, tmp_path: Path, database_url: str
) -> None:
    clock = FakeClock(datetime(2026, 5, 4, 8, tzinfo=UTC))
    job = Recorder()
    config = _config(
        tmp_path, database_url, "schedules:\n  - job: weekly_digest\n    interval: 10m\n    grace: 1h\n"
    )
    leader = JobScheduler(clock, db)
    leader.apply(config, {"weekly_digest": job})  # type: ignore[arg-type]
    await leader.catch_up()
    clock.set(datetime(2026, 5, 4, 8, 10, tzinfo=UTC))
    await leader.fire(next(iter(leader.entries)))
    assert [r.period for r in job.runs] == ["2026-05-04T08:10:00Z"]
    # The leader dies; a follower takes over 35 minutes later: three periods fell in the gap.
    clock.set(datetime(2026, 5, 4, 8, 45, tzinfo=UTC))
    follower = JobScheduler(clock, db)
    follower.apply(config, {"weekly_digest": job})  # type: ignore[arg-type]
    await follower.catch_up(replay=True)
    assert [r.period for r in job.runs][1:] == [
        "2026-05-04T08:20:00Z",
        "2026-05-04T08:30:00Z",
        "2026-05-04T08:40:00Z",
    ]
    # A late APScheduler fire also runs each period it missed, in order, once.
    clock.set(datetime(2026, 5, 4, 9, 5, tzinfo=UTC))
    await follower.fire(next(iter(follower.entries)))
    assert [r.period for r in job.runs][4:] == ["2026-05-04T08:50:00Z", "2026-05-04T09:00:00Z"]
    # After downtime (a fresh start), only the latest missed run happens.
    clock.set(datetime(2026, 5, 4, 9, 50, tzinfo=UTC))
    restarted = JobScheduler(clock, db)
    restarted.apply(config, {"weekly_digest": job})  # type: ignore[arg-type]
    await restarted.catch_up()
    assert [r.period for r in job.runs][6:] == ["2026-05-04T09:50:00Z"]


async def test_a_digest_the_platform_refused_is_retried_for_the_same_week(
    tmp_path: Path, database_url: str
) -> None:
    clock = FakeClock(datetime(2026, 6, 1, 9, tzinfo=UTC))  # an hour before the Monday digest
    with _app(tmp_path, database_url, clock) as (app, console):
        await app.start()
        try:
            real_post = console.post
            clock.set(datetime(2026, 6, 1, 10, tzinfo=UTC))

            async def refused(channel_id: str, message: object) -> str:
                raise ConnectionError("platform unavailable")

            console.post = refused  # type: ignore[method-assign]
            await app.scheduler.tick()
            state = app.db.call(lambda s: s.exec(select(JobRun)).one())
            assert state.status == "failed" and "not delivered" in (state.error or "")

            console.post = real_post  # type: ignore[method-assign]
            clock.advance(minutes=5)
            await app.scheduler.tick()  # what the retry timer (or the next start) does
            posts = [r for r in console.transcript if r.kind == "post"]
            assert len(posts) == 1 and "weekly digest" in posts[0].text
            [row] = app.db.call(lambda s: s.exec(select(PostLog)).all())
            assert row.status == "sent" and row.period == "2026-06-01T10:00:00Z"
            state = app.db.call(lambda s: s.exec(select(JobRun)).one())
            assert state.status == "ok"
            await app.scheduler.tick()
            assert len([r for r in console.transcript if r.kind == "post"]) == 1
        finally:
            await app.stop()


async def test_a_failed_run_is_retried_by_timer_within_grace(
    db: Database, tmp_path: Path, database_url: str
) -> None:
    clock = FakeClock(datetime(2026, 5, 4, 9, tzinfo=UTC))
    calls: list[str] = []

    async def flaky(ctx: JobContext) -> None:
        calls.append(ctx.period)
        if len(calls) == 1:
            raise ConnectionError("GitHub away")

    config = _config(tmp_path, database_url, "schedules:\n  - job: weekly_digest\n    cron: '0 9 * * *'\n")
    scheduler = JobScheduler(clock, db)
    scheduler.backoff.delays = (timedelta(milliseconds=50),)
    scheduler.apply(config, {"weekly_digest": flaky})  # type: ignore[arg-type]
    scheduler.start()
    try:
        [entry] = scheduler.entries.values()
        assert await scheduler.run(entry, clock.now()) is False
        await eventually(
            lambda: len(calls) == 2 and db.call(lambda s: s.exec(select(JobRun)).one()).status == "ok",
            "the retry timer to run the failed period again",
        )
        assert calls == [calls[0]] * 2, "the same period, once more"
        assert db.call(lambda s: s.exec(select(JobRun)).one()).status == "ok"
    finally:
        scheduler.shutdown()


async def test_a_claim_left_by_a_replaced_leader_is_finished_at_catch_up(
    tmp_path: Path, database_url: str
) -> None:
    clock = FakeClock(datetime(2026, 6, 1, 10, 30, tzinfo=UTC))
    with _app(tmp_path, database_url, clock) as (app, console):
        upgrade(app.db.url)
        orphan = PostLog(
            job="weekly_digest", period="2026-06-01T10:00:00Z", platform="console", channel="digest",
            status="claimed", owner="replaced", attempts=1,
        )  # fmt: skip
        app.db.call(lambda s: s.add(orphan))
        await app.start()  # leadership -> catch-up finds the orphaned claim
        posts = [r for r in console.transcript if r.kind == "post" and r.target == "digest"]
        rows = app.db.call(lambda s: s.exec(select(PostLog)).all())
        await app.stop()
    assert len(posts) == 1 and [(r.period, r.status) for r in rows] == [("2026-06-01T10:00:00Z", "sent")]


async def test_a_run_that_could_not_record_its_end_is_repeated_before_the_later_periods(
    db: Database, tmp_path: Path, database_url: str
) -> None:
    # The leader's database session ended mid-run: job_run still says "running" for 09:00 while this
    # process stayed up. The next fire runs 09:00 again (the post log keeps its posts to one), then 10:00.
    clock = FakeClock(datetime(2026, 5, 4, 9, tzinfo=UTC))
    scheduler = JobScheduler(clock, db)
    job = Recorder()
    config = _config(
        tmp_path, database_url, "schedules:\n  - job: weekly_digest\n    cron: '0 * * * *'\n    grace: 6h\n"
    )
    scheduler.apply(config, {"weekly_digest": job})  # type: ignore[arg-type]
    [entry] = scheduler.entries.values()
    await scheduler.ledger.record(entry, clock.now(), "running", started=clock.now())
    clock.set(datetime(2026, 5, 4, 10, 0, 30, tzinfo=UTC))
    await scheduler.fire(entry.key)
    assert [r.scheduled_at.astimezone(UTC).hour for r in job.runs] == [9, 10]
    state = db.call(lambda s: s.exec(select(JobRun)).one())
    assert state.status == "ok" and state.last_fire_at == datetime(2026, 5, 4, 10, tzinfo=UTC)


async def test_a_shutdown_during_a_replay_stops_between_periods_and_the_next_leader_runs_the_rest(
    db: Database, tmp_path: Path, database_url: str
) -> None:
    clock = FakeClock(datetime(2026, 5, 4, 8, tzinfo=UTC))
    config = _config(
        tmp_path, database_url, "schedules:\n  - job: weekly_digest\n    interval: 10m\n    grace: 1h\n"
    )
    job = Recorder()
    first = JobScheduler(clock, db)
    first.apply(config, {"weekly_digest": job})  # type: ignore[arg-type]
    await first.catch_up()  # never ran: 08:00 is the starting point
    stopping: list[asyncio.Task[None]] = []

    async def stopped_after_one_period(ctx: JobContext) -> None:
        await job(ctx)
        if len(job.runs) == 1:
            stopping.append(asyncio.create_task(follower.stop()))  # SIGTERM while catching up

    clock.set(datetime(2026, 5, 4, 8, 35, tzinfo=UTC))
    follower = JobScheduler(clock, db)
    follower.apply(config, {"weekly_digest": stopped_after_one_period})  # type: ignore[arg-type]
    assert await follower.catch_up(replay=True) == [next(iter(follower.entries))]
    await asyncio.gather(*stopping)
    assert [r.period for r in job.runs] == ["2026-05-04T08:10:00Z"]
    successor = JobScheduler(clock, db)
    successor.apply(config, {"weekly_digest": job})  # type: ignore[arg-type]
    await successor.catch_up(replay=True)
    assert [r.period for r in job.runs] == [
        "2026-05-04T08:10:00Z",
        "2026-05-04T08:20:00Z",
        "2026-05-04T08:30:00Z",
    ]
