"""The calendar feeds' secret: the configured `oncall.calendar_token`, else one generated once.

Feeds list who is on call when, so they are never served without a token. A deployment that sets
none gets a random one, stored in the database so every instance and every restart agree on it.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from cogs.oncall.models import OncallFeedToken

TOKEN_NAME = "calendar"


def stored_feed_token(session: Session, now: datetime) -> str:
    """The generated feed token, created on first use (race-free across instances)."""
    row = session.get(OncallFeedToken, TOKEN_NAME)
    if row is not None:
        return row.token
    token = secrets.token_urlsafe(32)
    try:
        with session.begin_nested():
            session.add(OncallFeedToken(name=TOKEN_NAME, token=token, created_at=now))
    except IntegrityError:  # another instance generated it at the same moment: use theirs
        row = session.get(OncallFeedToken, TOKEN_NAME)
        assert row is not None
        return row.token
    return token


def token_matches(given: str, expected: str) -> bool:
    """Constant-time comparison of a token from a URL (any characters at all) with the expected one."""
    # As bytes: `hmac.compare_digest` refuses non-ASCII `str` (`?token=%C3%A9`) with a TypeError.
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode("utf-8"))
