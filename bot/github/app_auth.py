"""GitHub App credentials: which installation to act as, and errors that say what to fix.

PyGithub does the protocol: `Auth.AppAuth` signs a short JWT (RS256, iat 60 s in the past, exp
5 minutes ahead), `AppInstallationAuth` trades it for an installation token on first use and again
20 s before that token's `expires_at`. What it leaves to us: finding the installation when the config
names none, turning its exceptions into `GitHubError`s an operator can act on, and a token GitHub
refuses before PyGithub thinks it expired (a revoked token, a clock running behind GitHub's), which
`GitHubClient` handles by building a fresh `AppInstallationAuth` (see `AppInstallation.auth`).
"""

from __future__ import annotations

import logging
from typing import Any

from github import Auth, GithubException, GithubIntegration

from bot.config.sections.github import GitHubConfig
from bot.github.errors import GitHubAuthError, GitHubError, GitHubUnavailable

log = logging.getLogger(__name__)

JWT_REFUSED = (
    "check that github.app.app_id and github.app.private_key belong to the same App"
    " and that this machine's clock is right"
)


class AppInstallation:
    """Builds installation auth for the configured App; remembers the installation id once found."""

    def __init__(self, config: GitHubConfig, timeout: int, user_agent: str) -> None:
        assert config.app is not None
        self.config = config
        self.app = config.app
        self.timeout = timeout
        self.user_agent = user_agent
        self.installation_id = self.app.installation_id

    def auth(self) -> Auth.AppInstallationAuth:
        """A new installation auth (so also a new token on its first request)."""
        app_auth = Auth.AppAuth(self.app.app_id, self.app.private_key)
        if self.installation_id is None:
            self.installation_id = self._look_up(app_auth)
        return app_auth.get_installation_auth(self.installation_id)

    def _look_up(self, app_auth: Auth.AppAuth) -> int:
        integration = GithubIntegration(
            auth=app_auth, base_url=self.config.api_url, timeout=self.timeout,
            user_agent=self.user_agent, retry=None, lazy=True,
        )  # fmt: skip
        try:
            if self.config.repos:
                return self._for_repo(integration)
            installations = list(integration.get_installations())
        except GithubException as exc:
            raise self.error(exc, "looking up the App's installation") from exc
        finally:
            integration.close()
        if len(installations) != 1:
            raise GitHubAuthError(
                404,
                f"GitHub App {self.app.app_id} has {len(installations)} installations and no repos are"
                " configured: set github.app.installation_id",
            )
        return int(installations[0].id)

    def _for_repo(self, integration: GithubIntegration) -> int:
        first = self.config.repos[0]
        try:
            found = integration.get_repo_installation(first.owner, first.name.split("/", 1)[1])
        except GithubException as exc:
            if exc.status == 404:
                raise GitHubAuthError(
                    404,
                    f"GitHub App {self.app.app_id} is not installed on {first.name}: install it there"
                    " or set github.app.installation_id",
                ) from exc
            raise
        others = sorted({r.owner for r in self.config.repos if r.owner.lower() != first.owner.lower()})
        if others:
            # One process acts as one installation; an App is installed per account.
            log.warning(
                "GitHub App installation %s belongs to %s; repos of %s need their own installation"
                " and will not be reachable",
                found.id,
                first.owner,
                ", ".join(others),
            )
        log.info(
            "GitHub App %s acts as installation %s (found from %s)", self.app.app_id, found.id, first.name
        )
        return int(found.id)

    def error(self, exc: GithubException, doing: str) -> GitHubError:
        """A PyGithub exception raised while authenticating, as a GitHubError that says what to fix."""
        status = int(exc.status or 0)
        message = _message(exc.data)
        if status >= 500 or status == 0:
            return GitHubUnavailable(status, f"{doing}: {message}")
        if status == 401:
            return GitHubAuthError(
                401, f"GitHub App {self.app.app_id}: GitHub refused its JWT ({message!r}); {JWT_REFUSED}"
            )
        if status == 404 and self.installation_id is not None:
            return GitHubAuthError(
                404,
                f"GitHub App {self.app.app_id} has no installation {self.installation_id}:"
                " check github.app.installation_id",
            )
        return GitHubAuthError(status, f"GitHub App {self.app.app_id}, {doing}: {message}")


def _message(data: Any) -> str:
    if isinstance(data, dict):
        return str(data.get("message") or "")
    return str(data or "")
