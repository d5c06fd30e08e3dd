"""The board's shared context (config, rules, clock, notices) and its read side: pages, details, mine, stats.

What people do to claims lives in claim_actions, what claims do on their own in lifecycle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.core.cog import Services
from bot.core.events import HomeChanged
from bot.db.models import ISSUES_TOPIC, Repo, TrackedIssue
from cogs.good_first_issues.board import (
    BoardEntry,
    BoardFilter,
    BoardPage,
    BoardRules,
    entries_for,
    list_board,
)
from cogs.good_first_issues.board_index import BoardIndex, rebuild
from cogs.good_first_issues.board_stats import Stats, board_stats
from cogs.good_first_issues.claimed import ClaimedEntry, claimed_entries
from cogs.good_first_issues.claims import ClaimPolicy, ClaimStore, member_name
from cogs.good_first_issues.config import GoodFirstIssuesConfig
from cogs.good_first_issues.errors import GfiError
from cogs.good_first_issues.home import HomeBoard, home_board
from cogs.good_first_issues.lookup import IssueLookup, issue_ref
from cogs.good_first_issues.notices import Notices
from cogs.good_first_issues.refs import IssueRef, parse_issue_ref
from cogs.good_first_issues.reservations import Reservation, open_offers

Target = IssueRef | int  # what the person typed, or an issue id from a button


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
    reserved: Reservation | None = None  # a waitlist offer is running: only its reservee may claim
    claimer_id: int | None = None


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


class GfiService:
    """Context for the rest of the cog (config, rules, clock) and the reads behind its commands."""

    def __init__(
        self, services: Services, notices: Notices, section: Callable[[], GoodFirstIssuesConfig | None]
    ) -> None:
        self.services = services
        self.notices = notices
        self._section = section  # the current section on each call, so reloads apply
        self.index = BoardIndex(lambda: self.rules)
        services.db.on_change(ISSUES_TOPIC, self.index.on_change)

    # -- configuration -----------------------------------------------------
    @property
    def config(self) -> GoodFirstIssuesConfig:
        return self._section() or GoodFirstIssuesConfig()

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

    def resolve(self, session: Session, target: Target) -> tuple[Repo, TrackedIssue]:
        """The repo and issue ``target`` names (a typed ref or a button's issue id); GfiError otherwise."""
        lookup = IssueLookup(self.rules)
        if isinstance(target, IssueRef):
            return lookup.resolve(session, target)
        issue = session.get(TrackedIssue, target)
        repo = session.get(Repo, issue.repo_id) if issue is not None else None
        if issue is None or repo is None:
            raise GfiError("gfi.error.unknown_issue", outside={"ref": f"#{target}"})
        return lookup.resolve(session, IssueRef(repo.full_name, issue.number))

    async def homes_changed(self, *member_ids: int | None) -> None:
        """Tell adapters that these people's claims or waitlist places changed (they refresh home pages)."""
        for member_id in dict.fromkeys(m for m in member_ids if m is not None):
            await self.services.bus.publish(HomeChanged(member_id))

    # -- reading -----------------------------------------------------------
    async def ensure_board(self) -> None:
        """Rebuild gfi_board_entry when this process has not built it for the running rules yet."""
        rules = self.index.stale_for()
        if rules is not None:
            await self.services.db.run(rebuild, rules)
            self.index.built_for = rules

    async def page(self, flt: BoardFilter, page: int, size: int | None = None) -> BoardPage:
        """One page of the board as /gfi list shows it (``size`` defaults to the chat page size)."""
        await self.ensure_board()
        rules = self.rules
        size, now = size or self.config.page_size, self.now()
        return await self.services.db.run(lambda s: list_board(s, rules, flt, page, size, now))

    async def claimed(self, flt: BoardFilter, limit: int) -> list[ClaimedEntry]:
        """The latest running claims on newcomer issues, for the public board's "being worked on"."""
        rules = self.rules
        return await self.services.db.run(lambda s: claimed_entries(s, rules, flt, limit))

    async def details(self, target: Target) -> IssueDetails:
        store, rules, now = self.store, self.rules, self.now()

        def work(session: Session) -> IssueDetails:
            repo, issue = self.resolve(session, target)
            assert issue.id is not None and repo.id is not None
            [entry] = entries_for(session, rules, [issue], {repo.id: repo.full_name})
            reserved = open_offers(session, [issue.id], now).get(issue.id)
            active = store.active_for_issue(session, issue.id)
            return IssueDetails(
                entry=entry,
                state=issue.state,
                assignees=tuple(issue.assignees),
                claimer=member_name(session, active.member_id) if active else None,
                claimer_since=active.claimed_at if active else None,
                claimer_id=active.member_id if active else None,
                # The person an offer is reserved for has left the queue's wait: count the others.
                waiting=sum(
                    1
                    for row in store.waitlist(session, issue.id)
                    if reserved is None or row.member_id != reserved.member_id
                ),
                on_board=rules.on_board_labels(repo.full_name, entry.labels),
                reserved=reserved,
            )

        return await self.services.db.run(work)

    async def home(self, member_id: int) -> HomeBoard:
        """``member_id``'s claims and waitlist places, for their home page."""
        store, now = self.store, self.now()
        return await self.services.db.run(lambda s: home_board(s, store, member_id, now))

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

    async def stats(self) -> Stats:
        """Numbers for /gfi stats, over the last 30 days."""
        rules, now = self.rules, self.now()
        return await self.services.db.run(lambda s: board_stats(s, rules, now))


def parse_target(text: str) -> IssueRef:
    """What a person typed, parsed (GfiError naming the accepted forms otherwise)."""
    return parse_issue_ref(text)
