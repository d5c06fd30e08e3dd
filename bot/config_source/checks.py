"""Pull requests that change the config file: validate the proposed file, report on GitHub.

The proposed file is read from the base repository at the head commit (GitHub keeps a pull
request's head reachable there, also from a fork): nothing from the fork's own repository is read,
and the file is only validated — never applied, never given ``${VAR}`` values. The result is a check
run with an annotation on each problem's line (50 per request, the rest PATCHed on); a token that
may not create check runs (403) gets a commit status and one comment, edited in place on new pushes.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.config.sections.source import ConfigSourceConfig
from bot.config_source.fetch import FileRefused, RepoFile, RepoFileReader
from bot.config_source.models import ConfigCheck
from bot.config_source.report import CheckReport, build_report
from bot.config_source.summary import describe_change
from bot.config_source.validate import validate
from bot.github.client import GitHubClient
from bot.github.errors import GitHubError

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)
CHECKED_ACTIONS = {"opened", "synchronize", "reopened", "ready_for_review"}
MARKER = "<!-- steward-config-check -->"
PER_REQUEST = 50


class PullRequestChecker:
    """Handles `pull_request` deliveries for the config repository and branch."""

    def __init__(
        self, app: App, source: ConfigSourceConfig, client: GitHubClient, reader: RepoFileReader
    ) -> None:
        self.app = app
        self.source = source
        self.client = client
        self.reader = reader

    async def on_webhook(self, event: str, payload: dict[str, Any]) -> None:
        if event != "pull_request" or payload.get("action") not in CHECKED_ACTIONS:
            return
        pull = payload.get("pull_request") or {}
        base = pull.get("base") or {}
        if str((base.get("repo") or {}).get("full_name") or "").lower() != self.source.repo.lower():
            return
        if base.get("ref") != self.source.ref:
            return
        head = pull.get("head") or {}
        head_repo = str((head.get("repo") or {}).get("full_name") or "")
        await self.check(int(pull["number"]), str(head["sha"]), head_repo.lower() != self.source.repo.lower())

    async def _read(self, ref: str) -> tuple[RepoFile | None, str | None]:
        try:
            return await self.reader.read(ref), None
        except FileRefused as exc:
            return None, exc.reason

    async def check(self, number: int, head_sha: str, from_fork: bool) -> None:
        """Validate the file at ``head_sha`` and report; a pull request not touching it gets nothing."""
        current, _ = await self._read(self.source.ref)
        proposed, reason = await self._read(head_sha)
        if proposed is not None and current is not None and proposed.blob_sha == current.blob_sha:
            return
        if proposed is None and current is None:
            return  # no config file on either side: not a config change
        locale = self.app.config.project.locale

        def t(key: str, **params: Any) -> str:
            return self.app.catalog.translate(locale, key, **params)

        if proposed is None:
            if current is not None and reason and "does not exist" in reason:
                reason = t("config_source.check.removed", path=self.source.path)
            report = build_report(t, locale, self.source, [], [reason or "?"], [], [], from_fork)
        else:
            bootstrap = self.app.bootstrap_path
            assert bootstrap is not None
            verdict = await asyncio.to_thread(
                validate, Path(bootstrap), proposed.text, self.source, self.app.clock.now()
            )
            changes = describe_change(self.app.config, verdict.config) if verdict.config is not None else []
            report = build_report(
                t, locale, self.source, verdict.problems, [], changes, verdict.warnings, from_fork
            )
        await self.report(number, head_sha, report)

    async def report(self, number: int, head_sha: str, report: CheckReport) -> None:
        """A check run, or (refused with 403) a commit status and the one comment."""
        key = (self.source.repo, number)
        row = await self.app.db.run(lambda s: s.get(ConfigCheck, key))
        known: dict[str, Any] = (
            {"check_run_id": row.check_run_id, "comment_id": row.comment_id, "head_sha": row.head_sha}
            if row
            else {}
        )
        comment_id: int | None = known.get("comment_id")
        run_id: int | None
        try:
            run_id = await self._check_run(head_sha, report, known)
        except GitHubError as exc:
            if exc.status != 403:
                raise
            log.info("check runs refused (%s): reporting with a commit status and a comment", exc.message)
            run_id = None
            comment_id = await self._status_and_comment(number, head_sha, report, comment_id)
        conclusion = "success" if report.ok else "failure"
        await self.app.db.run(self._store, number, head_sha, conclusion, run_id, comment_id)

    async def _check_run(self, head_sha: str, report: CheckReport, known: dict[str, Any]) -> int:
        repo = self.source.repo
        notes = report.annotations
        body: dict[str, Any] = {
            "name": self.source.check_name,
            "head_sha": head_sha,
            "status": "completed",
            "conclusion": "success" if report.ok else "failure",
            "output": {"title": report.title, "summary": report.summary, "annotations": notes[:PER_REQUEST]},
        }
        if known.get("head_sha") == head_sha and known.get("check_run_id"):
            # The same commit checked again (a re-delivery): its run is updated, not duplicated.
            run_id = int(known["check_run_id"])
            body["output"]["annotations"] = []
            await self.client.request("PATCH", f"/repos/{repo}/check-runs/{run_id}", body=body)
            return run_id
        created = await self.client.request("POST", f"/repos/{repo}/check-runs", body=body, idempotent=False)
        run_id = int(created.data["id"])
        for start in range(PER_REQUEST, len(notes), PER_REQUEST):  # GitHub appends PATCHed annotations
            more = {
                "output": {
                    "title": report.title,
                    "summary": report.summary,
                    "annotations": notes[start : start + PER_REQUEST],
                }
            }
            await self.client.request("PATCH", f"/repos/{repo}/check-runs/{run_id}", body=more)
        return run_id

    async def _status_and_comment(
        self, number: int, head_sha: str, report: CheckReport, comment_id: int | None
    ) -> int:
        repo = self.source.repo
        locale = self.app.config.project.locale
        key = "config_source.check.status_ok" if report.ok else "config_source.check.status_failed"
        status = {
            "state": "success" if report.ok else "failure",
            "context": self.source.check_name,
            "description": self.app.catalog.translate(locale, key)[:140],  # GitHub's limit
        }
        await self.client.request("POST", f"/repos/{repo}/statuses/{head_sha}", body=status)
        lines = [MARKER, f"### {report.title}", f"`{head_sha[:7]}`", report.summary]
        body = {"body": "\n\n".join(lines)}
        if comment_id is not None:
            try:
                await self.client.request("PATCH", f"/repos/{repo}/issues/comments/{comment_id}", body=body)
                return comment_id
            except GitHubError as exc:
                if exc.status != 404:  # deleted by someone: write a new one
                    raise
        created = await self.client.request(
            "POST", f"/repos/{repo}/issues/{number}/comments", body=body, idempotent=False
        )
        return int(created.data["id"])

    def _store(
        self,
        session: Any,
        number: int,
        head_sha: str,
        conclusion: str,
        run_id: int | None,
        comment_id: int | None,
    ) -> None:
        row = session.get(ConfigCheck, (self.source.repo, number))
        if row is None:
            row = ConfigCheck(repo=self.source.repo, number=number, head_sha=head_sha, conclusion=conclusion)
        row.head_sha, row.conclusion, row.updated_at = head_sha, conclusion, self.app.clock.now()
        row.check_run_id = run_id if run_id is not None else row.check_run_id
        row.comment_id = comment_id if comment_id is not None else row.comment_id
        session.add(row)
