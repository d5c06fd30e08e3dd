"""Applies repository config versions on every instance: the leader fetches and decides, all follow.

A push webhook (received by any instance) or the leader's poll records a pending version in the
database. The leader fetches it once, validates it, and stores it accepted (with its content) or
refused, posting one notice to the maintainers' channel (the post log keys it by commit, so it is
posted once however many instances or retries). Every instance watches the database and applies the
newest accepted version, so all of them run the same one. GitHub being down leaves the version
pending, retried with a backoff until it is decided; the running config never changes meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.config import ConfigError, StewardConfig
from bot.config.sections.source import ConfigSourceConfig
from bot.config_source import versions
from bot.config_source.fetch import CommitInfo, FileRefused, RepoFile, RepoFileReader
from bot.config_source.models import ConfigVersion
from bot.config_source.notices import notice_for
from bot.config_source.pushes import touches_source
from bot.config_source.summary import describe_change
from bot.config_source.validate import Verdict, validate
from bot.github.client import GitHubClient
from bot.github.errors import GitHubError

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)
NOTICE_JOB = "config_source"
NOTICE_PURPOSE = "maintainers"
DEFAULT_WATCH_SECONDS = 5.0  # without config_source: how often reloads asked elsewhere are looked for


@dataclass(frozen=True)
class RunningVersion:
    """The version this instance runs (a detached copy of its row)."""

    id: int
    commit_sha: str | None
    commit_url: str | None
    pushed_by: str | None
    decided_at: Any
    warnings: tuple[str, ...]
    content: str


def _running(row: ConfigVersion) -> RunningVersion:
    assert row.id is not None and row.content is not None
    return RunningVersion(
        row.id,
        row.commit_sha,
        row.commit_url,
        row.pushed_by,
        row.decided_at,
        tuple(row.warnings),
        row.content,
    )


class ConfigSourceCoordinator:
    """One per instance; `tick` runs every `watch_interval`, the poll is the leader's scheduled job."""

    def __init__(self, app: App, source: ConfigSourceConfig | None, client: GitHubClient | None) -> None:
        self.app = app
        self._source = source
        self._reader = RepoFileReader(client, source) if source is not None and client is not None else None
        self.running: RunningVersion | None = None
        self._refused_locally: int | None = None  # an accepted version this host's bootstrap rejects
        self._seen_reload = 0
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()  # one decision at a time within this process

    @property
    def source(self) -> ConfigSourceConfig:
        assert self._source is not None, "no config_source: only reloads are followed"
        return self._source

    @property
    def reader(self) -> RepoFileReader:
        assert self._reader is not None, "no GitHub client for config_source"
        return self._reader

    @property
    def enabled(self) -> bool:
        """Whether a repository file is followed (else only reloads asked on other instances are)."""
        return self._reader is not None

    @property
    def bootstrap_file(self) -> Path | None:
        """The local (bootstrap) config file of this instance."""
        return self.app.bootstrap_path

    @property
    def _bootstrap(self) -> Path:
        path = self.app.bootstrap_path
        assert path is not None, "config_source needs the bootstrap file's path"
        return path

    @property
    def _db(self) -> Any:
        return self.app.db

    def _now(self) -> Any:
        return self.app.clock.now()

    # --- lifecycle ---------------------------------------------------------------------------------
    async def start(self) -> None:
        """Remember which version start-up applied and the newest reload, then watch the database."""
        if self.enabled:
            row = await self._db.run(versions.latest, self.source, "accepted")
            if row is not None and row.content is not None:
                self.running = _running(row)
        self._seen_reload = await self._db.run(versions.last_reload)
        self._task = asyncio.get_running_loop().create_task(self._watch(), name="config-source-watch")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _watch(self) -> None:
        interval = self._source.watch_interval.total_seconds() if self._source else DEFAULT_WATCH_SECONDS
        while True:
            await asyncio.sleep(interval)
            try:
                await self.tick()
            except Exception:  # a database or GitHub hiccup must not end the watch
                log.exception("config source: watching for new versions failed")

    async def tick(self) -> None:
        """Decide pending versions (leader), apply a newer accepted one, follow reloads asked elsewhere."""
        if self.enabled:
            if self.app.leader.is_leader:
                await self.decide_pending()
                await self._notify_latest()
            await self.follow()
        newest_reload = await self._db.run(versions.last_reload)
        if newest_reload > self._seen_reload:
            self._seen_reload = newest_reload
            await self.app.reloads.here()

    # --- inputs ----------------------------------------------------------------------------------
    async def on_webhook(self, event: str, payload: dict[str, Any]) -> None:
        """A push to the source branch that touches the file records a pending version."""
        if event != "push" or not self.enabled or not touches_source(payload, self.source):
            return
        sender = (payload.get("sender") or {}).get("login")
        head = payload.get("head_commit") or {}
        row = await self._db.run(
            versions.add_pending,
            self.source,
            self._now(),
            "push",
            str(payload.get("after")),
            sender,
            head.get("url") or payload.get("compare"),
        )
        if row is not None:
            log.info("config source: push %s by %s recorded", str(payload.get("after"))[:7], sender)
        if self.app.leader.is_leader:
            await self.decide_pending()
            await self.follow()

    async def poll(self) -> None:
        """The `config_source_poll` job: a conditional read of the branch head (a 304 costs nothing)."""
        try:
            found = await self.reader.read(self.source.ref, conditional=True)
        except FileRefused as exc:
            log.warning("config source poll: %s", exc.reason)
            return
        if found is None:
            return
        known = await self._db.run(versions.newest_known, self.source)
        if known is not None and known.blob_sha == found.blob_sha:
            return
        commit = await self.reader.last_commit(self.source.ref)
        await self._db.run(
            versions.add_pending,
            self.source,
            self._now(),
            "poll",
            commit.sha if commit else None,
            commit.author if commit else None,
            commit.url if commit else None,
        )
        await self.decide_pending()
        await self.follow()

    def broadcast_reload(self) -> None:
        """A reload here: every other instance re-reads its files, and the leader re-reads the branch head
        (blocking database writes: SIGHUP and /steward reload call this synchronously)."""
        self._seen_reload = self._db.call(
            versions.record_reload, self.app.services.poster.instance_id, self._now()
        )
        if self.enabled:
            self._db.call(versions.add_pending, self.source, self._now(), "reload")

    # --- the leader's decision ---------------------------------------------------------------------
    async def decide_pending(self) -> None:
        async with self._lock:
            row = await self._db.run(versions.take_pending, self.source, self._now())
            if row is None:
                return
            try:
                commit, found = await self._fetch(row)
            except FileRefused as exc:
                await self._decide(row, None, None, Verdict(None), [exc.reason])
                return
            except GitHubError as exc:
                log.warning(
                    "config source: GitHub unavailable for %s, retrying later: %s", row.commit_sha, exc
                )
                await self._db.run(versions.retry_later, row.id, self._now(), f"GitHub: {exc}")
                return
            verdict = await asyncio.to_thread(validate, self._bootstrap, found.text, self.source, self._now())
            await self._decide(row, commit, found, verdict, [str(p) for p in verdict.problems])

    async def _fetch(self, row: ConfigVersion) -> tuple[CommitInfo, RepoFile]:
        sha = row.commit_sha
        commit = CommitInfo(sha, row.pushed_by, row.commit_url) if sha else None
        if commit is None:
            commit = await self.reader.last_commit(self.source.ref)
            if commit is None:
                raise FileRefused(
                    f"{self.source.path} does not exist at {self.source.ref} in {self.source.repo}"
                )
        found = await self.reader.read(commit.sha)
        assert found is not None
        return commit, found

    async def _decide(
        self,
        row: ConfigVersion,
        commit: CommitInfo | None,
        found: RepoFile | None,
        verdict: Verdict,
        problems: list[str],
    ) -> None:
        now = self._now()
        unchanged = found is not None and self.running is not None and found.text == self.running.content
        changes = describe_change(self.app.config, verdict.config) if verdict.config is not None else []
        # Re-reading what already runs (a reload, a force push back) is no new version: no notice.
        status = "superseded" if unchanged else ("accepted" if verdict.accepted else "refused")
        decision = versions.Decision(commit, found, status, problems, list(verdict.warnings), changes, now)
        decided = await self._db.run(versions.record_decision, row.id, decision)
        if unchanged:
            return
        log.info("config source: version %s %s", decided.commit_sha, decided.status)
        await self.notify(decided)

    async def notify(self, version: ConfigVersion) -> None:
        """Post the maintainers' notice of a decided version, once (the post log keys it by commit)."""
        locale = self.app.config.project.locale

        def t(key: str, **params: Any) -> str:
            return self.app.catalog.translate(locale, key, **params)

        message = notice_for(t, locale, version)
        period = f"{version.status}-{version.commit_sha or version.id}"
        await self.app.services.poster.post_once(NOTICE_JOB, period, NOTICE_PURPOSE, message)

    async def _notify_latest(self) -> None:
        """The newest decision's notice if it was never sent (the leader died in between, or the post
        failed); the post log makes this a no-op once it went out."""
        row = await self._db.run(versions.newest_decided, self.source)
        if row is not None and row.trigger != "start":
            await self.notify(row)

    # --- every instance ----------------------------------------------------------------------------
    async def follow(self) -> None:
        """Apply the newest accepted version when it is not the one running here."""
        row = await self._db.run(versions.latest, self.source, "accepted")
        if (
            row is None
            or row.content is None
            or row.id in (self._refused_locally, getattr(self.running, "id", None))
        ):
            return
        verdict = await asyncio.to_thread(validate, self._bootstrap, row.content, self.source, self._now())
        if verdict.config is None:
            # Accepted by the leader, refused over this host's bootstrap file: keep running, say so once.
            self._refused_locally = row.id
            log.error("config version %s does not fit this instance's bootstrap file:\n%s", row.commit_sha,
                      "\n".join(str(p) for p in verdict.problems))  # fmt: skip
            return
        self.running = _running(row)
        restart = self.app.reloads.apply(verdict.config)
        log.info(
            "config version %s applied%s", row.commit_sha, f"; needs a restart: {restart}" if restart else ""
        )

    def reread(self) -> StewardConfig | None:
        """The running repository file over this host's bootstrap file, read again now (a reload);
        None when no repository version runs (the bootstrap file alone is the config)."""
        if not self.enabled or self.running is None:
            return None
        verdict = validate(self._bootstrap, self.running.content, self.source, self._now())
        if verdict.config is None:
            raise ConfigError(verdict.problems)
        return verdict.config

    async def pending(self) -> ConfigVersion | None:
        """The version waiting to be decided, for /steward config and status."""
        return await self._db.run(versions.latest, self.source, "pending")
