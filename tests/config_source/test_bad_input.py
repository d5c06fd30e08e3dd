"""GitHub down at a push, force pushes, a missing file, the poll as safety net, reloads everywhere."""

from __future__ import annotations

from pathlib import Path

from bot.config_source.status import config_source_report, describe_config_source
from tests.config_source.harness import PATH, REPO, SECRET, VALID, cluster
from tests.fakes.github import FakeGitHub
from tests.fixtures.waiting import eventually

V2 = VALID.replace("name: Acme", "name: Acme Two")


async def test_github_down_when_a_push_arrives_keeps_it_pending_until_applied(
    fake_github: FakeGitHub, database_url: str, tmp_path: Path
) -> None:
    first = fake_github.git.commit(REPO, {PATH: VALID})
    async with cluster(fake_github, database_url, tmp_path, 2) as group:
        second = fake_github.git.commit(REPO, {PATH: V2}, author="bob")
        fake_github.fail_next(502, count=1000, path_prefix=f"/repos/{REPO}/contents")
        leader = next(i for i in group.instances if i.app.leader.is_leader)
        await group.push(group.instances.index(leader), first, second, pusher="bob")
        app = leader.app
        report = app.db.call(lambda s: config_source_report(s, app.config))
        assert report["pending"]["sha"] == second and report["pending"]["attempts"] == 1
        assert "PENDING" in describe_config_source(report) and "502" in describe_config_source(report)
        shown = await leader.command("/steward config")
        assert "Pending" in shown and second[:7] in shown
        assert [i.app.config.project.name for i in group.instances] == ["Acme", "Acme"]

        fake_github.faults.clear()  # GitHub is back
        group.clock.advance(seconds=10)  # past the retry backoff
        await eventually(
            lambda: all(i.app.config.project.name == "Acme Two" for i in group.instances),
            "the retried version",
        )
        report = app.db.call(lambda s: config_source_report(s, app.config))
        assert report["pending"] is None and report["running"]["sha"] == second


async def test_force_push_back_to_an_earlier_commit_runs_it_again(
    fake_github: FakeGitHub, database_url: str, tmp_path: Path
) -> None:
    first = fake_github.git.commit(REPO, {PATH: VALID})
    async with cluster(fake_github, database_url, tmp_path, 1) as group:
        app = group.instances[0].app
        second = fake_github.git.commit(REPO, {PATH: V2})
        await group.push(0, first, second)
        assert app.config.project.name == "Acme Two"
        fake_github.git.force_push(REPO, "main", first)
        await group.push(0, second, first, forced=True)
        assert app.config.project.name == "Acme"
        assert app.config_source.running.commit_sha == first


async def test_missing_file_at_start_and_a_push_deleting_it(
    fake_github: FakeGitHub, database_url: str, tmp_path: Path
) -> None:
    first = fake_github.git.commit(REPO, {"README.md": "no config yet"})
    async with cluster(fake_github, database_url, tmp_path, 1) as group:
        app = group.instances[0].app
        assert app.config.project.name == "Demo Project"  # the bootstrap file alone
        second = fake_github.git.commit(REPO, {PATH: VALID}, author="alice")
        await group.push(0, first, second)
        assert app.config.project.name == "Acme"
        third = fake_github.git.commit(REPO, {PATH: None}, author="mallory")
        await group.push(0, second, third, pusher="mallory")
        [notice] = group.notices("Configuration change refused")
        assert "does not exist" in notice and third[:7] in notice
        assert app.config.project.name == "Acme"


async def test_poll_is_the_safety_net_and_costs_nothing_when_unchanged(
    fake_github: FakeGitHub, database_url: str, tmp_path: Path
) -> None:
    fake_github.git.commit(REPO, {PATH: VALID})
    async with cluster(fake_github, database_url, tmp_path, 1) as group:
        app = group.instances[0].app
        fake_github.git.commit(REPO, {PATH: V2}, author="bob")  # merged while no webhook arrives
        await app.scheduler.run_job_now("config_source_poll")
        assert app.config.project.name == "Acme Two"
        assert app.config_source.running.pushed_by == "bob"
        fake_github.reset_counters()
        await app.scheduler.run_job_now("config_source_poll")
        [read] = fake_github.requests("GET", f"/repos/{REPO}/contents")
        assert read.status == 304 and not read.charged
        assert len(group.notices("Configuration updated")) == 1


async def test_reload_reaches_every_instance_and_rereads_the_webhook_secret(
    fake_github: FakeGitHub, database_url: str, tmp_path: Path
) -> None:
    fake_github.git.commit(REPO, {PATH: VALID})
    async with cluster(fake_github, database_url, tmp_path, 2) as group:
        text = group.path.read_text(encoding="utf-8")
        text = text.replace(SECRET, "rotated-secret").replace("port: 0", "port: 0\n  host: 127.0.0.2")
        group.path.write_text(text.replace("http:\n  host: 127.0.0.1\n", "http:\n"), encoding="utf-8")
        answer = await group.instances[0].command("/steward reload")
        assert "Configuration reloaded." in answer and "http" in answer  # the server moves only on restart
        await eventually(
            lambda: all(i.app.services.github.webhooks.secret == "rotated-secret" for i in group.instances),
            "the new webhook secret on every instance",
        )
        assert all(i.app.config.project.name == "Acme" for i in group.instances)  # the repo file still merged
