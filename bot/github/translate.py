"""Webhook deliveries -> database upserts and core events (the same path polls take)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlmodel import Session, col, select

from bot.config import StewardConfig
from bot.core.github_events import PullRequestReviewed
from bot.db.models import IssueLabel, Repo, TrackedIssue
from bot.github import ledger
from bot.github.apply import IssueApplier
from bot.github.changes import Source
from bot.github.comments import comment_event
from bot.github.identity import Identity
from bot.github.store import parse_github_time

log = logging.getLogger(__name__)
HANDLED = (
    "ping",
    "issues",
    "issue_comment",
    "pull_request",
    "pull_request_review",
    "label",
    "member",
    "installation",
)


class WebhookTranslator:
    """One method per GitHub event; deliveries of repos we don't watch are ignored."""

    def __init__(
        self, applier: IssueApplier, identity: Identity, config_ref: Callable[[], StewardConfig]
    ) -> None:
        self.applier = applier
        self.identity = identity
        self.config_ref = config_ref

    def _watched(self, payload: dict[str, Any]) -> str | None:
        name = str((payload.get("repository") or {}).get("full_name") or "")
        config = self.config_ref().github
        watched = {r.name.lower(): r.name for r in config.repos} if config is not None else {}
        return watched.get(name.lower())

    def _source(self, payload: dict[str, Any], delivery: str, association: str | None = None) -> Source:
        sender = payload.get("sender") or {}
        login = sender.get("login")
        return Source(
            delivery=delivery,
            actor_login=login,
            actor_is_maintainer=self.identity.maintainer_hint(login, association),
            actor_is_bot=bool(login and self.identity.is_bot(login)) or sender.get("type") == "Bot",
        )

    async def __call__(self, event: str, payload: dict[str, Any], delivery: str) -> None:
        if event == "ping":
            log.info("GitHub webhook ping (hook %s): %s", payload.get("hook_id"), payload.get("zen"))
            return
        if event == "installation":
            account = (payload.get("installation") or {}).get("account") or {}
            log.info("GitHub App installation %s for %s", payload.get("action"), account.get("login"))
            return
        repo = self._watched(payload)
        if repo is None:
            log.debug("webhook %s for an unwatched repository ignored", event)
            return
        handler = getattr(self, f"_on_{event}", None)
        if handler is None:
            log.debug("webhook event %s not handled", event)
            return
        await handler(repo, payload, delivery)

    async def _on_issues(self, repo: str, payload: dict[str, Any], delivery: str) -> None:
        issue = payload["issue"]
        source = self._source(payload, delivery)
        if payload.get("action") in ("deleted", "transferred"):
            when = parse_github_time(issue.get("updated_at"))
            assert when is not None
            await self.applier.remove(repo, [int(issue["number"])], when, source)
            return
        await self.applier.apply(repo, [issue], source)

    async def _on_pull_request(self, repo: str, payload: dict[str, Any], delivery: str) -> None:
        await self.applier.apply(repo, [payload["pull_request"]], self._source(payload, delivery))

    async def _on_issue_comment(self, repo: str, payload: dict[str, Any], delivery: str) -> None:
        issue, comment = payload["issue"], payload["comment"]
        # The issue object carries the new comment count and updated_at: keep the mirror current.
        await self.applier.apply(repo, [issue], self._source(payload, delivery))
        if payload.get("action") != "created":
            return
        event = comment_event(
            repo,
            int(issue["number"]),
            comment,
            self.identity,
            issue_author=(issue.get("user") or {}).get("login"),
            is_pull_request="pull_request" in issue,
            delivery=delivery,
            fallback_at=parse_github_time(issue.get("updated_at")),
        )
        if event.comment_id:
            # Recorded before publishing: whichever of this delivery and a poll listing the comment
            # records it first publishes it; the other publishes nothing.
            now = self.identity.clock.now()
            times = {event.comment_id: event.at}
            won = await self.applier.db.run(ledger.claim, ledger.COMMENT, repo, times, now)
            if event.comment_id not in won:
                log.debug("comment %s on %s#%s was published already", event.comment_id, repo, event.number)
                return
        await self.applier.publish([event])

    async def _on_pull_request_review(self, repo: str, payload: dict[str, Any], delivery: str) -> None:
        if payload.get("action") != "submitted":
            return
        review, pr = payload["review"], payload["pull_request"]
        source = self._source(payload, delivery, review.get("author_association"))
        event = PullRequestReviewed(
            repo=repo,
            number=int(pr["number"]),
            at=parse_github_time(review.get("submitted_at")) or parse_github_time(pr["updated_at"]),  # type: ignore[arg-type]
            actor_login=source.actor_login,
            actor_is_maintainer=source.actor_is_maintainer,
            actor_is_bot=source.actor_is_bot,
            is_pull_request=True,
            delivery=delivery,
            state=str(review.get("state") or "").lower(),
        )
        await self.applier.publish([event])

    async def _on_label(self, repo: str, payload: dict[str, Any], delivery: str) -> None:
        """A label renamed or deleted: keep the issues' labels in step (GitHub sends no issue events)."""
        action, name = payload.get("action"), (payload.get("label") or {}).get("name")
        old = ((payload.get("changes") or {}).get("name") or {}).get("from")
        if not name or action not in ("deleted", "edited") or (action == "edited" and not old):
            return
        await self.applier.db.run(_relabel, repo, old or name, None if action == "deleted" else name)

    async def _on_member(self, repo: str, payload: dict[str, Any], delivery: str) -> None:
        login = (payload.get("member") or {}).get("login")
        if login:
            await self.applier.db.run(self.identity.forget_permission, f"repo:{repo}", login)


def _relabel(session: Session, repo_name: str, old: str, new: str | None) -> None:
    ids = (
        select(TrackedIssue.id)
        .join(Repo, col(Repo.id) == TrackedIssue.repo_id)
        .where(Repo.full_name_lower == repo_name.lower())
    )
    rows = session.exec(select(IssueLabel).where(IssueLabel.name == old, col(IssueLabel.issue_id).in_(ids)))
    for row in list(rows):
        session.delete(row)
        if new is not None:
            session.flush()
            session.add(IssueLabel(issue_id=row.issue_id, name=new))
