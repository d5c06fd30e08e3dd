"""Announcing newly labelled good first issues once, batched.

Webhook and poll both publish IssueLabeled; whichever arrives first queues the issue in
``gfi_announcement`` (its primary key is the issue, so the second is a no-op). The
``gfi_announcements`` job waits until the oldest queued issue is ``announce_batch_window`` old,
stamps every queued issue with one batch key and posts one message per channel through the post
log under that key: a crash or a failed send repeats the same key and never posts twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.core.messages import Bold, BulletList, Button, Buttons, ButtonStyle, Context, Header, Inline, Message
from bot.db.models import Repo, TrackedIssue
from cogs.good_first_issues.board import (
    BoardEntry,
    BoardRules,
    board_conditions,
    configured_repo_ids,
    entries_for,
)
from cogs.good_first_issues.models import GfiAnnouncement
from cogs.good_first_issues.notices import ACTION_CLAIM, issue_link
from cogs.good_first_issues.service import GfiService

JOB = "gfi_announcements"
MAX_LISTED = 15
MAX_BUTTONS = 5


class Announcer:
    """Queues newly labelled issues and posts them in batches."""

    def __init__(self, service: GfiService) -> None:
        self.service = service

    async def queue(self, repo: str, number: int, at: datetime) -> bool:
        """Queue ``repo#number`` if it is on the board now; False when not or already queued."""
        rules, now = self.service.rules, self.service.now()

        def work(session: Session) -> bool:
            r = session.exec(select(Repo).where(Repo.full_name_lower == repo.lower())).first()
            if r is None or r.id is None or repo.lower() not in rules.repo_labels:
                return False
            issue = session.exec(
                select(TrackedIssue).where(
                    TrackedIssue.repo_id == r.id,
                    TrackedIssue.number == number,
                    *board_conditions(rules, {r.id: r.full_name}),
                )
            ).first()
            if issue is None or issue.id is None:
                return False
            try:
                with session.begin_nested():
                    session.add(GfiAnnouncement(issue_id=issue.id, seen_at=min(at, now) if at else now))
            except IntegrityError:
                return False
            return True

        return await self.service.services.db.run(work)

    def _plan(self, session: Session, now: datetime) -> dict[str, list[int]]:
        window = self.service.config.announce_batch_window
        pending = session.exec(
            select(GfiAnnouncement).where(
                col(GfiAnnouncement.announced_at).is_(None), col(GfiAnnouncement.skipped).is_(False)
            )
        ).all()
        fresh = [row for row in pending if row.batch is None]
        if fresh and min(row.seen_at for row in fresh) <= now - window:
            key = f"{now:%Y-%m-%dT%H:%M:%SZ}-{min(row.issue_id for row in fresh)}"
            for row in fresh:
                row.batch = key
                session.add(row)
        batches: dict[str, list[int]] = {}
        for row in pending:
            if row.batch is not None:
                batches.setdefault(row.batch, []).append(row.issue_id)
        return batches

    async def run(self, channels: Mapping[str, Sequence[str]] | None = None) -> int:
        """Post every batch that is due; returns how many issues were announced."""
        service = self.service
        now, rules = service.now(), service.rules
        batches = await service.services.db.run(self._plan, now)
        announced = 0
        for key, issue_ids in sorted(batches.items()):
            entries = await service.services.db.run(_on_board, rules, issue_ids)
            ok = True
            if entries:
                message = self.message(entries, service.services.config.project.locale)
                purposes = (
                    service.config.announce_channels[:1] if channels else service.config.announce_channels
                )
                for purpose in purposes:
                    results = await service.services.poster.post_once(JOB, key, purpose, message, channels)
                    ok = ok and all(r.status != "failed" for r in results)
            if ok:  # a failed send keeps the batch queued; the next run retries the same key
                shown = {e.issue_id for e in entries}
                await service.services.db.run(_mark, issue_ids, shown, now)
                announced += len(shown)
        return announced

    def message(self, entries: list[BoardEntry], locale: str) -> Message:
        t = self.service.services.catalog.translate
        msg = Message([Header(t(locale, "gfi.announce.title", count=len(entries)))])
        items: list[tuple[Inline, ...]] = []
        for e in entries[:MAX_LISTED]:
            item: list[Inline] = [issue_link(e.ref, e.title, e.url)]
            tags = [x for x in (e.area, e.difficulty) if x]
            if tags:
                item += [" — ", Bold(", ".join(tags))]
            items.append(tuple(item))
        msg.add(BulletList(tuple(items)))
        if len(entries) > MAX_LISTED:
            msg.add(Context(t(locale, "gfi.announce.more", count=len(entries) - MAX_LISTED)))
        buttons = tuple(
            Button(
                t(locale, "gfi.button.claim", ref=e.short_ref),
                ACTION_CLAIM,
                str(e.issue_id),
                ButtonStyle.PRIMARY,
            )
            for e in entries[:MAX_BUTTONS]
        )
        msg.add(Buttons(buttons), Context(t(locale, "gfi.announce.footer")))
        msg.summary = t(locale, "gfi.announce.title", count=len(entries))
        return msg


def _on_board(session: Session, rules: BoardRules, issue_ids: list[int]) -> list[BoardEntry]:
    repo_ids = configured_repo_ids(session, rules)
    issues = session.exec(
        select(TrackedIssue)
        .where(col(TrackedIssue.id).in_(issue_ids), *board_conditions(rules, repo_ids))
        .order_by(col(TrackedIssue.created_at).desc())
    ).all()
    return entries_for(session, rules, issues, repo_ids)


def _mark(session: Session, issue_ids: list[int], shown: set[int], now: datetime) -> None:
    for row in session.exec(select(GfiAnnouncement).where(col(GfiAnnouncement.issue_id).in_(issue_ids))):
        row.announced_at = now
        row.skipped = row.issue_id not in shown
        session.add(row)
