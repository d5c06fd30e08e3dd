"""Which push webhooks concern the repository config file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.config.sections.source import ConfigSourceConfig

# GitHub lists at most this many commits in a push payload; with more, the file may have changed.
LISTED_COMMITS = 20


def touches_source(payload: Mapping[str, Any], source: ConfigSourceConfig) -> bool:
    """Whether a push to ``source``'s branch may have changed its file (a branch deletion never does)."""
    repo = str((payload.get("repository") or {}).get("full_name") or "")
    if repo.lower() != source.repo.lower() or payload.get("ref") != f"refs/heads/{source.ref}":
        return False
    if payload.get("deleted") or not payload.get("after"):
        return False
    commits = payload.get("commits") or []
    # After a force push the listed commits don't say what changed against the old head, and a long
    # push lists only some: in both cases the file is read, and an unchanged one is a no-op.
    if payload.get("forced") or len(commits) >= LISTED_COMMITS:
        return True
    touched = {p for c in commits for key in ("added", "modified", "removed") for p in c.get(key) or []}
    return source.path in touched
