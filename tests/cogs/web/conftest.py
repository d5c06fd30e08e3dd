"""Fixtures of the public pages' tests: a started app (console adapter, real database, HTTP on a free
port) with the features whose pages are served, and an HTTP client that reads them like a browser."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.fakes.github.port_double import RecordingGitHub
from tests.fixtures.chat import ChatDriver, console_chat

REPO = "acme/widgets"
DOCS = "acme/docs"
SITE_YAML = f"""github:
  repos: [{REPO}, {{name: {DOCS}, newcomer_labels: [快乐开源]}}]
good_first_issues:
  areas: {{"area/docs": docs, "area/core": core}}
  difficulty: {{"difficulty/easy": easy}}
  priority_label: priority
web:
  page_size: 5
  render_cache: 0  # tests change data and read the page at once (the clock does not move)
  claim_links:
    discord: https://discord.com/channels/1/2
"""


@dataclass
class Site:
    """The running app and a client for its pages."""

    chat: ChatDriver
    http: aiohttp.ClientSession

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.chat.app.http.port}"

    async def get(self, path: str, **headers: str) -> tuple[int, str, Any]:
        """GET ``path``: status, body text and headers."""
        async with self.http.get(self.base + path, headers=headers) as response:
            return response.status, await response.text(), response.headers


SiteFactory = Callable[..., AbstractAsyncContextManager[Site]]


@pytest.fixture
def site_factory(database_url: str, tmp_path: Path) -> SiteFactory:
    """``async with site_factory(extra_yaml=..., maintainers=[...]) as site``: a served site."""

    @asynccontextmanager
    async def make(extra_yaml: str = SITE_YAML, **kwargs: Any) -> AsyncIterator[Site]:
        kwargs.setdefault("github", RecordingGitHub())  # the GitHub layer's double: no network
        async with console_chat(database_url, tmp_path, extra_yaml=extra_yaml, **kwargs) as chat:
            async with aiohttp.ClientSession() as http:
                yield Site(chat, http)

    return make
