"""An in-memory GitHubPort that records what a feature asks of GitHub (shared by the cogs' tests).

It keeps the port's contract: writes are queued with a dedupe key (the same key is queued once)
and their outcomes arrive later, on the bus, as GitHubActionDone / GitHubActionFailed when the
test calls :meth:`RecordingGitHub.deliver` (standing in for the outbox worker). End-to-end tests of
the real layer use the loopback fake GitHub instead (tests/cogs/*/test_real_github.py and similar).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.core.events import EventBus
from bot.core.github_events import GitHubActionDone, GitHubActionFailed
from bot.core.github_port import Contribution
from tests.fakes.github.no_device_flow import NoDeviceFlow


@dataclass
class QueuedWrite:
    """One write the board queued."""

    id: int
    kind: str  # comment | assign | unassign | add_labels
    repo: str
    number: int
    payload: str
    requested_by: int | None
    dedupe_key: str | None
    context: dict[str, str]
    delivered: bool = False


@dataclass
class RecordingGitHub(NoDeviceFlow):
    """GitHubPort double: users with bios and gists, who may be assigned, and every queued write."""

    bios: dict[str, str] = field(default_factory=dict)
    gists: dict[str, list[str]] = field(default_factory=dict)
    assignable: set[str] | None = None  # None: anyone may be assigned
    unreachable: bool = False
    writes: list[QueuedWrite] = field(default_factory=list)

    def _queue(
        self,
        kind: str,
        repo: str,
        number: int,
        payload: str,
        requested_by: int | None,
        dedupe_key: str | None,
        context: Mapping[str, str] | None,
    ) -> int:
        for w in self.writes:
            if dedupe_key is not None and w.dedupe_key == dedupe_key:
                return w.id
        write = QueuedWrite(
            len(self.writes) + 1, kind, repo, number, payload, requested_by, dedupe_key, dict(context or {})
        )
        self.writes.append(write)
        return write.id

    async def comment(
        self,
        repo: str,
        number: int,
        body: str,
        *,
        requested_by: int | None = None,
        dedupe_key: str | None = None,
        context: Mapping[str, str] | None = None,
    ) -> int:
        return self._queue("comment", repo, number, body, requested_by, dedupe_key, context)

    async def assign(
        self,
        repo: str,
        number: int,
        login: str,
        *,
        requested_by: int | None = None,
        dedupe_key: str | None = None,
        context: Mapping[str, str] | None = None,
    ) -> int:
        return self._queue("assign", repo, number, login, requested_by, dedupe_key, context)

    async def unassign(
        self,
        repo: str,
        number: int,
        login: str,
        *,
        requested_by: int | None = None,
        dedupe_key: str | None = None,
        context: Mapping[str, str] | None = None,
    ) -> int:
        return self._queue("unassign", repo, number, login, requested_by, dedupe_key, context)

    async def add_labels(
        self,
        repo: str,
        number: int,
        labels: list[str],
        *,
        requested_by: int | None = None,
        dedupe_key: str | None = None,
        context: Mapping[str, str] | None = None,
    ) -> int:
        return self._queue("add_labels", repo, number, ",".join(labels), requested_by, dedupe_key, context)

    def is_bot(self, login: str) -> bool:
        return login.lower().endswith("[bot]")

    async def is_maintainer(self, login: str, repo: str | None = None) -> bool:
        return False

    async def contribution(self, login: str) -> Contribution:
        return Contribution(login, None, 0, ())

    async def user_bio(self, login: str) -> str | None:
        if self.unreachable:
            raise ConnectionError("api.github.com unreachable")
        for known, bio in self.bios.items():
            if known.lower() == login.lower():
                return bio
        return None

    async def public_gist_texts(self, login: str, limit: int = 10) -> list[str]:
        if self.unreachable:
            raise ConnectionError("api.github.com unreachable")
        return self.gists.get(login, [])[:limit]

    def of_kind(self, kind: str) -> list[QueuedWrite]:
        return [w for w in self.writes if w.kind == kind]

    async def deliver(self, bus: EventBus) -> None:
        """Play the outbox worker: perform queued writes and publish their outcomes."""
        for w in self.writes:
            if w.delivered:
                continue
            w.delivered = True
            refused = w.kind == "assign" and self.assignable is not None and w.payload not in self.assignable
            if refused:
                await bus.publish(
                    GitHubActionFailed(
                        w.id,
                        w.kind,
                        w.repo,
                        w.number,
                        "422: user cannot be assigned",
                        w.requested_by,
                        w.context,
                    )
                )
            else:
                await bus.publish(GitHubActionDone(w.id, w.kind, w.repo, w.number, w.requested_by, w.context))
