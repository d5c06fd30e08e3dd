"""How claims move on their own: GitHub events (activity, PRs, merges, closes, outbox outcomes) and
the ``claim_reminders`` job (reminders, expiries, waitlist offers, GitHub retries). What becomes of
its GitHub writes is handled in github_outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from bot.core.github_events import (
    GitHubActionDone,
    GitHubActionFailed,
    IssueAssigned,
    IssueClosed,
    IssueCommented,
    IssueRemoved,
    PullRequestMerged,
    PullRequestOpened,
)
from bot.db.models import Repo, TrackedIssue
from cogs.good_first_issues.claim_actions import ClaimActions
from cogs.good_first_issues.claim_endings import Ended, Offer, end_claim
from cogs.good_first_issues.claims import set_github_state
from cogs.good_first_issues.github_outcomes import ClaimWriteOutcomes
from cogs.good_first_issues.lookup import issue_ref
from cogs.good_first_issues.models import GfiClaim, GfiWaitlist
from cogs.good_first_issues.service import GfiService


@dataclass(frozen=True)
class ReminderRun:
    """What one run of ``claim_reminders`` did."""

    reminded: int
    expired: int
    offers: int
    retried: int


def _issue(session: Session, repo: str, number: int) -> tuple[Repo, TrackedIssue] | None:
    r = session.exec(select(Repo).where(Repo.full_name_lower == repo.lower())).first()
    if r is None:
        return None
    issue = session.exec(
        select(TrackedIssue).where(TrackedIssue.repo_id == r.id, TrackedIssue.number == number)
    ).first()
    return (r, issue) if issue is not None else None


def _same_login(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and a.lower() == b.lower()  # type: ignore[union-attr]


class ClaimLifecycle:
    """Listens to GitHub and the clock on behalf of every claim."""

    def __init__(self, service: GfiService, claims: ClaimActions) -> None:
        self.service = service
        self.claims = claims
        self.outcomes = ClaimWriteOutcomes(service)

    @property
    def db(self):  # type: ignore[no-untyped-def]
        return self.service.services.db

    # -- GitHub events -----------------------------------------------------
    async def on_closed(self, ev: IssueClosed) -> None:
        if ev.is_pull_request:
            return
        store, now = self.service.store, self.service.now()

        def work(session: Session) -> list[int]:
            found = _issue(session, ev.repo, ev.number)
            if found is None:
                return []
            _, issue = found
            assert issue.id is not None
            active = store.active_for_issue(session, issue.id)
            changed = []
            if active is not None:
                store.end(session, active, "closed", ev.at if ev.at else now)
                changed.append(active.member_id)
            for row in store.waitlist(session, issue.id):
                session.delete(row)
                changed.append(row.member_id)
            return changed

        await self.service.homes_changed(*await self.db.run(work))

    async def on_removed(self, ev: IssueRemoved) -> None:
        store, now = self.service.store, self.service.now()

        def work(session: Session) -> int | None:
            found = _issue(session, ev.repo, ev.number)
            if found is not None and found[1].id is not None:
                active = store.active_for_issue(session, found[1].id)
                if active is not None:
                    store.end(session, active, "removed", now)
                    return active.member_id
            return None

        await self.service.homes_changed(await self.db.run(work))

    async def on_merged(self, ev: PullRequestMerged) -> None:
        """A merged PR by the claimer that fixes the issue finishes the claim, with credit."""
        store = self.service.store
        author = ev.author_login or ev.actor_login

        def work(session: Session) -> list[Ended]:
            done = []
            for number in ev.linked_issues:
                found = _issue(session, ev.repo, number)
                if found is None:
                    continue
                _, issue = found
                claim = session.exec(
                    select(GfiClaim)
                    .where(GfiClaim.issue_id == issue.id, col(GfiClaim.credited).is_(False))
                    .where(col(GfiClaim.ended_at).is_(None) | (col(GfiClaim.end_reason) == "closed"))
                    .order_by(col(GfiClaim.claimed_at).desc())
                ).first()
                if claim is None or not _same_login(claim.github_login, author):
                    continue
                claim.pr_number = ev.number
                done.append(end_claim(session, store, claim, "done", ev.at, credited=True))
            return done

        for ended in await self.db.run(work):
            await self.claims.credit(ended, ev.at)

    async def on_pr_opened(self, ev: PullRequestOpened) -> None:
        """An open PR from the claimer that references the issue extends the claim."""
        store = self.service.store
        author = ev.author_login or ev.actor_login

        def work(session: Session) -> list[int]:
            touched = []
            for number in ev.linked_issues:
                found = _issue(session, ev.repo, number)
                if found is None or found[1].id is None:
                    continue
                active = store.active_for_issue(session, found[1].id)
                if active is not None and _same_login(active.github_login, author):
                    active.pr_number = ev.number
                    if store.touch(session, active, ev.at):
                        touched.append(active.member_id)
                    session.add(active)
            return touched

        await self.service.homes_changed(*await self.db.run(work))

    async def on_commented(self, ev: IssueCommented) -> None:
        """The claimer's own comments (on the issue or on their PR) count as activity."""
        if not ev.actor_login:
            return
        store = self.service.store

        def work(session: Session) -> list[int]:
            found = _issue(session, ev.repo, ev.number)
            if found is None:
                return []
            repo, issue = found
            if not ev.is_pull_request and issue.id is not None:
                claims = [c for c in [store.active_for_issue(session, issue.id)] if c is not None]
            else:
                claims = list(
                    session.exec(
                        select(GfiClaim)
                        .join(TrackedIssue, col(TrackedIssue.id) == col(GfiClaim.issue_id))
                        .where(
                            col(GfiClaim.pr_number) == ev.number,
                            col(TrackedIssue.repo_id) == repo.id,
                            col(GfiClaim.ended_at).is_(None),
                        )
                    ).all()
                )
            return [
                claim.member_id
                for claim in claims
                if _same_login(claim.github_login, ev.actor_login) and store.touch(session, claim, ev.at)
            ]

        await self.service.homes_changed(*await self.db.run(work))

    async def on_assigned(self, ev: IssueAssigned) -> None:
        store = self.service.store

        def work(session: Session) -> None:
            found = _issue(session, ev.repo, ev.number)
            if found is None or found[1].id is None:
                return
            active = store.active_for_issue(session, found[1].id)
            if active is not None and _same_login(active.github_login, ev.assignee):
                active.github_state = "assigned"
                session.add(active)

        await self.db.run(work)

    async def on_action_done(self, ev: GitHubActionDone) -> None:
        await self.outcomes.on_done(ev)

    async def on_action_failed(self, ev: GitHubActionFailed) -> None:
        """A GitHub write for a claim can never succeed: see github_outcomes."""
        await self.outcomes.on_failed(ev)

    # -- the clock ---------------------------------------------------------
    async def run_reminders(self) -> ReminderRun:
        """Offers that lapsed move on, due reminders go out, overdue claims are released."""
        service, store, now = self.service, self.service.store, self.service.now()
        claims = self.claims

        def lapse(session: Session) -> list[Offer]:
            offers = []
            for issue_id in store.lapse_offers(session, now):
                issue = session.get(TrackedIssue, issue_id)
                repo = session.get(Repo, issue.repo_id) if issue else None
                if issue is None or repo is None or issue.state != "open":
                    continue
                if store.active_for_issue(session, issue_id) is not None:
                    continue
                nxt = store.offer_next(session, issue_id, now)
                if nxt is not None and nxt.offer_expires_at is not None:
                    ref = issue_ref(repo, issue)
                    offers.append(
                        Offer(nxt.member_id, issue_id, ref, issue.title, issue.html_url, nxt.offer_expires_at)
                    )
            return offers

        offers = await self.db.run(lapse)
        await service.homes_changed(*(offer.member_id for offer in offers))
        for offer in offers:
            await service.notices.dm_offer(
                offer.member_id, offer.issue_id, offer.ref, offer.title, offer.url, offer.until
            )

        def due(
            session: Session,
        ) -> tuple[
            list[tuple[int, int, str, str, str | None, datetime]],
            list[Ended],
            list[tuple[int, str, int, str, int]],
        ]:
            active = col(GfiClaim.ended_at).is_(None)
            to_remind = []
            for claim in session.exec(
                select(GfiClaim).where(
                    active,
                    col(GfiClaim.remind_at) <= now,
                    col(GfiClaim.reminded_at).is_(None),
                    col(GfiClaim.expires_at) > now,
                )
            ).all():
                claim.reminded_at = now  # recorded before the DM: a crash may skip one, never repeat it
                session.add(claim)
                issue = session.get(TrackedIssue, claim.issue_id)
                repo = session.get(Repo, issue.repo_id) if issue else None
                if issue is None or repo is None or claim.id is None:
                    continue
                ref = issue_ref(repo, issue)
                to_remind.append(
                    (claim.member_id, claim.id, ref, issue.title, issue.html_url, claim.expires_at)
                )
            expired = [
                end_claim(session, store, claim, "expired", now)
                for claim in session.exec(
                    select(GfiClaim).where(active, col(GfiClaim.expires_at) <= now)
                ).all()
            ]
            retry = []
            for claim in session.exec(
                select(GfiClaim).where(active, col(GfiClaim.github_state) == "retry")
            ).all():
                issue = session.get(TrackedIssue, claim.issue_id)
                repo = session.get(Repo, issue.repo_id) if issue else None
                if issue is not None and repo is not None and claim.id is not None and claim.github_login:
                    retry.append(
                        (claim.id, repo.full_name, issue.number, claim.github_login, claim.member_id)
                    )
            return to_remind, expired, retry

        to_remind, expired, retry = await self.db.run(due)
        await service.homes_changed(*(member_id for member_id, *_ in to_remind))
        for member_id, claim_id, ref, title, url, expires_at in to_remind:
            await service.notices.dm_reminder(member_id, claim_id, ref, title, url, expires_at)
        for ended in expired:
            await claims.after_end(ended)
            await service.notices.dm_released(ended)
        for claim_id, repo_name, number, login, member_id in retry:
            await self.db.run(lambda s, cid=claim_id: set_github_state(s, cid, "pending"))
            await claims.push_assignment(claim_id, repo_name, number, login, member_id)
        return ReminderRun(len(to_remind), len(expired), len(offers), len(retry))


__all__ = ["ClaimLifecycle", "GfiWaitlist", "ReminderRun"]
