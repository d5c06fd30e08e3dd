"""Who counts as a maintainer: the configured people, Discord roles and Slack user groups."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import StewardConfig


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


def maintainer_policy(config: StewardConfig, console_operator: str | None = None) -> MaintainerPolicy:
    """Build the maintainer check from the ``maintainers``, ``discord`` and ``slack`` sections."""
    logins: set[str] = set()
    users: set[tuple[str, str]] = set()
    names: set[str] = set()
    roles: set[tuple[str, str]] = set()
    for m in config.maintainers:
        if m.github:
            logins.add(m.github.lower())
        if m.discord is not None:
            users.add(("discord", str(m.discord)))
        if m.slack:
            users.add(("slack", m.slack))
        if m.console:
            names.add(m.console.lower())
    if config.discord is not None:
        roles.update(("discord", str(r)) for r in config.discord.maintainer_role_ids)
    if config.slack is not None:
        users.update(("slack", u) for u in config.slack.maintainer_user_ids)
        roles.update(("slack", g) for g in config.slack.maintainer_usergroup_ids)
    if console_operator:
        names.add(console_operator.lower())
    return MaintainerPolicy(frozenset(logins), frozenset(users), frozenset(names), frozenset(roles))
