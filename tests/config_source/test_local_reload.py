"""Without config_source, a reload on one instance reaches the others through the database."""

from __future__ import annotations

import io
from pathlib import Path

from bot.adapters.console import ConsoleAdapter
from bot.app import App
from bot.config import load_config
from bot.core.clock import FakeClock
from bot.i18n import Catalog, catalog_directories
from tests.fixtures.console import config_text
from tests.fixtures.waiting import eventually


async def test_local_file_reload_applies_on_every_instance(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "steward.yaml"
    path.write_text(config_text(database_url), encoding="utf-8")
    clock = FakeClock()
    apps = []
    try:
        for _ in range(2):
            console = ConsoleAdapter(Catalog(catalog_directories()), stdout=io.StringIO(), read_input=False)
            app = App(load_config(path), config_path=path, adapters=[console], clock=clock)
            await app.start()
            apps.append(app)
        path.write_text(config_text(database_url).replace("Demo Project", "Renamed"), encoding="utf-8")
        assert await apps[0].reloads.reload() == []  # SIGHUP and /steward reload on the first instance
        assert apps[0].config.project.name == "Renamed"
        await eventually(lambda: apps[1].config.project.name == "Renamed", "the other instance reloading")
    finally:
        for app in apps:
            await app.stop()
