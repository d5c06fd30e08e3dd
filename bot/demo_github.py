"""The offline demo's stand-in for GitHub: its data at start, its people, its merge button.

- :func:`prepare_demo`: at start, the data set loaded (bot/demo.py) and the people it knows.
- :class:`DemoProfiles`: the demo knows its people (everyone in the data set and the configured
  maintainers). Linking an account asks the person to put a one-time code in their GitHub bio; in
  the demo nobody can edit a profile, so a known person's profile shows the code they were given,
  as if they had pasted it.
- :class:`DemoMerges`: the console's ``:merge REPO#N`` control. It stands for the contributor's pull
  request fixing issue N being merged on GitHub: the PR is stored like a synced one and the event a
  webhook would bring is published, so claims, onboarding steps and spotlights follow as they would;
  the issue is closed, as GitHub closes an issue a merged pull request says it fixes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, func, select

from bot.config import StewardConfig
from bot.core.clock import Clock
from bot.core.events import EventBus
from bot.core.github_events import IssueClosed, IssueCommented, PullRequestMerged
from bot.db.database import Database, mark_changed
from bot.db.models import ISSUES_TOPIC, Member, PlatformIdentity, Repo, TrackedIssue
from bot.demo import load_demo_data
from bot.github.store import IssueStore
from bot.i18n import Catalog

log = logging.getLogger(__name__)


async def prepare_demo(
    config: StewardConfig, db: Database, clock: Clock, github: Any
) -> list[IssueCommented]:
    """Load the demo data (re-anchored to now) and give the offline GitHub its people: everyone in the
    data and the configured maintainers. Returns the maintainers' responses, for the caller to publish
    once the features listen, as a poll would (the on-call statistics are made of them). Listeners keep
    the first response they see, so publishing them at every start changes nothing the second time."""
    assert config.github is not None and config.github.demo_data
    path = config.resolve_path(config.github.demo_data)
    summary = await asyncio.to_thread(load_demo_data, db, path, clock.now())
    log.info("demo data loaded: %s", summary)
    if github is not None and hasattr(github, "offline_profiles"):
        logins = summary.people | {m.github for m in config.maintainers if m.github}
        github.offline_profiles = DemoProfiles(db, logins)
    return list(summary.activity)


# The table where `/steward link github` keeps pending one-time codes (`cogs/steward`, the member features).
LINK_CODES = text("SELECT code FROM gfi_link_code WHERE lower(login) = :login ORDER BY id")


class DemoProfiles:
    """The GitHub profiles of the demo's people; anyone else "does not exist" (as on GitHub)."""

    def __init__(self, db: Database, logins: Iterable[str]) -> None:
        self.db = db
        self.logins = frozenset(login.lower() for login in logins if login)

    async def bio(self, login: str) -> str | None:
        """The profile text of ``login``, with the codes they were asked to publish; None if unknown."""
        if login.lower() not in self.logins:
            return None

        def codes(session: Session) -> list[str]:
            return [str(row[0]) for row in session.execute(LINK_CODES, {"login": login.lower()})]

        return " ".join([f"{login} (Steward demo profile)", *await self.db.run(codes)])


