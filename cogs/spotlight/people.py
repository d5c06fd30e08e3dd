"""Contributors as spotlights see them (a member, a GitHub login or both), who is a bot, and who opted
out. Who a maintainer means by a name is the core's member resolver (``bot.core.people``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, or_, select

from bot.db.models import Member
from cogs.spotlight.models import SpotlightOptOut


@dataclass(frozen=True)
class Person:
    """A contributor: a chat member, a GitHub login, or both."""

    member_id: int | None
    github_login: str | None
    display_name: str
    is_bot: bool = False

    @property
    def key(self) -> str:
        return f"gh:{self.github_login.lower()}" if self.github_login else f"member:{self.member_id}"


def verified_login(member: Member) -> str | None:
    """A member's GitHub login, only once the link is verified."""
    return member.github_login if member.github_login and member.github_verified_at else None


def person_of(member: Member) -> Person:
    assert member.id is not None
    return Person(member.id, verified_login(member), member.display_name, member.is_bot)


def is_bot_login(login: str, extra_bots: Iterable[str]) -> bool:
    """GitHub App accounts end in ``[bot]``; ``extra_bots`` are configured logins (renovate, ...)."""
    low = login.lower()
    return low.endswith("[bot]") or low in {b.lower() for b in extra_bots}


def opted_out(session: Session, person: Person) -> bool:
    clauses = []
    if person.member_id is not None:
        clauses.append(SpotlightOptOut.member_id == person.member_id)
    if person.github_login:
        clauses.append(SpotlightOptOut.github_login_lower == person.github_login.lower())
    if not clauses:
        return False
    return session.exec(select(SpotlightOptOut).where(or_(*clauses))).first() is not None


def opted_out_keys(session: Session) -> tuple[set[int], set[str]]:
    """(member ids, lower-case logins) of everyone who said "Never"."""
    rows = session.exec(select(SpotlightOptOut)).all()
    return (
        {r.member_id for r in rows if r.member_id is not None},
        {r.github_login_lower for r in rows if r.github_login_lower},
    )


def set_opt_out(session: Session, person: Person, out: bool, now: datetime) -> None:
    """Remember (or forget) that ``person`` never wants to be interviewed."""
    login = person.github_login.lower() if person.github_login else None
    if not out:
        clauses = []
        if person.member_id is not None:
            clauses.append(col(SpotlightOptOut.member_id) == person.member_id)
        if login:
            clauses.append(col(SpotlightOptOut.github_login_lower) == login)
        for row in session.exec(select(SpotlightOptOut).where(or_(*clauses))) if clauses else ():
            session.delete(row)
        return
    if opted_out(session, person):
        return
    try:
        with session.begin_nested():
            session.add(SpotlightOptOut(member_id=person.member_id, github_login_lower=login, created_at=now))
    except IntegrityError:
        pass  # the same person opted out twice at once: once is enough
