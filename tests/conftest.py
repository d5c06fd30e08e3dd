"""Shared fixtures live in tests/fixtures/; see tests/README.md."""

import bot.features  # noqa: F401  # the composition root installs the features every config is loaded with

pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.shared",
    "tests.fixtures.console",
    "tests.fixtures.chat",
    "tests.fixtures.chat_slack",
    "tests.fixtures.chat_discord",
    "tests.fixtures.github",
    "tests.fixtures.github_app",
    "tests.fixtures.demo",
]
