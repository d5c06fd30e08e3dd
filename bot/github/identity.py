"""Who is who on GitHub: maintainers, bots, and a contributor's history from synced data."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from bot.config import StewardConfig
from bot.core.clock import Clock
from bot.core.github_port import Contribution
from bot.db.bulk import one_of
from bot.db.database import Database
from bot.db.models import Repo, TrackedIssue
from bot.github.client import GitHubClient, GitHubError
from bot.github.models import GitHubAccount, PermissionCache

log = logging.getLogger(__name__)

MAINTAINER_PERMISSIONS = frozenset({"admin", "maintain", "write"})
# author_association values that mean the person has write access or belongs to the owning org.
MAINTAINER_ASSOCIATIONS = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})
PERMISSION_TTL = timedelta(hours=12)
STORED_ACCOUNTS_KEPT = 100_000  # accounts remembered as stored (a few MB); past it, start over
_ACCOUNTS_WRITTEN = "steward_accounts_written"  # session.info: accounts this transaction wrote


def looks_like_bot(login: str, account_type: str | None = None) -> bool:
    """GitHub Apps act as `name[bot]` accounts of type Bot."""
    return account_type == "Bot" or login.lower().endswith("[bot]")


class Identity:
    """Maintainer and bot checks: the config first, then what sync saw, then (cached) API look-ups."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        config_ref: Callable[[], StewardConfig],
        client: GitHubClient | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.config_ref = config_ref
        self.client = client
        self._bots: set[str] = set()
        # Accounts known to be stored, with their type: a page names mostly people seen before, and
        # reading them back on every page cost the history read more than the page's own writes.
        self._stored: dict[str, str] = {}

    async def load(self) -> None:
        """Remember bot accounts recorded by earlier syncs."""
        query = select(GitHubAccount.login_lower).where(GitHubAccount.account_type == "Bot")
        self._bots = set(await self.db.run(lambda s: list(s.exec(query).all())))

    def remember_accounts(self, session: Session, users: Iterable[Mapping[str, Any] | None]) -> None:
        """Record the type of each user object seen in a payload (bots are recognised offline later)."""
        seen: dict[str, Mapping[str, Any]] = {}
        for user in users:
            if user and user.get("login") and user.get("type"):
                lower = str(user["login"]).lower()
                seen[lower] = user
                if user["type"] == "Bot":
                    self._bots.add(lower)
        unsure = {lower: user for lower, user in seen.items() if self._stored.get(lower) != user["type"]}
        if not unsure:
            return
        table = GitHubAccount.__table__  # type: ignore[attr-defined]
        conn = session.connection()
        query = select(table.c.login_lower, table.c.account_type).where(
            one_of(table.c.login_lower, unsure, conn.dialect)
        )
        known: dict[str, str] = {lower: kind for lower, kind in conn.execute(query)}
        written: set[str] = session.info.setdefault(_ACCOUNTS_WRITTEN, set())
        now = self.clock.now()
        fresh: list[dict[str, Any]] = []
        for lower, user in unsure.items():
            kind = str(user["type"])
            if known.get(lower, kind) != kind:
                session.connection().execute(
                    update(table).where(table.c.login_lower == lower).values(account_type=kind, seen_at=now)
                )
                written.add(lower)
            elif lower not in known:
                fresh.append(
                    {"login_lower": lower, "login": user["login"], "account_type": kind, "seen_at": now}
                )
        # Rows this transaction wrote are not stored until it commits: a later page re-reads them.
        if len(self._stored) + len(known) > STORED_ACCOUNTS_KEPT:
            self._stored.clear()
        self._stored.update((lower, kind) for lower, kind in known.items() if lower not in written)
        if not fresh:
            return
        written.update(row["login_lower"] for row in fresh)
        try:
            # One insert for a page's new accounts; a savepoint, as another instance may record some first.
            with session.begin_nested():
                session.connection().execute(insert(table), fresh)
        except IntegrityError:
            for row in fresh:
                try:
                    with session.begin_nested():
                        session.merge(GitHubAccount(**row))
                except IntegrityError:  # another instance recorded it first
                    pass

    def is_bot(self, login: str) -> bool:
        lower = login.lower()
        config = self.config_ref().github
        extra = {b.lower() for b in config.bot_logins} if config is not None else set()
        return looks_like_bot(login) or lower in extra or lower in self._bots

    def is_configured_maintainer(self, login: str) -> bool:
        lower = login.lower()
        return any(m.github and m.github.lower() == lower for m in self.config_ref().maintainers)

    def maintainer_hint(self, login: str | None, association: str | None) -> bool:
        """A check without API calls, for event flags: the config list or the payload's association."""
        if not login:
            return False
        return self.is_configured_maintainer(login) or (association or "").upper() in MAINTAINER_ASSOCIATIONS

    async def is_maintainer(self, login: str, repo: str | None = None) -> bool:
        """Config list, then write access to `repo` (or any watched repo), then the maintainer teams."""
        if self.is_configured_maintainer(login):
            return True
        config = self.config_ref().github
        if config is None or self.client is None:
            return False
        repos = [repo] if repo else [r.name for r in config.repos]
        for name in repos:
            if await self._permission(f"repo:{name}", login) in MAINTAINER_PERMISSIONS:
                return True
        for team in config.maintainer_teams:
            if await self._permission(f"team:{team}", login) == "member":
                return True
        return False

    async def _permission(self, scope: str, login: str) -> str:
        lower = login.lower()
        cutoff = self.clock.now() - PERMISSION_TTL
        query = select(PermissionCache).where(
            PermissionCache.scope == scope, PermissionCache.login_lower == lower
        )
        cached = await self.db.run(lambda s: s.exec(query).first())
        if cached is not None and cached.checked_at >= cutoff:
            return cached.permission
        assert self.client is not None
        kind, _, target = scope.partition(":")
        try:
            if kind == "repo":
                resp = await self.client.request(
                    "GET", f"/repos/{target}/collaborators/{login}/permission", for_person=True
                )
                permission = str((resp.data or {}).get("permission") or "none")
                # "maintain" shows as permission "write" with role_name "maintain" in the REST answer.
                role = str((resp.data or {}).get("role_name") or "")
                permission = "maintain" if role == "maintain" else permission
            else:
                org, _, slug = target.partition("/")
                resp = await self.client.request(
                    "GET", f"/orgs/{org}/teams/{slug}/memberships/{login}", for_person=True
                )
                permission = "member" if (resp.data or {}).get("state") == "active" else "none"
        except GitHubError as exc:
            if exc.status != 404:
                log.warning("permission look-up %s for %s failed: %s", scope, login, exc)
                return cached.permission if cached is not None else "none"
            permission = "none"
        await self.db.run(self._store_permission, scope, lower, permission)
        return permission

    def _store_permission(self, session: Session, scope: str, lower: str, permission: str) -> None:
        query = select(PermissionCache).where(
            PermissionCache.scope == scope, PermissionCache.login_lower == lower
        )
        row = session.exec(query).first() or PermissionCache(
            scope=scope, login_lower=lower, permission=permission
        )
        row.permission = permission
        row.checked_at = self.clock.now()
        session.add(row)

    def forget_permission(self, session: Session, scope: str, login: str) -> None:
        """Drop a cached permission (a `member` webhook said it changed)."""
        query = select(PermissionCache).where(
            PermissionCache.scope == scope, PermissionCache.login_lower == login.lower()
        )
        for row in session.exec(query):
            session.delete(row)

    async def contribution(self, login: str) -> Contribution:
        """Merged PRs by `login` across watched repos, from synced data."""
        return await self.db.run(contribution_of, login)


def contribution_of(session: Session, login: str) -> Contribution:
    """A contributor's merged PRs, first merge and repos, from the tracked issues."""
    merged = (
        select(Repo.full_name, func.count(), func.min(TrackedIssue.merged_at))
        .join(Repo, col(Repo.id) == TrackedIssue.repo_id)
        .where(
            func.lower(TrackedIssue.author_login) == login.lower(),
            col(TrackedIssue.merged).is_(True),
            col(TrackedIssue.removed_at).is_(None),
        )
        .group_by(Repo.full_name)
    )
    rows = list(session.exec(merged).all())
    firsts = [first for _, _, first in rows if first is not None]
    return Contribution(
        login=login,
        first_contribution_at=min(firsts).isoformat() if firsts else None,
        merged_prs=sum(int(count) for _, count, _ in rows),
        repos=tuple(sorted(name for name, _, _ in rows)),
    )


def merged_before(session: Session, author_login: str, issue_id: int | None) -> int:
    """How many other merged PRs `author_login` has in synced data."""
    query = select(func.count()).where(
        func.lower(TrackedIssue.author_login) == author_login.lower(),
        col(TrackedIssue.merged).is_(True),
        col(TrackedIssue.id) != issue_id,
    )
    return int(session.exec(query).one())
