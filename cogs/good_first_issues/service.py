"""The board's logic behind the commands: list, show, claim, unclaim, release, waitlist, mine, stats.

Database work happens in one transaction per call (``db.run``); GitHub writes go through the port's
outbox after that transaction commits, each with a dedupe key, so a retry never writes twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.config.sections.community import GoodFirstIssuesConfig
from bot.core.cog import Services
from bot.core.community_events import ContributionCredited
from bot.core.events import HomeChanged
from bot.db.models import ISSUES_TOPIC, Member, Repo, TrackedIssue
from cogs.good_first_issues.board import (
    BoardEntry,
    BoardFilter,
    BoardPage,
    BoardRules,
    entries_for,
    list_board,
)
from cogs.good_first_issues.board_index import BoardIndex, rebuild
from cogs.good_first_issues.claims import ClaimPolicy, ClaimStore, issue_ref, member_name
from cogs.good_first_issues.errors import GfiError
from cogs.good_first_issues.home import HomeBoard, home_board
from cogs.good_first_issues.linking import verified_login
from cogs.good_first_issues.models import GfiClaim, GfiWaitlist
from cogs.good_first_issues.notices import Notices
from cogs.good_first_issues.refs import IssueRef, parse_issue_ref

log = logging.getLogger(__name__)
Target = IssueRef | int  # what the person typed, or an issue id from a button


@dataclass(frozen=True)
class ClaimResult:
    """A recorded claim and what happens on GitHub."""

    claim_id: int
    ref: str
    title: str
    url: str | None
    expires_at: datetime
    github: str  # assigning | not_linked | repo_off | no_github


@dataclass(frozen=True)
class IssueDetails:
    """What /gfi show tells about one issue."""

    entry: BoardEntry
    state: str
    assignees: tuple[str, ...]
    claimer: str | None
    claimer_since: datetime | None
    waiting: int
    on_board: bool


@dataclass(frozen=True)
class MyClaim:
    """One of the invoker's running claims."""

    claim_id: int
    ref: str
    title: str
    url: str | None
    claimed_at: datetime
    expires_at: datetime
    github_state: str


@dataclass(frozen=True)
class Ended:
    """A claim that just ended, with the follow-ups it needs outside the transaction."""

    claim_id: int
    member_id: int
    issue_id: int
    repo: str
    number: int
    ref: str
    title: str
    url: str | None
    login: str | None
    was_assigned: bool
    offered_to: int | None
    offer_until: datetime | None


@dataclass(frozen=True)
class Offer:
    """A freed issue reserved for the next person on its waitlist."""

    member_id: int
    issue_id: int
    ref: str
    title: str
    url: str | None
    until: datetime


@dataclass(frozen=True)
class Stats:
    """Numbers for /gfi stats."""

    on_board: int
    active: int
    waiting: int
    finished_30d: int
    expired_30d: int
    released_30d: int
    refused_on_github: int
    top: list[tuple[str, int]]


