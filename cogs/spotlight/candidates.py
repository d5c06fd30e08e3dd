"""Propose people to interview from the synced GitHub history and recorded credits, ranked with reasons."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import case
from sqlmodel import Session, col, func, select

from bot.db.models import Member, TrackedIssue
from cogs.spotlight.models import OPEN_STATUSES, SpotlightCredit, SpotlightInterview, Status
from cogs.spotlight.people import Person, is_bot_login, opted_out_keys, verified_login

# How much each kind of reason weighs in the ranking. A kind counts once however often it is given:
# five nominations of one person weigh what one does (the list still shows every distinct note).
WEIGHTS = {
    "nominated": 4,
    "first_contribution": 3,
    "anniversary": 3,
    "gfi_done": 2,
    "path_finished": 2,
}
MAX_PR_POINTS = 5  # one point per merged PR in the look-back window, up to this


@dataclass
class Reason:
    """Why someone is proposed: ``kind`` with a count (merged PRs, years, nominators, finished issues)
    and the details given with it (nomination notes, issues), each once."""

    kind: str
    count: int = 0
    details: tuple[str, ...] = ()


@dataclass
class Candidate:
    """A person worth interviewing, with every reason found."""

    person: Person
    reasons: list[Reason] = field(default_factory=list)

    @property
    def score(self) -> int:
        """The ranking: each kind of reason once (merged PRs one point each, up to a cap)."""
        total = 0
        for kind, r in {r.kind: r for r in self.reasons}.items():
            total += min(r.count, MAX_PR_POINTS) if kind == "merged_prs" else WEIGHTS.get(kind, 1)
        return total


@dataclass(frozen=True)
class CandidateRules:
    """The config values the ranking depends on."""

    lookback_weeks: int
    cooldown_months: int
    not_now_cooldown: timedelta
    bot_logins: tuple[str, ...] = ()


def months_before(when: datetime, months: int) -> datetime:
    """The same wall time ``months`` calendar months earlier (day clamped to the month's length)."""
    total = when.year * 12 + (when.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    for day in (when.day, 30, 29, 28):
        try:
            return when.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def anniversary_years(first: datetime, now: datetime, window: timedelta = timedelta(days=7)) -> int:
    """Whole years since ``first`` when an anniversary of it fell within ``window`` before ``now``; else 0."""
    years = now.year - first.year
    for y in (years, years - 1):
        if y < 1:
            continue
        try:
            anniversary = first.replace(year=first.year + y)
        except ValueError:  # 29 February
            anniversary = first.replace(year=first.year + y, day=28)
        if now - window < anniversary <= now:
            return y
    return 0


def credit_reason(kind: str, credits: list[SpotlightCredit]) -> Reason:
    """One reason for all of a person's credits of one kind: the distinct details, and how many
    people nominated them (nominations) or how many distinct things they finished (other credits)."""
    details: dict[str, str] = {}
    for credit in credits:
        text = credit.detail.strip()
        if text:
            details.setdefault(text.casefold(), text)
    if kind == "nominated":
        count = len({c.by_member_id for c in credits})
    else:
        count = len({c.detail.strip().casefold() for c in credits})
    return Reason(kind, count, tuple(details.values()))


class CandidateFinder:
    """Ranks contributors: merged PRs, first contributions, anniversaries, nominations and credits."""

    def __init__(self, rules: CandidateRules) -> None:
        self.rules = rules

    def find(self, session: Session, now: datetime, limit: int | None = None) -> list[Candidate]:
        since = now - timedelta(weeks=self.rules.lookback_weeks)
        found: dict[str, Candidate] = {}
        members_by_login = self._linked_members(session)

        def entry(login: str | None, member: Member | None) -> Candidate:
            login = login or (verified_login(member) if member is not None else None)
            if login and member is None:
                member = members_by_login.get(login.lower())
            if member is not None:
                assert member.id is not None
                person = Person(member.id, login, member.display_name, member.is_bot)
            else:
                person = Person(None, login, login or "?")
            cand = found.get(person.key)
            if cand is None:
                cand = found[person.key] = Candidate(person)
            return cand

        for login, first, last_window_count in self._merged_history(session, since):
            cand = entry(login, None)
            if last_window_count:
                cand.reasons.append(Reason("merged_prs", last_window_count))
            if first >= since:
                cand.reasons.append(Reason("first_contribution"))
            years = anniversary_years(first, now)
            if years:
                cand.reasons.append(Reason("anniversary", years))
        self._add_credits(session, since, entry)
        return self._filter(session, found.values(), now, limit)

    def _linked_members(self, session: Session) -> dict[str, Member]:
        rows = session.exec(select(Member).where(col(Member.github_login).is_not(None))).all()
        return {m.github_login.lower(): m for m in rows if m.github_login and verified_login(m)}

    def _merged_history(self, session: Session, since: datetime) -> Iterable[tuple[str, datetime, int]]:
        """(login, first merge ever, merges since ``since``) per author of a merged pull request."""
        login = func.max(TrackedIssue.author_login)
        in_window = func.sum(case((col(TrackedIssue.merged_at) >= since, 1), else_=0))
        query = (
            select(login, func.min(TrackedIssue.merged_at), in_window)
            .where(
                col(TrackedIssue.is_pull_request).is_(True),
                col(TrackedIssue.merged).is_(True),
                col(TrackedIssue.merged_at).is_not(None),
                col(TrackedIssue.removed_at).is_(None),
                col(TrackedIssue.author_login).is_not(None),
            )
            .group_by(func.lower(TrackedIssue.author_login))
        )
        for name, first, count in session.exec(query):
            if name and first is not None:
                yield str(name), first, int(count or 0)

    def _add_credits(
        self, session: Session, since: datetime, add: Callable[[str | None, Member | None], Candidate]
    ) -> None:
        last_invite: dict[int, datetime] = {}
        for member_id, invited_at in session.exec(
            select(SpotlightInterview.member_id, func.max(SpotlightInterview.invited_at)).group_by(
                col(SpotlightInterview.member_id)
            )
        ):
            last_invite[member_id] = invited_at
        credits = session.exec(select(SpotlightCredit).order_by(col(SpotlightCredit.at))).all()
        grouped: dict[tuple[str, str], tuple[Candidate, list[SpotlightCredit]]] = {}
        for credit in credits:
            member = session.get(Member, credit.member_id) if credit.member_id is not None else None
            if credit.kind == "nominated":
                # A nomination stands until the person is next invited, whatever its age.
                if member is not None and member.id in last_invite and last_invite[member.id] >= credit.at:
                    continue
            elif credit.at < since:
                continue
            cand = add(credit.github_login_lower, member)
            grouped.setdefault((cand.person.key, credit.kind), (cand, []))[1].append(credit)
        for (_, kind), (cand, group) in grouped.items():
            cand.reasons.append(credit_reason(kind, group))

    def _filter(
        self, session: Session, candidates: Iterable[Candidate], now: datetime, limit: int | None
    ) -> list[Candidate]:
        out_members, out_logins = opted_out_keys(session)
        busy_members: set[int] = set()
        busy_logins: set[str] = set()
        cooldown_start = months_before(now, self.rules.cooldown_months)
        for row in session.exec(select(SpotlightInterview)):
            recent_publish = row.published_at is not None and row.published_at >= cooldown_start
            recent_no = (
                row.status == Status.DECLINED
                and row.closed_at is not None
                and row.closed_at >= now - self.rules.not_now_cooldown
            )
            if row.status in OPEN_STATUSES or recent_publish or recent_no:
                busy_members.add(row.member_id)
                if row.github_login:
                    busy_logins.add(row.github_login.lower())
        kept = []
        for cand in candidates:
            p = cand.person
            login = p.github_login.lower() if p.github_login else None
            if p.is_bot or (login and is_bot_login(login, self.rules.bot_logins)):
                continue
            if (p.member_id in out_members) or (login in out_logins):
                continue
            if (p.member_id in busy_members) or (login in busy_logins):
                continue
            if cand.reasons:
                kept.append(cand)
        kept.sort(key=lambda c: (-c.score, c.person.display_name.lower()))
        return kept[:limit] if limit else kept
