"""Executes outbox items against the REST API (or, offline, only logs them)."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.github.apply import IssueApplier
from bot.github.changes import Source
from bot.github.client import GitHubClient
from bot.github.models import OutboxItem
from bot.github.outbox import ActionImpossible

log = logging.getLogger(__name__)


def marker(item: OutboxItem) -> str:
    """An invisible tag in each comment, so a retry after an ambiguous timeout can find the first try."""
    return f"<!-- steward:outbox:{item.id} -->"


class GitHubWriter:
    """Comment, assign, unassign, add labels; feeds returned issues back through the applier."""

    def __init__(self, client: GitHubClient, applier: IssueApplier) -> None:
        self.client = client
        self.applier = applier

    async def __call__(self, item: OutboxItem) -> str | None:
        base = f"/repos/{item.repo}/issues/{item.number}"
        payload = item.payload
        if item.kind == "comment":
            return await self._comment(item, base)
        if item.kind in ("assign", "unassign"):
            login = str(payload["login"])
            verb = "POST" if item.kind == "assign" else "DELETE"
            resp = await self.client.request(verb, f"{base}/assignees", body={"assignees": [login]})
            issue = resp.data or {}
            assigned = {str(a.get("login", "")).lower() for a in issue.get("assignees") or ()}
            await self.applier.apply(item.repo, [issue], Source())
            # GitHub answers 201 but silently drops people who can't be assigned (not a collaborator and
            # never commented): treat that as impossible, so the person is told.
            if item.kind == "assign" and login.lower() not in assigned:
                raise ActionImpossible(
                    "not_assignable", f"{login} cannot be assigned to {item.repo}#{item.number}"
                )
            return None
        if item.kind == "add_labels":
            await self.client.request("POST", f"{base}/labels", body={"labels": list(payload["labels"])})
            return None
        raise ActionImpossible("invalid", f"unknown outbox kind {item.kind}")

    async def _comment(self, item: OutboxItem, base: str) -> str:
        tag = marker(item)
        if item.attempts > 0 and (item.last_error or "").startswith("ambiguous"):
            # The last try timed out after sending: it may have been posted. Look before posting again.
            # Ten minutes of slack for clock skew between this host and GitHub.
            since = item.created_at - timedelta(minutes=10)
            params = {"since": since.strftime("%Y-%m-%dT%H:%M:%SZ"), "per_page": 100}
            resp = await self.client.request("GET", f"{base}/comments", params=params)
            for comment in resp.data or ():
                if tag in str(comment.get("body") or ""):
                    return str(comment.get("id"))
        body = f"{item.payload['body']}\n\n{tag}"
        resp = await self.client.request("POST", f"{base}/comments", body={"body": body}, idempotent=False)
        return str((resp.data or {}).get("id"))


async def offline_writer(item: OutboxItem) -> str | None:
    """Offline demo: nothing leaves the machine; the write is logged and counts as done."""
    log.info("offline GitHub: %s on %s#%s %s (not sent)", item.kind, item.repo, item.number, item.payload)
    return None
