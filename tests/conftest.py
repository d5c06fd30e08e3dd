"""Shared fixtures live in tests/fixtures/; see tests/README.md."""

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
