"""Merge -> every instance runs the new version within seconds, one notice; a bad merge is refused once."""

from __future__ import annotations

from pathlib import Path

from tests.config_source.harness import PATH, REPO, VALID, cluster
from tests.fakes.github import FakeGitHub
from tests.fixtures.waiting import eventually

V2 = """project:
  name: Acme Two
maintainers:
  - github: alice
    console: operator
  - github: bob
"""
BROKEN = """project:
  name: Acme Three
oncall:
  rotations:
    - name: triage
      members: [alice]
      shift_length: soon
"""


async def test_three_instances_follow_a_merge_and_refuse_a_bad_one(
    fake_github: FakeGitHub, database_url: str, tmp_path: Path
) -> None:
    first = fake_github.git.commit(REPO, {PATH: VALID}, author="alice")
    async with cluster(fake_github, database_url, tmp_path, 3) as group:
        assert [i.app.config.project.name for i in group.instances] == ["Acme"] * 3
        assert [v.status for v in group.versions()] == ["accepted"]

        second = fake_github.git.commit(REPO, {PATH: V2}, author="bob", message="Add bob")
        await group.push(2, first, second, pusher="carol")
        await eventually(
            lambda: all(i.app.config.project.name == "Acme Two" for i in group.instances),
            "every instance on the merged version",
        )
        assert all(i.app.config_source.running.commit_sha == second for i in group.instances)
        notices = await eventually(lambda: group.notices("Configuration updated"), "the maintainers' notice")
        assert len(notices) == 1
        assert second[:7] in notices[0] and "carol" in notices[0] and "Adds maintainer bob." in notices[0]

        third = fake_github.git.commit(REPO, {PATH: BROKEN}, author="dave", message="Break it")
        await group.push(0, second, third, pusher="dave")
        refused = await eventually(
            lambda: group.notices("Configuration change refused"), "the refusal notice"
        )
        # The same push again through a second webhook (another delivery id) at another instance.
        await group.push(1, second, third, pusher="dave", delivery="second-hook")
        for instance in group.instances:
            await instance.app.config_source.tick()
        assert len(group.notices("Configuration change refused")) == 1
        assert third[:7] in refused[0] and f"{REPO}:{PATH}:7:" in refused[0] and "shift_length" in refused[0]
        assert [i.app.config.project.name for i in group.instances] == ["Acme Two"] * 3
        assert [v.status for v in group.versions()] == ["accepted", "accepted", "refused"]


async def test_notice_not_posted_before_a_crash_is_posted_by_the_next_tick(
    fake_github: FakeGitHub, database_url: str, tmp_path: Path
) -> None:
    first = fake_github.git.commit(REPO, {PATH: VALID}, author="alice")
    async with cluster(fake_github, database_url, tmp_path, 1) as group:
        instance = group.instances[0]
        adapters, instance.app.adapters = instance.app.adapters, []  # nowhere to post: as if killed before
        second = fake_github.git.commit(REPO, {PATH: V2}, author="bob")
        await group.push(0, first, second, pusher="bob")
        assert instance.app.config.project.name == "Acme Two" and group.notices("Configuration") == []
        instance.app.adapters = adapters
        await instance.app.config_source.tick()
        await instance.app.config_source.tick()
        [notice] = group.notices("Configuration updated")
        assert "Adds maintainer bob." in notice
