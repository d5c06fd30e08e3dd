"""/steward config on a deployment without config_source: the local file, and maintainers only."""

from __future__ import annotations

from bot.features import config_warnings
from tests.fixtures.chat import ChatFactory
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


async def test_config_lists_the_loaded_features_warnings(chat_factory: ChatFactory) -> None:
    quiet = "spotlight: {}\nschedules:\n  - {job: spotlight_publish, cron: '0 10 * * fri', enabled: false}\n"
    async with chat_factory(extra_yaml=quiet, maintainers=["mia"]) as chat:
        now = chat.clock.now()
        expected = config_warnings(chat.app.config, now)  # what start-up and check-config report
        assert any("spotlight_publish entry is disabled" in w for w in expected)
        assert chat.app.services.config_warnings(chat.app.config, now) == expected
        [shown] = await chat.command("mia", "/steward config")
        assert "every spotlight_publish entry is disabled" in shown.text
