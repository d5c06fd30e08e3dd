"""Who counts as a maintainer: the configured people, Discord roles and Slack user groups."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class MaintainerPolicy:
    """Server-side maintainer check, built from the config (never trusts client-side permissions)."""

    github_logins: frozenset[str] = frozenset()
    user_ids: frozenset[tuple[str, str]] = frozenset()  # (platform, user id)
    names: frozenset[str] = frozenset()  # console operators and named maintainers
    role_ids: frozenset[tuple[str, str]] = frozenset()  # (platform, role / user-group id)

    def is_maintainer(
        self,
        platform: str,
        user_id: str,
        roles: Iterable[str] = (),
        github_login: str | None = None,
        name: str | None = None,
    ) -> bool:
        if (platform, user_id) in self.user_ids:
            return True
        if github_login and github_login.lower() in self.github_logins:
            return True
        if platform == "console" and name is not None and name.lower() in self.names:
            return True
        return any((platform, role) in self.role_ids for role in roles)
