"""`/onboard paths` shows each path's id, and `/onboard start` takes the id or the title in any case,
on every platform."""

from __future__ import annotations

import re

from tests.fixtures.chat import ChatFactory

PATHS = """onboarding:
  paths:
    - id: kernels
      title: {en: GPU kernels, zh-CN: GPU 内核}
      steps:
        - {id: build-locally, title: Build locally}
    - id: docs
      title: Docs and examples
      steps:
        - {id: fix-typo, title: Fix a typo}
"""


def _text(replies: list[object]) -> str:
    return "\n".join(getattr(r, "text", "") for r in replies)


async def test_paths_show_ids_and_start_takes_id_or_title(chat_factory: ChatFactory) -> None:
    async with chat_factory(extra_yaml=PATHS) as chat:
        listing = _text(await chat.command("alice", "/onboard paths"))
        assert re.search(r"GPU kernels\W+\(\W*kernels\W*\)", listing), listing
        assert re.search(r"Docs and examples\W+\(\W*docs\W*\)", listing), listing

        started = _text(await chat.command("alice", '/onboard start "gpu KERNELS"'))
        assert "You're on the path 'GPU kernels'" in started
        started = _text(await chat.command("bob", "/onboard start DOCS"))
        assert "You're on the path 'Docs and examples'" in started
        started = _text(await chat.command("carol", '/onboard start "GPU 内核"'))
        assert "You're on the path 'GPU kernels'" in started

        refused = _text(await chat.command("dan", '/onboard start "GPU"'))
        assert "There is no onboarding path 'GPU'" in refused
