"""Instances of the real App sharing one database, their config in a repository on the fake GitHub."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import select

from bot.adapters.console import ConsoleAdapter
from bot.app import App
from bot.config import load_config
from bot.config_source.models import ConfigVersion
from bot.config_source.startup import startup_config
from bot.core.clock import FakeClock
from bot.i18n import Catalog, catalog_directories
from tests.fakes.github import FakeGitHub
from tests.fixtures.console import config_text
from tests.fixtures.github import FAKE_TOKEN, deliver_webhook

SECRET = "config-source-webhook-secret"
REPO = "acme/community"
PATH = ".github/steward.yaml"
VALID = """project:
  name: Acme
maintainers:
  - github: alice
    console: operator
"""


def bootstrap_text(fake: FakeGitHub, database_url: str, extra: str = "") -> str:
    """The local file: secrets, database, server, and where the repository file is."""
    section = (
        f"github:\n  token: {FAKE_TOKEN}\n  api_url: {fake.base_url}\n  webhook_secret: {SECRET}\n"
        f"  rate_limit_reserve: 10\nconfig_source:\n  repo: {REPO}\n  watch_interval: 1s\n{extra}"
    )
    return config_text(database_url, section)


@dataclass
class Instance:
    """One running app and the console its posts go to."""

    app: App
    console: ConsoleAdapter

    async def command(self, line: str, user: str = "operator") -> str:
        """Type ``line`` on this instance's console; the text of what it answered."""
        start = len(self.console.transcript)
        self.console.current = user
        await self.console.handle_line(line)
        return "\n".join(r.text for r in self.console.transcript[start:])

    def posts(self, channel: str = "maintainers") -> list[str]:
        return [r.text for r in self.console.transcript if r.kind == "post" and r.target == channel]


@dataclass
class Cluster:
    """Instances of one deployment (one bootstrap file, one database)."""

    fake: FakeGitHub
    path: Path
    clock: FakeClock
    instances: list[Instance] = field(default_factory=list)

    async def push(
        self,
        to: int,
        before: str,
        after: str,
        pusher: str = "alice",
        forced: bool = False,
        delivery: str = "",
    ) -> None:
        from tests.fakes.github.webhook_payloads import push_payload

        payload = push_payload(self.fake, REPO, "main", before, after, pusher, forced=forced)
        app = self.instances[to].app
        await deliver_webhook(app.http.port, SECRET, "push", payload, delivery or f"push-{after}")
        webhooks = app.services.github.webhooks
        await webhooks.drain()

    def notices(self, needle: str) -> list[str]:
        return [p for i in self.instances for p in i.posts() if needle in p]

    def versions(self) -> list[ConfigVersion]:
        app = self.instances[0].app
        return list(app.db.call(lambda s: list(s.exec(select(ConfigVersion).order_by(ConfigVersion.id)))))

    async def start_instance(self) -> Instance:
        console = ConsoleAdapter(Catalog(catalog_directories()), stdout=io.StringIO(), read_input=False)
        config = startup_config(load_config(self.path), self.path, self.clock)
        app = App(
            config, config_path=self.path, adapters=[console], clock=self.clock, console_operator="operator"
        )
        await app.start()
        instance = Instance(app, console)
        self.instances.append(instance)
        return instance


@asynccontextmanager
async def cluster(
    fake: FakeGitHub, database_url: str, tmp_path: Path, count: int, extra: str = ""
) -> AsyncIterator[Cluster]:
    """``count`` instances started one after the other (the first one reads the repository)."""
    path = tmp_path / "steward.yaml"
    path.write_text(bootstrap_text(fake, database_url, extra), encoding="utf-8")
    group = Cluster(fake, path, FakeClock())
    try:
        for _ in range(count):
            await group.start_instance()
        yield group
    finally:
        for instance in group.instances:
            await instance.app.stop()
