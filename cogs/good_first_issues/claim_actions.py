"""What people do to claims: claim, assign, waitlist, unclaim, release, extend; and the follow-ups.

Database work happens in one transaction per call (``db.run``); GitHub writes go through the port's
outbox after that transaction commits, each with a dedupe key, so a retry never writes twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.core.community_events import ContributionCredited
from bot.db.models import Repo, TrackedIssue
from cogs.good_first_issues.claim_endings import Ended, Offer, end_claim
from cogs.good_first_issues.claims import member_name, set_github_state, verified_login
from cogs.good_first_issues.errors import GfiError
from cogs.good_first_issues.lookup import issue_ref
from cogs.good_first_issues.models import GfiClaim
from cogs.good_first_issues.service import GfiService, MyClaim, Target

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClaimResult:
    """A recorded claim and what happens on GitHub."""

    claim_id: int
    ref: str
    title: str
    url: str | None
    expires_at: datetime
    github: str  # assigning | not_linked | repo_off | no_github


class ClaimActions:
    """Claims and waitlist places changed on someone's request, and the GitHub writes and DMs that follow."""

    def __init__(self, service: GfiService) -> None:
        self.service = service

    # -- claiming ----------------------------------------------------------
    async def claim(self, member_id: int, target: Target, assigned_by: int | None = None) -> ClaimResult:
        """Claim an issue for ``member_id`` (or assign it, when a maintainer passes ``assigned_by``)."""
        service = self.service
        store, rules, now = service.store, service.rules, service.now()
        github = service.services.github

        def work(session: Session) -> tuple[ClaimResult, str, int, str | None]:
            repo, issue = service.resolve(session, target)
            login = verified_login(session, member_id)
            claim = store.claim(session, repo, issue, member_id, login, now, assigned_by=assigned_by)
            if github is None:
                mode = "no_github"
            elif login is None:
                mode = "not_linked"
            elif not rules.assign_on_claim.get(repo.full_name.lower(), False):
                mode = "repo_off"
            else:
                mode = "assigning"
                claim.github_state = "pending"
                session.add(claim)
            session.flush()
            assert claim.id is not None
            result = ClaimResult(
                claim.id, issue_ref(repo, issue), issue.title, issue.html_url, claim.expires_at, mode
            )
            return result, repo.full_name, issue.number, login

        result, repo_name, number, login = await service.services.db.run(work)
        await service.homes_changed(member_id)
        if result.github == "assigning" and login is not None:
            await self.push_assignment(result.claim_id, repo_name, number, login, member_id)
        return result

    async def push_assignment(
        self, claim_id: int, repo: str, number: int, login: str, member_id: int
    ) -> None:
        """Queue the GitHub assignment and the claim comment (idempotent by dedupe key)."""
        services = self.service.services
        github = services.github
        if github is None:
            return
        name = await services.db.run(lambda s: member_name(s, member_id))
        context = {"gfi_claim": str(claim_id), "gfi_action": "assign"}
        try:
            await github.assign(
                repo,
                number,
                login,
                requested_by=member_id,
                dedupe_key=f"gfi-assign-{claim_id}",
                context=context,
            )
            body = self.service.notices.github_comment("claim", login, name)
            await github.comment(
                repo,
                number,
                body,
                requested_by=member_id,
                dedupe_key=f"gfi-claim-comment-{claim_id}",
                context={"gfi_claim": str(claim_id), "gfi_action": "claim_comment"},
            )
        except Exception:
            # Could not even queue it: keep the claim, mark it so the reminders job queues it again.
            log.exception("queueing the GitHub assignment of claim %s failed; will retry", claim_id)
            await services.db.run(lambda s: set_github_state(s, claim_id, "retry"))

    async def join_waitlist(self, member_id: int, target: Target) -> tuple[str, int]:
        """Queue ``member_id`` for a claimed issue; returns (ref, position)."""
        service = self.service
        store, now = service.store, service.now()

        def work(session: Session) -> tuple[str, int]:
            repo, issue = service.resolve(session, target)
            return issue_ref(repo, issue), store.join_waitlist(session, repo, issue, member_id, now)

        joined = await service.services.db.run(work)
        await service.homes_changed(member_id)
        return joined

    async def unclaim(self, member_id: int, target: Target) -> tuple[str, str]:
        """End the invoker's claim (or leave the waitlist); returns (ref, "unclaimed" | "left_waitlist")."""
        service = self.service
        store, now = service.store, service.now()

        def work(session: Session) -> tuple[str, str, Ended | None, Offer | None]:
            repo, issue = service.resolve(session, target)
            assert issue.id is not None
            ref = issue_ref(repo, issue)
            active = store.active_for_issue(session, issue.id)
            if active is not None and active.member_id == member_id:
                return ref, "unclaimed", end_claim(session, store, active, "unclaimed", now), None
            held = store.current_offer(session, issue.id, now)
            if store.leave_waitlist(session, issue.id, member_id):
                offer = None
                if held is not None and held.member_id == member_id and active is None:
                    # They held the reservation: pass it to the next person in line.
                    nxt = store.offer_next(session, issue.id, now)
                    if nxt is not None and nxt.offer_expires_at is not None:
                        offer = Offer(
                            nxt.member_id, issue.id, ref, issue.title, issue.html_url, nxt.offer_expires_at
                        )
                return ref, "left_waitlist", None, offer
            raise GfiError("gfi.error.not_yours", outside={"ref": ref})

        ref, outcome, ended, offer = await service.services.db.run(work)
        if ended is not None:
            await self.after_end(ended)
        else:
            await service.homes_changed(member_id, offer.member_id if offer else None)
        if offer is not None:
            await service.notices.dm_offer(
                offer.member_id, offer.issue_id, offer.ref, offer.title, offer.url, offer.until
            )
        return ref, outcome

    async def release(self, target: Target) -> tuple[str, int]:
        """Maintainers: end whoever's claim is on the issue; returns (ref, claimer member id)."""
        service = self.service
        store, now = service.store, service.now()

        def work(session: Session) -> Ended:
            repo, issue = service.resolve(session, target)
            assert issue.id is not None
            active = store.active_for_issue(session, issue.id)
            if active is None:
                raise GfiError("gfi.error.not_claimed", outside={"ref": issue_ref(repo, issue)})
            return end_claim(session, store, active, "released", now)

        ended = await service.services.db.run(work)
        await self.after_end(ended)
        await service.notices.dm_released(ended, by_maintainer=True)
        return ended.ref, ended.member_id

    async def still_working(self, member_id: int, claim_id: int) -> MyClaim:
        """The "still working" button of a reminder: push the claim's deadlines out."""
        service = self.service
        now = service.now()
        store = service.store

        def work(session: Session) -> MyClaim:
            claim = session.get(GfiClaim, claim_id)
            if claim is None or claim.member_id != member_id or claim.ended_at is not None:
                raise GfiError("gfi.error.claim_gone")
            store.touch(session, claim, now)
            issue = session.get(TrackedIssue, claim.issue_id)
            repo = session.get(Repo, issue.repo_id) if issue else None
            assert issue is not None and repo is not None
            ref = issue_ref(repo, issue)
            return MyClaim(
                claim_id,
                ref,
                issue.title,
                issue.html_url,
                claim.claimed_at,
                claim.expires_at,
                claim.github_state,
            )

        mine = await service.services.db.run(work)
        await service.homes_changed(member_id)
        return mine

    async def release_own(self, member_id: int, claim_id: int) -> str:
        """The "release" button of a reminder."""
        service = self.service
        store, now = service.store, service.now()

        def work(session: Session) -> Ended:
            claim = session.get(GfiClaim, claim_id)
            if claim is None or claim.member_id != member_id or claim.ended_at is not None:
                raise GfiError("gfi.error.claim_gone")
            return end_claim(session, store, claim, "unclaimed", now)

        ended = await service.services.db.run(work)
        await self.after_end(ended)
        return ended.ref

    # -- after a claim ended -----------------------------------------------
    async def after_end(self, ended: Ended) -> None:
        """Unassign on GitHub what we assigned, and offer the issue to whoever is next in line."""
        service = self.service
        await service.homes_changed(ended.member_id, ended.offered_to)
        github = service.services.github
        if github is not None and ended.was_assigned and ended.login:
            try:
                await github.unassign(
                    ended.repo,
                    ended.number,
                    ended.login,
                    requested_by=ended.member_id,
                    dedupe_key=f"gfi-unassign-{ended.claim_id}",
                    context={"gfi_claim": str(ended.claim_id), "gfi_action": "unassign"},
                )
            except Exception:
                log.exception("queueing the unassignment of claim %s failed", ended.claim_id)
        if ended.offered_to is not None and ended.offer_until is not None:
            await service.notices.dm_offer(
                ended.offered_to, ended.issue_id, ended.ref, ended.title, ended.url, ended.offer_until
            )

    async def credit(self, ended: Ended, at: datetime) -> None:
        """Publish the credit for spotlights and onboarding, thank the person, refresh their home page."""
        service = self.service
        await service.services.bus.publish(
            ContributionCredited(ended.member_id, ended.login, "gfi_done", ended.ref, at)
        )
        await service.notices.dm_thanks(ended)
        await service.homes_changed(ended.member_id)
