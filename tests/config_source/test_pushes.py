"""Which pushes make the leader read the repository config file again."""

from __future__ import annotations

from typing import Any

import pytest

from bot.config.sections.source import ConfigSourceConfig
from bot.config_source.pushes import LISTED_COMMITS, touches_source

SOURCE = ConfigSourceConfig(repo="Acme/Community", path="steward.yaml", ref="main")


def _push(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "ref": "refs/heads/main",
        "after": "b" * 40,
        "repository": {"full_name": "acme/community"},  # GitHub's names are case-insensitive
        "commits": [{"added": [], "modified": ["steward.yaml"], "removed": []}],
    }
    payload.update(changes)
    return payload


def test_a_push_that_changes_the_file_counts() -> None:
    assert touches_source(_push(), SOURCE)


@pytest.mark.parametrize("key", ["added", "modified", "removed"])
def test_the_file_added_changed_or_removed_counts(key: str) -> None:
    commits = [{"added": [], "modified": ["README.md"], "removed": []}, {key: ["steward.yaml"]}]
    assert touches_source(_push(commits=commits), SOURCE)


@pytest.mark.parametrize(
    "changes",
    [
        {"commits": [{"modified": ["README.md", "docs/steward.yaml"]}]},  # another file of that name
        {"ref": "refs/heads/feature"},
        {"ref": "refs/tags/main"},
        {"repository": {"full_name": "acme/other"}},
        {"deleted": True, "after": "0" * 40},
        {"after": None},
    ],
)
def test_other_pushes_do_not(changes: dict[str, Any]) -> None:
    assert not touches_source(_push(**changes), SOURCE)


def test_a_force_push_or_a_long_one_is_read_whatever_it_lists() -> None:
    unrelated = [{"modified": ["README.md"]}]
    assert touches_source(_push(forced=True, commits=unrelated), SOURCE)
    assert touches_source(_push(commits=unrelated * LISTED_COMMITS), SOURCE)
    assert not touches_source(_push(commits=unrelated * (LISTED_COMMITS - 1)), SOURCE)
