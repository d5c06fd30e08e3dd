"""A refused `/steward reload` says what is wrong and where in the file, never where the file lives."""

from __future__ import annotations

import io
from pathlib import Path

from bot.adapters.console import ConsoleAdapter
from bot.app import App
from bot.config import load_config_text
from bot.config.problems import ConfigProblem
from bot.core.clock import FakeClock
from bot.i18n import Catalog, catalog_directories
from cogs.steward.cog import shown_in_chat
from tests.fixtures.console import config_text


async def test_a_failed_reload_shows_no_server_path(tmp_path: Path, database_url: str) -> None:
    folder = tmp_path / "srv" / "steward-conf"
    folder.mkdir(parents=True)
    path = folder / "steward.yaml"
    path.write_text(config_text(database_url), encoding="utf-8")
    config = load_config_text(path.read_text(encoding="utf-8"), str(path), base_dir=folder)
    out = io.StringIO()
    console = ConsoleAdapter(
        Catalog(catalog_directories()), stdin=io.StringIO(), stdout=out, interactive=False, read_input=False
    )
    app = App(config, config_path=path, adapters=[console], console_operator="operator", clock=FakeClock())
    await app.start()
    try:
        path.write_text(path.read_text(encoding="utf-8") + "projcet: {}\n", encoding="utf-8")
        await console.handle_line("/steward reload")
    finally:
        await app.stop()
    shown = out.getvalue()
    assert "the running configuration stays in force" in shown
    assert "steward.yaml:" in shown and "projcet" in shown
    assert str(folder) not in shown and "steward-conf" not in shown


def test_paths_inside_messages_lose_their_directories() -> None:
    problem = ConfigProblem(
        "/etc/steward/steward.yaml",
        3,
        5,
        "github.private_key_path",
        "cannot read '/etc/steward/keys/app.pem'; see https://docs.example.org/a/b for acme/widgets",
    )
    assert shown_in_chat(problem) == (
        "steward.yaml:3:5: github.private_key_path: cannot read 'app.pem'; "
        "see https://docs.example.org/a/b for acme/widgets"
    )