class GfiService:
    """Everything the cog asks of the board; follows config reloads."""

    def __init__(self, services: Services, notices: Notices) -> None:
        self.services = services
        self.notices = notices
        self.index = BoardIndex(lambda: self.rules)
        services.db.on_change(ISSUES_TOPIC, self.index.on_change)

    # -- configuration -----------------------------------------------------
    @property
    def config(self) -> GoodFirstIssuesConfig:
        return self.services.config.good_first_issues or GoodFirstIssuesConfig()

    @property
    def rules(self) -> BoardRules:
        return BoardRules.from_config(self.services.config)

    @property
    def store(self) -> ClaimStore:
        c = self.config
        return ClaimStore(
            self.rules,
            ClaimPolicy(
                c.claim_lifetime, c.reminder_at, c.claim_limit, c.newcomer_claim_limit, c.offer_window
            ),
        )

    def now(self) -> datetime:
        return self.services.clock.now()

    # -- reading -----------------------------------------------------------
    async def ensure_board(self) -> None:
        """Rebuild gfi_board_entry when this process has not built it for the running rules yet."""
        rules = self.index.stale_for()
        if rules is not None:
            await self.services.db.run(rebuild, rules)
            self.index.built_for = rules

    async def page(self, flt: BoardFilter, page: int) -> BoardPage:
        await self.ensure_board()
        rules = self.rules
        size = self.config.page_size
        return await self.services.db.run(lambda s: list_board(s, rules, flt, page, size))

    def _resolve(self, session: Session, store: ClaimStore, target: Target) -> tuple[Repo, TrackedIssue]:
        if isinstance(target, IssueRef):
            return store.resolve(session, target)
        issue = session.get(TrackedIssue, target)
        repo = session.get(Repo, issue.repo_id) if issue is not None else None
        if issue is None or repo is None:
            raise GfiError("gfi.error.unknown_issue", outside={"ref": f"#{target}"})
        return store.resolve(session, IssueRef(repo.full_name, issue.number))

    async def details(self, target: Target) -> IssueDetails:
        store, rules = self.store, self.rules

        def work(session: Session) -> IssueDetails:
            repo, issue = self._resolve(session, store, target)
            assert issue.id is not None and repo.id is not None
            [entry] = entries_for(session, rules, [issue], {repo.id: repo.full_name})
            active = store.active_for_issue(session, issue.id)
            return IssueDetails(
                entry=entry,
                state=issue.state,
                assignees=tuple(issue.assignees),
                claimer=member_name(session, active.member_id) if active else None,
                claimer_since=active.claimed_at if active else None,
                waiting=len(store.waitlist(session, issue.id)),
                on_board=rules.on_board_labels(repo.full_name, entry.labels),
            )

        return await self.services.db.run(work)

    async def home(self, member_id: int) -> HomeBoard:
        """``member_id``'s claims and waitlist places, for their home page."""
        store, now = self.store, self.now()
        return await self.services.db.run(lambda s: home_board(s, store, member_id, now))

    async def homes_changed(self, *member_ids: int | None) -> None:
        """Tell adapters that these people's claims or waitlist places changed (they refresh home pages)."""
        for member_id in dict.fromkeys(m for m in member_ids if m is not None):
            await self.services.bus.publish(HomeChanged(member_id))

    async def mine(self, member_id: int) -> list[MyClaim]:
        store = self.store

        def work(session: Session) -> list[MyClaim]:
            out = []
            for claim in store.active_for_member(session, member_id):
                issue = session.get(TrackedIssue, claim.issue_id)
                repo = session.get(Repo, issue.repo_id) if issue else None
                if issue is None or repo is None or claim.id is None:
                    continue
                out.append(
                    MyClaim(
                        claim.id,
                        issue_ref(repo, issue),
                        issue.title,
                        issue.html_url,
                        claim.claimed_at,
                        claim.expires_at,
                        claim.github_state,
                    )
                )
            return out

        return await self.services.db.run(work)

    # -- claiming ----------------------------------------------------------
    async def claim(self, member_id: int, target: Target, assigned_by: int | None = None) -> ClaimResult:
        """Claim an issue for ``member_id`` (or assign it, when a maintainer passes ``assigned_by``)."""
        store, rules, now = self.store, self.rules, self.now()
        github = self.services.github

        def work(session: Session) -> tuple[ClaimResult, str, int, str | None]:
            repo, issue = self._resolve(session, store, target)
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

        result, repo_name, number, login = await self.services.db.run(work)
        await self.homes_changed(member_id)
        if result.github == "assigning" and login is not None:
            await self.push_assignment(result.claim_id, repo_name, number, login, member_id)
        return result

    async def push_assignment(
        self, claim_id: int, repo: str, number: int, login: str, member_id: int
    ) -> None:
        """Queue the GitHub assignment and the claim comment (idempotent by dedupe key)."""
        github = self.services.github
        if github is None:
            return
        name = await self.services.db.run(lambda s: member_name(s, member_id))
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
            body = self.notices.github_comment("claim", login, name)
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
            await self.services.db.run(lambda s: _set_github_state(s, claim_id, "retry"))

    async def join_waitlist(self, member_id: int, target: Target) -> tuple[str, int]:
        store, now = self.store, self.now()

        def work(session: Session) -> tuple[str, int]:
            repo, issue = self._resolve(session, store, target)
            return issue_ref(repo, issue), store.join_waitlist(session, repo, issue, member_id, now)

        joined = await self.services.db.run(work)
        await self.homes_changed(member_id)
        return joined

    async def unclaim(self, member_id: int, target: Target) -> tuple[str, str]:
        """End the invoker's claim (or leave the waitlist); returns (ref, "unclaimed" | "left_waitlist")."""
        store, now = self.store, self.now()

        def work(session: Session) -> tuple[str, str, Ended | None, Offer | None]:
            repo, issue = self._resolve(session, store, target)
            assert issue.id is not None
            ref = issue_ref(repo, issue)
            active = store.active_for_issue(session, issue.id)
            if active is not None and active.member_id == member_id:
                return ref, "unclaimed", self._end(session, store, active, "unclaimed", now), None
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

        ref, outcome, ended, offer = await self.services.db.run(work)
        if ended is not None:
            await self.after_end(ended)
        else:
            await self.homes_changed(member_id, offer.member_id if offer else None)
        if offer is not None:
            await self.notices.dm_offer(
                offer.member_id, offer.issue_id, offer.ref, offer.title, offer.url, offer.until
            )
        return ref, outcome

    async def release(self, target: Target) -> tuple[str, int]:
        """Maintainers: end whoever's claim is on the issue; returns (ref, claimer member id)."""
        store, now = self.store, self.now()

        def work(session: Session) -> Ended:
            repo, issue = self._resolve(session, store, target)
            assert issue.id is not None
            active = store.active_for_issue(session, issue.id)
            if active is None:
                raise GfiError("gfi.error.not_claimed", outside={"ref": issue_ref(repo, issue)})
            return self._end(session, store, active, "released", now)

        ended = await self.services.db.run(work)
        await self.after_end(ended)
        await self.notices.dm_released(ended, by_maintainer=True)
        return ended.ref, ended.member_id

    async def still_working(self, member_id: int, claim_id: int) -> MyClaim:
        now = self.now()
        store = self.store

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

        mine = await self.services.db.run(work)
        await self.homes_changed(member_id)
        return mine

    async def release_own(self, member_id: int, claim_id: int) -> str:
        """The "release" button of a reminder."""
        store, now = self.store, self.now()

        def work(session: Session) -> Ended:
            claim = session.get(GfiClaim, claim_id)
            if claim is None or claim.member_id != member_id or claim.ended_at is not None:
                raise GfiError("gfi.error.claim_gone")
            return self._end(session, store, claim, "unclaimed", now)

        ended = await self.services.db.run(work)
        await self.after_end(ended)
        return ended.ref

    # -- ending claims -----------------------------------------------------
    def _end(
        self,
        session: Session,
        store: ClaimStore,
        claim: GfiClaim,
        reason: str,
        now: datetime,
        credited: bool = False,
    ) -> Ended:
        """End ``claim`` and, unless the issue is done, reserve it for the next person waiting."""
        store.end(session, claim, reason, now, credited)
        issue = session.get(TrackedIssue, claim.issue_id)
        repo = session.get(Repo, issue.repo_id) if issue else None
        assert issue is not None and repo is not None and claim.id is not None
        ref = issue_ref(repo, issue)
        offer = None
        if reason in ("unclaimed", "released", "expired") and issue.state == "open":
            offer = store.offer_next(session, claim.issue_id, now)
        return Ended(
            claim.id,
            claim.member_id,
            claim.issue_id,
            repo.full_name,
            issue.number,
            ref,
            issue.title,
            issue.html_url,
            claim.github_login,
            claim.github_state in ("pending", "assigned", "retry"),
            offer.member_id if offer else None,
            offer.offer_expires_at if offer else None,
        )

    async def after_end(self, ended: Ended) -> None:
        """Unassign on GitHub what we assigned, and offer the issue to whoever is next in line."""
        await self.homes_changed(ended.member_id, ended.offered_to)
        github = self.services.github
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
            await self.notices.dm_offer(
                ended.offered_to, ended.issue_id, ended.ref, ended.title, ended.url, ended.offer_until
            )

    async def credit(self, ended: Ended, at: datetime) -> None:
        """Publish the credit for spotlights and onboarding, thank the person, refresh their home page."""
        await self.services.bus.publish(
            ContributionCredited(ended.member_id, ended.login, "gfi_done", ended.ref, at)
        )
        await self.notices.dm_thanks(ended)
        await self.homes_changed(ended.member_id)

    # -- stats -------------------------------------------------------------
    async def stats(self) -> Stats:
        rules, now = self.rules, self.now()
        since = now - timedelta(days=30)

        def work(session: Session) -> Stats:
            from cogs.good_first_issues.board import board_size

            def count(*conditions: object) -> int:
                return int(session.exec(select(func.count()).select_from(GfiClaim).where(*conditions)).one())  # type: ignore[arg-type]

            ended = col(GfiClaim.ended_at)
            reason = col(GfiClaim.end_reason)
            top = session.exec(
                select(Member.display_name, func.count())
                .join(GfiClaim, col(GfiClaim.member_id) == col(Member.id))
                .where(col(GfiClaim.credited).is_(True))
                .group_by(col(Member.id), col(Member.display_name))
                .order_by(func.count().desc(), col(Member.display_name))
                .limit(5)
            ).all()
            waiting = int(session.exec(select(func.count()).select_from(GfiWaitlist)).one())
            return Stats(
                on_board=board_size(session, rules),
                active=count(col(GfiClaim.open_issue_id).is_not(None)),
                waiting=waiting,
                finished_30d=count(reason == "done", ended >= since),
                expired_30d=count(reason == "expired", ended >= since),
                released_30d=count(reason == "released", ended >= since),
                refused_on_github=count(col(GfiClaim.github_state) == "refused", ended.is_(None)),
                top=[(name, int(n)) for name, n in top],
            )

        return await self.services.db.run(work)


def _set_github_state(session: Session, claim_id: int, state: str) -> None:
    claim = session.get(GfiClaim, claim_id)
    if claim is not None:
        claim.github_state = state
        session.add(claim)


def parse_target(text: str) -> IssueRef:
    """What a person typed, parsed (GfiError naming the accepted forms otherwise)."""
    return parse_issue_ref(text)