class MergeRefused(Exception):
    """Why ``:merge`` did nothing: a catalog key of the console and its parameters."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class DemoMerges:
    """Simulates merging a pull request by a console user that fixes an issue of a demo repository."""

    def __init__(self, db: Database, clock: Clock, bus: EventBus, store: IssueStore | None = None) -> None:
        self.db = db
        self.clock = clock
        self.bus = bus
        self.store = store or IssueStore()

    async def merge(self, platform: str, user_id: str, ref: str) -> PullRequestMerged:
        """Merge a PR by ``user_id``'s linked GitHub account fixing the issue ``ref`` (``docs#69`` or
        ``steward-demo/docs#69``); raises MergeRefused with the reason."""
        repo_part, _, number_text = ref.strip().rpartition("#")
        if not repo_part or not number_text.isdigit():
            raise MergeRefused("core.console.merge_usage")
        now = self.clock.now()
        event, closed = await self.db.run(self._store_pr, platform, user_id, repo_part, int(number_text), now)
        await self.bus.publish(event)
        if closed is not None:
            await self.bus.publish(closed)
        return event

    def _store_pr(
        self, session: Session, platform: str, user_id: str, repo_part: str, number: int, now: datetime
    ) -> tuple[PullRequestMerged, IssueClosed | None]:
        """Store the merged PR and, as GitHub does for "Fixes #N", close the issue it fixes."""
        login = session.exec(
            select(Member.github_login)
            .join(PlatformIdentity, col(PlatformIdentity.member_id) == col(Member.id))
            .where(PlatformIdentity.platform == platform, PlatformIdentity.platform_user_id == user_id)
            .where(col(Member.github_verified_at).is_not(None))
        ).first()
        if not login:
            raise MergeRefused("core.console.merge_unlinked", name=user_id)
        repo = self._repo(session, repo_part)
        issue = None if repo is None else self.store.get_issue(session, repo, number)
        if repo is None or issue is None or issue.is_pull_request:
            raise MergeRefused("core.console.merge_unknown", ref=f"{repo_part}#{number}")
        highest = session.exec(
            select(func.max(TrackedIssue.number)).where(TrackedIssue.repo_id == repo.id)
        ).one()
        pr_number = int(highest or 0) + 1
        earlier = session.exec(
            select(func.count())
            .select_from(TrackedIssue)
            .where(TrackedIssue.repo_id == repo.id, col(TrackedIssue.merged))
            .where(func.lower(TrackedIssue.author_login) == login.lower())
        ).one()
        self.store.upsert_issue(session, repo, _pr_payload(repo.full_name, pr_number, login, issue, now))
        closed = None
        if issue.state == "open":
            issue.state, issue.state_reason = "closed", "completed"
            issue.closed_at = issue.updated_at = now
            session.add(issue)
            mark_changed(session, ISSUES_TOPIC, [issue.id])
            closed = IssueClosed(repo.full_name, number, now, actor_login=login, state_reason="completed")
        merged = PullRequestMerged(
            repo=repo.full_name,
            number=pr_number,
            at=now,
            actor_login=login,
            is_pull_request=True,
            author_login=login,
            linked_issues=(number,),
            first_contribution=int(earlier) == 0,
        )
        return merged, closed

    @staticmethod
    def _repo(session: Session, name: str) -> Repo | None:
        """A repository by full name, or by its short name when that is unambiguous."""
        repos = session.exec(select(Repo)).all()
        exact = [r for r in repos if r.full_name_lower == name.lower()]
        short = [r for r in repos if r.full_name_lower.rsplit("/", 1)[-1] == name.lower()]
        found = exact or short
        return found[0] if len(found) == 1 else None


def _pr_payload(
    full_name: str, number: int, login: str, issue: TrackedIssue, now: datetime
) -> dict[str, Any]:
    """A merged pull request in the shape of a GitHub REST issue-list item."""
    opened = now - timedelta(hours=2)
    stamp = "%Y-%m-%dT%H:%M:%SZ"
    return {
        "url": f"https://api.github.com/repos/{full_name}/issues/{number}",
        "html_url": f"https://github.com/{full_name}/pull/{number}",
        "number": number,
        "user": {"login": login, "type": "User"},
        "author_association": "CONTRIBUTOR",
        "title": f"Fix #{issue.number}: {issue.title}",
        "labels": [],
        "state": "closed",
        "assignees": [],
        "comments": 0,
        "created_at": opened.strftime(stamp),
        "updated_at": now.strftime(stamp),
        "closed_at": now.strftime(stamp),
        "draft": False,
        "pull_request": {
            "url": f"https://api.github.com/repos/{full_name}/pulls/{number}",
            "html_url": f"https://github.com/{full_name}/pull/{number}",
            "merged_at": now.strftime(stamp),
        },
        "body": f"Fixes #{issue.number}",
        "state_reason": None,
    }


ControlHandler = Callable[[str, str], Awaitable[str]]


def demo_controls(
    catalog: Catalog, locale: str, merges: DemoMerges, run_job: Callable[[str], Awaitable[bool]]
) -> dict[str, ControlHandler]:
    """The demo's console controls (listed by ``:help``): ``:merge REPO#N`` and ``:run JOB``."""

    def t(key: str, **params: Any) -> str:
        return catalog.translate(locale, key, **params)

    async def merge(user: str, arg: str) -> str:
        try:
            event = await merges.merge("console", user, arg)
        except MergeRefused as refused:
            return t(refused.key, **refused.params)
        short = event.repo.rsplit("/", 1)[-1]
        return t(
            "core.console.merged",
            login=event.author_login,
            pr=f"{short}#{event.number}",
            issue=f"{short}#{event.linked_issues[0]}",
        )

    async def run(user: str, arg: str) -> str:
        job = arg.strip()
        try:
            await run_job(job)
        except KeyError:
            return t("core.console.run_unknown", job=job)
        return t("core.console.ran", job=job)

    return {"merge": merge, "run": run}
