"""Start-up with config_source: run the version the database says is accepted, or read it from GitHub.

Cogs and adapters are built from the config an app starts with, so the repository file must be
merged in before the app exists. The database is the source of truth once any instance accepted a
version (all instances then start on the same one); the very first start reads the branch head.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlmodel import Session

from bot.config import StewardConfig
from bot.config_source import versions
from bot.config_source.fetch import FileRefused, RepoFileReader
from bot.config_source.models import ConfigVersion
from bot.config_source.validate import Verdict, validate
from bot.core.clock import Clock, SystemClock
from bot.db import migrate
from bot.db.database import Database
from bot.github.client import GitHubClient
from bot.github.errors import GitHubError

log = logging.getLogger(__name__)


def startup_config(bootstrap: StewardConfig, path: Path | None, clock: Clock | None = None) -> StewardConfig:
    """The config to start with: ``bootstrap`` merged with the accepted repository version, if any."""
    source = bootstrap.config_source
    if source is None or path is None or bootstrap.github is None:
        return bootstrap
    clock = clock or SystemClock()
    url = bootstrap.database_url()
    migrate.upgrade(url)
    db = Database(url)
    try:
        row = db.call(versions.latest, source, "accepted")
        if row is not None and row.content is not None:
            verdict = validate(path, row.content, source, clock.now())
            if verdict.config is not None:
                return verdict.config
            log.error("the accepted config version %s does not fit this bootstrap file:\n%s",
                      row.commit_sha, "\n".join(map(str, verdict.problems)))  # fmt: skip
            return bootstrap
        return _first_read(bootstrap, path, db, clock) or bootstrap
    finally:
        db.dispose()


def _first_read(bootstrap: StewardConfig, path: Path, db: Database, clock: Clock) -> StewardConfig | None:
    source = bootstrap.config_source
    assert source is not None and bootstrap.github is not None
    client = GitHubClient(bootstrap.github, clock)
    reader = RepoFileReader(client, source)
    try:
        commit = reader.last_commit_sync(source.ref)
        if commit is None:
            raise FileRefused(f"{source.path} does not exist at {source.ref} in {source.repo}")
        found = reader.read_sync(commit.sha)
    except (FileRefused, GitHubError) as exc:
        # The bot still starts, on the bootstrap file alone; the poll picks the file up later.
        log.error(
            "config source: cannot read %s at start-up (%s); running on the bootstrap file", source.repo, exc
        )
        return None
    finally:
        client.close()
    verdict = validate(path, found.text, source, clock.now())
    row = db.call(versions.add_pending, source, clock.now(), "start", commit.sha, commit.author, commit.url)
    if row is None:
        return verdict.config
    # Several instances starting together may each store it; they store the same commit and content.
    db.call(_decide, row.id, found.text, found.blob_sha, verdict, clock)
    if verdict.config is None:
        log.error("config source: %s at %s refused:\n%s", source.path, commit.sha[:7],
                  "\n".join(map(str, verdict.problems)))  # fmt: skip
    return verdict.config


def _decide(
    session: Session, version_id: int | None, text: str, blob: str, verdict: Verdict, clock: Clock
) -> None:
    row = session.get(ConfigVersion, version_id)
    assert row is not None
    row.content, row.blob_sha = text, blob
    row.status = "accepted" if verdict.accepted else "refused"
    row.problems = [str(p) for p in verdict.problems]
    row.warnings = list(verdict.warnings)
    row.decided_at = clock.now()
    session.add(row)
