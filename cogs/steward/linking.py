"""Linking a chat member to a GitHub login, proven by a one-time code in their bio or a public gist."""

from __future__ import annotations

import math
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from bot.core.errors import UserError
from bot.core.github_port import GitHubBusy, GitHubPort
from bot.db.models import Member
from cogs.steward.models import LinkCode

_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")


def check_login(login: str) -> str:
    """``login`` without a leading @, or a UserError when GitHub could not have such a user."""
    value = login.strip().lstrip("@")
    if not _LOGIN.match(value):
        raise UserError("steward.link.bad_login", outside={"login": login})
    return value


def taken_by_other(session: Session, member_id: int, login: str) -> bool:
    other = session.exec(
        select(Member.id).where(Member.github_login_lower == login.lower(), Member.id != member_id)
    ).first()
    return other is not None


def start_link(session: Session, member_id: int, login: str, now: datetime, lifetime: timedelta) -> LinkCode:
    """A fresh one-time code for (member, login); an earlier pending code is replaced."""
    if taken_by_other(session, member_id, login):
        raise UserError("steward.link.taken", outside={"login": login})
    delete_expired_codes(session, now)
    session.exec(delete(LinkCode).where(col(LinkCode.member_id) == member_id))
    row = LinkCode(
        member_id=member_id,
        login=login,
        code=f"steward-{secrets.token_hex(5)}",
        created_at=now,
        expires_at=now + lifetime,
    )
    session.add(row)
    session.flush()
    return row


def pending_code(session: Session, member_id: int, now: datetime) -> LinkCode | None:
    row = session.exec(select(LinkCode).where(LinkCode.member_id == member_id)).first()
    if row is None or row.expires_at <= now:
        return None
    return row


async def proof_found(github: GitHubPort, login: str, code: str) -> bool | None:
    """True when ``code`` is in the bio or a public gist of ``login``; None when the user does not exist."""
    bio = await github.user_bio(login)
    if bio is None:
        return None
    if code in bio:
        return True
    return any(code in text for text in await github.public_gist_texts(login))


def complete_link(session: Session, member_id: int, login: str, now: datetime) -> None:
    """Store the verified login on the member and drop the code. Features that copy the login (claims)
    follow the ``GitHubLinked`` event the caller publishes after this commits."""
    member = session.get(Member, member_id)
    assert member is not None
    if taken_by_other(session, member_id, login):
        raise UserError("steward.link.taken", outside={"login": login})
    member.github_login = login
    member.github_login_lower = login.lower()
    member.github_verified_at = now
    try:
        with session.begin_nested():
            session.add(member)
    except IntegrityError:  # a concurrent link of the same login won
        raise UserError("steward.link.taken", outside={"login": login}) from None
    session.exec(delete(LinkCode).where(col(LinkCode.member_id) == member_id))


def unlink(session: Session, member_id: int) -> str | None:
    """Forget the member's GitHub login; returns the login that was linked, if any."""
    member = session.get(Member, member_id)
    if member is None or member.github_login is None:
        return None
    login = member.github_login
    member.github_login = None
    member.github_login_lower = None
    member.github_verified_at = None
    session.add(member)
    session.exec(delete(LinkCode).where(col(LinkCode.member_id) == member_id))
    return login


def verified_login(session: Session, member_id: int) -> str | None:
    member = session.get(Member, member_id)
    if member is None or member.github_verified_at is None:
        return None
    return member.github_login


def delete_expired_codes(session: Session, now: datetime) -> int:
    """Drop codes nobody used in time (run with each new link, so none outlive the next one long)."""
    result = session.exec(delete(LinkCode).where(col(LinkCode.expires_at) <= now))
    return int(getattr(result, "rowcount", 0) or 0)


def busy(exc: GitHubBusy, now: datetime) -> UserError:
    """What a person is told when GitHub's budget is spent: when to try again (at least a minute)."""
    seconds = (exc.retry_at - now).total_seconds() if exc.retry_at is not None else 3600
    return UserError("steward.link.busy", minutes=max(1, math.ceil(seconds / 60)))
