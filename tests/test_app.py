"""The composition root: cogs wired, catalog keys present, reload keeps a good config."""

from __future__ import annotations

from pathlib import Path

from bot.app import App
from bot.config import load_config_text
from bot.core.commands import OptionType
from bot.core.permissions import maintainer_policy
from tests.fixtures.console import ConsoleRunner, config_text


def _app(tmp_path: Path, database_url: str, extra: str = "") -> App:
    path = tmp_path / "steward.yaml"
    path.write_text(config_text(database_url, extra), encoding="utf-8")
    return App(
        load_config_text(path.read_text(encoding="utf-8"), str(path), base_dir=tmp_path), config_path=path
    )


def test_every_command_text_is_in_the_catalog(tmp_path: Path, database_url: str) -> None:
    app = _app(tmp_path, database_url)
    for cmd in app.registry:
        for locale in ("en", "zh-CN"):
            assert app.catalog.has(cmd.description, locale), (cmd.name, locale)
            for opt in cmd.options:
                assert app.catalog.has(opt.description, locale), (cmd.name, opt.name, locale)
                if opt.type is OptionType.STRING and opt.autocomplete:
                    assert opt.autocomplete in app.registry.autocompleters


async def test_reload_keeps_running_config_on_error(run_console: ConsoleRunner, tmp_path: Path) -> None:
    run = await run_console(["/steward reload"])
    assert "Configuration reloaded." in run.output
    app = run.app
    assert app.config_path is not None
    app.config_path.write_text(app.config_path.read_text() + "projcet: {}\n", encoding="utf-8")
    problems = await app.reloads.reload()
    assert len(problems) == 1 and "projcet" in str(problems[0]) and ":10:1:" in str(problems[0])
    assert app.config.project.name == "Demo Project"


async def test_reload_applies_a_valid_file(run_console: ConsoleRunner) -> None:
    run = await run_console([])
    app = run.app
    assert app.config_path is not None
    app.config_path.write_text(
        app.config_path.read_text().replace("Demo Project", "Renamed"), encoding="utf-8"
    )
    assert await app.reloads.reload() == []
    assert app.config.project.name == "Renamed"


def test_maintainer_policy_from_config(tmp_path: Path, database_url: str) -> None:
    extra = (
        "maintainers:\n  - {name: Ada, github: AdaL, discord: 42, console: ada}\n  - {slack: U9}\n"
        "discord:\n  token: x\n  maintainer_role_ids: [7]\n"
        "slack:\n  bot_token: x\n  app_token: y\n  maintainer_usergroup_ids: [S1]\n"
    )
    config = load_config_text(config_text(database_url, extra), "t.yaml", base_dir=tmp_path)
    policy = maintainer_policy(config, console_operator="root")
    assert policy.is_maintainer("discord", "42")
    assert policy.is_maintainer("discord", "1", roles=["7"])
    assert not policy.is_maintainer("discord", "1", roles=["8"])
    assert policy.is_maintainer("slack", "U9")
    assert policy.is_maintainer("slack", "U1", roles=["S1"])
    assert policy.is_maintainer("github", "x", github_login="adal")
    assert policy.is_maintainer("console", "root", name="root")
    assert policy.is_maintainer("console", "ada", name="Ada")
    assert not policy.is_maintainer("slack", "root", name="root")
