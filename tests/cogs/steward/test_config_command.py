"""/steward config on a deployment without config_source: the local file, and maintainers only."""

from __future__ import annotations

from tests.fixtures.console import ConsoleRunner


async def test_config_shows_the_local_file_to_maintainers_only(run_console: ConsoleRunner) -> None:
    run = await run_console(["/steward config", ":as newcomer", "/steward config"])
    mine, theirs = run.output.split("newcomer> /steward config")
    assert "Running configuration" in mine and "local file" in mine and "steward.yaml" in mine
    assert "Warnings" in mine
    assert "Running configuration" not in theirs


async def test_config_in_chinese(run_console: ConsoleRunner) -> None:
    run = await run_console(["/steward config"], locale="zh-CN")
    assert "当前配置" in run.output and "本地文件" in run.output
