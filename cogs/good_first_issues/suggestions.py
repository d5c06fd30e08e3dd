"""Autocomplete suggestions for the /gfi options: repositories, areas, difficulties and issues.

Issue suggestions walk an index in display order and stop at the first 25 matches: the board's
(gfi_board_entry, priority first, then newest) for open issues, the active-claim index for claimed
ones. A keystroke therefore costs one short index walk, not a pass over every tracked issue.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import false, func, or_
from sqlmodel import Session, col, select

from bot.db.models import TrackedIssue
from cogs.good_first_issues.board import ALL_FACET, BoardRules, configured_repo_ids, still_open_and_free
from cogs.good_first_issues.errors import GfiError
from cogs.good_first_issues.models import GfiBoardEntry, GfiClaim, GfiWaitlist
from cogs.good_first_issues.refs import parse_issue_ref, repos_named

MAX_CHOICES = 25  # Discord shows at most 25 autocomplete choices
_MAX_INPUT = 100  # what people type into an option box; longer input is cut, not refused
_MAX_WORDS = 6
_MAX_DIGITS = 9  # issue numbers are at most 9 digits (see refs.py)
_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class IssueQuery:
    """What someone typed into an issue option, read as a search."""

    digits: str | None = None  # matched as a prefix of the issue number
    digits_in_title: bool = False  # a bare number may also be a word of the title ("Python 3")
    words: tuple[str, ...] = ()  # each must occur in the title or the repository's name (case-folded)
    repo: str | None = None  # a repository named ("repo#12", "owner/repo#12" or an issue URL), lower case


@dataclass(frozen=True)
class IssueSuggestion:
    """One issue to offer: its reference (the choice's value) and title."""

    ref: str
    title: str
    number: int


def parse_query(text: str) -> IssueQuery:
    """``12``, ``#12``, ``owner/repo#12``, an issue URL, or words of the title (optionally with a number)."""
    value = text.strip()[:_MAX_INPUT]
    if not value:
        return IssueQuery()
    try:
        ref = parse_issue_ref(value)
    except GfiError:
        ref = None
    if ref is not None:
        bare = ref.repo is None and value.isdigit()
        return IssueQuery(str(ref.number), bare, repo=ref.repo.lower() if ref.repo else None)
    digits: str | None = None
    words: list[str] = []
    for token in _SEPARATORS.split(value):
        # "widgets#12" is a repository word and a number; a leading "#" only marks a number.
        head, _, tail = token.partition("#")
        for part in (head, tail):
            if not part:
                continue
            if part.isdigit() and len(part) <= _MAX_DIGITS and digits is None:
                digits = part
                continue
            words.append(part.casefold())
    bare_digits = digits is not None and f"#{digits}" not in value
    return IssueQuery(digits, bare_digits, tuple(dict.fromkeys(words))[:_MAX_WORDS])


def _number_prefix(digits: str) -> Any:
    """Issue numbers starting with ``digits``: one BETWEEN per possible length (index-friendly)."""
    if digits.startswith("0"):
        return false()
    first = int(digits)
    ranges = [
        col(TrackedIssue.number).between(first * 10**k, (first + 1) * 10**k - 1)
        for k in range(_MAX_DIGITS - len(digits) + 1)
    ]
    return or_(*ranges)


def _contains(word: str) -> Any:
    # lower() folds ASCII only on SQLite; titles in other scripts are matched as typed there.
    return func.lower(col(TrackedIssue.title)).contains(word, autoescape=True)


def _conditions(query: IssueQuery, repo_col: Any, repo_ids: Mapping[int, str]) -> list[Any]:
    """WHERE conditions for ``query`` on a select joined with TrackedIssue."""
    conditions: list[Any] = []
    if query.repo is not None:
        named = {r.lower() for r in repos_named(query.repo, repo_ids.values())}
        wanted = sorted(rid for rid, name in repo_ids.items() if name.lower() in named)
        conditions.append(col(repo_col).in_(wanted) if wanted else false())
    if query.digits is not None:
        number = _number_prefix(query.digits)
        conditions.append(or_(number, _contains(query.digits)) if query.digits_in_title else number)
    for word in query.words:
        in_repo = sorted(rid for rid, name in repo_ids.items() if word in name.casefold())
        conditions.append(or_(_contains(word), col(repo_col).in_(in_repo)) if in_repo else _contains(word))
    return conditions


def _exact_number(query: IssueQuery) -> Any | None:
    """Issues numbered exactly as typed go first (typing 12 means #12 before #120)."""
    if query.digits is None or query.digits.startswith("0"):
        return None
    return col(TrackedIssue.number) == int(query.digits)


def _suggestions(rows: Iterable[tuple[int, int, str]], repo_ids: Mapping[int, str]) -> list[IssueSuggestion]:
    out = []
    for repo_id, number, title in rows:
        repo = repo_ids.get(repo_id)
        ref = f"{repo}#{number}"
        if repo is not None:
            out.append(IssueSuggestion(ref, title, number))
    return out


def board_issues(
    session: Session, rules: BoardRules, text: str, limit: int = MAX_CHOICES
) -> list[IssueSuggestion]:
    """Open, unclaimed board issues matching ``text``, priority first, then newest (as /gfi list)."""
    repo_ids = configured_repo_ids(session, rules)
    if not repo_ids:
        return []
    query = parse_query(text)
    e, t = GfiBoardEntry, TrackedIssue
    base = (
        select(e.repo_id, t.number, t.title)
        .join(t, col(t.id) == col(e.issue_id))
        .where(
            col(e.facet) == ALL_FACET, *still_open_and_free(), *_conditions(query, col(e.repo_id), repo_ids)
        )
    )
    found: list[tuple[int, int, str]] = []
    exact = _exact_number(query)
    if exact is not None:
        by_number = base.where(exact, col(t.repo_id).in_(sorted(repo_ids)))  # the (repo_id, number) key
        found += session.exec(by_number.order_by(col(e.repo_id)).limit(limit)).all()
        base = base.where(~exact)
    if len(found) < limit:
        walk = base.order_by(col(e.priority).desc(), col(e.created_at).desc(), col(e.issue_id).desc())
        found += session.exec(walk.limit(limit - len(found))).all()
    return _suggestions(found, repo_ids)


def claimed_issues(
    session: Session, rules: BoardRules, text: str, limit: int = MAX_CHOICES
) -> list[IssueSuggestion]:
    """Issues someone has claimed now, matching ``text``, most recently tracked first."""
    repo_ids = configured_repo_ids(session, rules)
    if not repo_ids:
        return []
    query = parse_query(text)
    c, t = GfiClaim, TrackedIssue
    base = (
        select(t.repo_id, t.number, t.title)
        .select_from(c)
        .join(t, col(t.id) == col(c.open_issue_id))
        .where(col(c.open_issue_id).is_not(None), *_conditions(query, col(t.repo_id), repo_ids))
    )
    found: list[tuple[int, int, str]] = []
    exact = _exact_number(query)
    if exact is not None:
        by_number = base.where(exact, col(t.repo_id).in_(sorted(repo_ids)))  # the (repo_id, number) key
        found += session.exec(by_number.order_by(col(t.repo_id)).limit(limit)).all()
        base = base.where(~exact)
    if len(found) < limit:
        # Walks the unique index on open_issue_id and stops at the limit. No "repo_id IN (configured)"
        # here: SQLite would drive the query from every tracked issue of those repos instead; claims
        # on repos dropped from the config are skipped below.
        found += session.exec(base.order_by(col(c.open_issue_id).desc()).limit(limit - len(found))).all()
    return _suggestions(found, repo_ids)


def member_issues(
    session: Session, rules: BoardRules, member_id: int, text: str, limit: int = MAX_CHOICES
) -> list[IssueSuggestion]:
    """The issues ``member_id`` has claimed or waits for (what /gfi unclaim accepts), matching ``text``."""
    repo_ids = configured_repo_ids(session, rules)
    if not repo_ids:
        return []
    query = parse_query(text)
    t = TrackedIssue
    claimed = select(GfiClaim.issue_id).where(
        GfiClaim.member_id == member_id, col(GfiClaim.ended_at).is_(None)
    )
    waiting = select(GfiWaitlist.issue_id).where(GfiWaitlist.member_id == member_id)
    rows = session.exec(
        select(t.repo_id, t.number, t.title)
        .where(
            or_(col(t.id).in_(claimed), col(t.id).in_(waiting)),
            col(t.repo_id).in_(sorted(repo_ids)),
            *_conditions(query, col(t.repo_id), repo_ids),
        )
        .order_by(col(t.created_at).desc(), col(t.id).desc())
        .limit(limit)
    ).all()
    return _suggestions(rows, repo_ids)


def any_issues(
    session: Session, rules: BoardRules, text: str, limit: int = MAX_CHOICES
) -> list[IssueSuggestion]:
    """Board issues, then claimed ones (what /gfi show is asked about); an exact number first of all."""
    found = board_issues(session, rules, text, limit) + claimed_issues(session, rules, text, limit)
    digits = parse_query(text).digits
    if digits is not None:
        found.sort(key=lambda s: s.number != int(digits))  # stable: each group keeps its order
    return found[:limit]


def _plain_line(text: str) -> str:
    """Outside text as one plain line: control and format characters (newlines, bidi overrides,
    zero-width marks) become spaces, so a title cannot reorder or hide the rest of the choice."""
    cleaned = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)
    return " ".join(cleaned.split())


def issue_label(suggestion: IssueSuggestion) -> str:
    """``owner/repo#N — title`` on one line, the title whole (a list that cannot show it all shows
    the reference alone)."""
    title = _plain_line(suggestion.title)
    return f"{suggestion.ref} — {title}" if title else suggestion.ref


def named(names: Iterable[str], text: str, limit: int = MAX_CHOICES) -> list[str]:
    """Configured names containing ``text`` (case-insensitive): those starting with it first."""
    low = text.strip().casefold()
    matching = [n for n in names if low in n.casefold()]
    return sorted(matching, key=lambda n: (not n.casefold().startswith(low), n.casefold()))[:limit]
