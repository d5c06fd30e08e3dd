"""The console's channel history: a file of the scheduled posts it showed, one JSON line each.

A terminal keeps no history a restarted bot could read, so the console writes every keyed post to
this file (one ``write`` on a file opened for appending, which a killed process either did or did
not do) as it prints it. Several instances may share the file; a new leader reads it to learn
whether a post it took over was already shown.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path


class PostJournal:
    """Appends keyed posts to ``path`` and finds them again by key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def record(self, key: str, channel: str, text: str) -> str:
        """Append the post; returns its reference (``console:<channel>:<key>``)."""
        with self.locked():
            return self.append(key, channel, text)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the file's exclusive lock: a find then an append inside is one step for every process.

        So two instances (a leader frozen mid-send that wakes up after its replacement sent the same
        post) cannot both show a post: the console's counterpart of Discord's nonce. The lock goes
        with the file descriptor, also when the process is killed. Callers in one process take turns
        first (the console adapter holds an asyncio lock around this).
        """
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def append(self, key: str, channel: str, text: str) -> str:
        """Append one post in a single ``write``; returns its reference (``console:<channel>:<key>``)."""
        entry = {"key": key, "channel": channel, "at": datetime.now(UTC).isoformat(), "text": text}
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
        return f"console:{channel}:{key}"

    def find(self, key: str) -> str | None:
        """The reference of the post recorded under ``key``, if any."""
        if not self.path.exists():
            return None
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue  # a line cut short by a crash of an older writer
                if entry.get("key") == key:
                    return f"console:{entry.get('channel')}:{key}"
        return None

    def keys(self) -> list[str]:
        """Every recorded key, in order (tests and operators count posts with it)."""
        if not self.path.exists():
            return []
        out = []
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    out.append(json.loads(line)["key"])
                except (ValueError, KeyError):
                    continue
        return out
