"""The board: open, unassigned, unclaimed issues carrying a newcomer label in the configured repos.

``board_conditions`` is the definition (over tracked issues, labels and claims); board_index keeps
gfi_board_entry equal to it, and a page of /gfi list walks that table's index.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, false, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from bot.config import StewardConfig
from bot.db.models import IssueLabel, Repo, TrackedIssue
from cogs.good_first_issues.config import GoodFirstIssuesConfig
from cogs.good_first_issues.models import GfiBoardEntry, GfiClaim
from cogs.good_first_issues.refs import short_ref
from cogs.good_first_issues.reservations import Reservation, open_offers


@dataclass(frozen=True)
class BoardRules:
    """What the config says the board is, with every label folded to lower case."""

    repo_labels: Mapping[str, frozenset[str]]  # repo full name (lower) -> newcomer labels (lower)
    repo_names: Mapping[str, str]  # lower -> as configured
    areas: Mapping[str, str]  # label (lower) -> area
    difficulty: Mapping[str, str]  # label (lower) -> difficulty
    priority_label: str | None
    assign_on_claim: Mapping[str, bool] = field(default_factory=dict)  # repo (lower) -> allowed

    @classmethod
    def from_config(cls, config: StewardConfig) -> BoardRules:
        gfi = config.section(GoodFirstIssuesConfig)
        default = frozenset(label.casefold() for label in (gfi.labels if gfi else []))
        repos = config.github.repos if config.github else []
        assign_default = gfi.assign_on_github if gfi else False
        return cls(
            repo_labels={
                r.name.lower(): (
                    frozenset(label.casefold() for label in r.newcomer_labels)
                    if r.newcomer_labels is not None
                    else default
                )
                for r in repos
            },
            repo_names={r.name.lower(): r.name for r in repos},
            areas={k.casefold(): v for k, v in (gfi.areas if gfi else {}).items()},
            difficulty={k.casefold(): v for k, v in (gfi.difficulty if gfi else {}).items()},
            priority_label=gfi.priority_label.casefold() if gfi and gfi.priority_label else None,
            assign_on_claim={
                r.name.lower(): assign_default if r.assign_on_claim is None else r.assign_on_claim
                for r in repos
            },
        )

    def short_ref(self, ref: str) -> str:
        """``ref`` as buttons show it: ``repo#12`` when that names one configured repo."""
        return short_ref(ref, self.repo_names.values())

    def area_names(self) -> list[str]:
        return sorted(set(self.areas.values()))

    def difficulty_names(self) -> list[str]:
        return sorted(set(self.difficulty.values()))

    def on_board_labels(self, repo: str, labels: Iterable[str]) -> bool:
        wanted = self.repo_labels.get(repo.lower(), frozenset())
        return any(label.casefold() in wanted for label in labels)

    def area_of(self, labels: Iterable[str]) -> str | None:
        return next((self.areas[x.casefold()] for x in labels if x.casefold() in self.areas), None)

    def difficulty_of(self, labels: Iterable[str]) -> str | None:
        return next((self.difficulty[x.casefold()] for x in labels if x.casefold() in self.difficulty), None)


ALL_FACET = ""  # gfi_board_entry rows listing the whole board; others are "area:x" / "difficulty:y"


def area_facet(name: str) -> str:
    return f"area:{name.casefold()}"


def difficulty_facet(name: str) -> str:
    return f"difficulty:{name.casefold()}"


@dataclass(frozen=True)
class BoardFilter:
    """Narrowing of a listing; ``repo`` is a configured full name. ``label`` (any case) and ``text``
    (a piece of the title, any case) narrow the web board; chat listings leave them unset."""

    repo: str | None = None
    area: str | None = None
    difficulty: str | None = None
    label: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class BoardEntry:
    """One issue as the board shows it."""

    issue_id: int
    repo: str
    number: int
    title: str
    url: str | None
    labels: tuple[str, ...]
    area: str | None
    difficulty: str | None
    created_at: datetime
    comments: int
    short_ref: str  # the reference as buttons show it (``repo#12`` when unambiguous); types back
    reserved: Reservation | None = None  # held for the next person on the waitlist: no Claim button

    @property
    def ref(self) -> str:
        return f"{self.repo}#{self.number}"


@dataclass(frozen=True)
class BoardPage:
    """One page of the board; ``has_next`` instead of a total keeps a page as cheap as its rows."""

    entries: list[BoardEntry]
    page: int
    has_next: bool


def configured_repo_ids(session: Session, rules: BoardRules) -> dict[int, str]:
    """Database ids of the configured repos that have been synced, with their full names."""
    if not rules.repo_labels:
        return {}
    rows = session.exec(
        select(Repo.id, Repo.full_name).where(col(Repo.full_name_lower).in_(list(rules.repo_labels)))
    ).all()
    return {rid: name for rid, name in rows if rid is not None}


def _has_label(labels: Iterable[str]) -> Any:
    """Correlated EXISTS on the issue's own labels (a primary-key range per row, no big IN list)."""
    return exists().where(
        col(IssueLabel.issue_id) == col(TrackedIssue.id), func.lower(IssueLabel.name).in_(sorted(labels))
    )


def still_open_and_free() -> list[Any]:
    """Open, not a PR, not removed, unclaimed: re-checked on every page, so an entry lagging behind
    (e.g. an issue closed by ``steward sync`` in another process) is never shown."""
    t = TrackedIssue
    return [
        col(t.state) == "open",
        col(t.is_pull_request) == false(),  # "= false", not "IS FALSE": PostgreSQL indexes only the former
        col(t.removed_at).is_(None),
        ~exists().where(col(GfiClaim.open_issue_id) == col(t.id)),
    ]


def _still_on_board() -> list[Any]:
    """The issue-level part of the definition: open, not a PR, not removed, unassigned, unclaimed."""
    # Not re-checked per page: PostgreSQL has no statistics for json_array_length(), guesses 0.5%
    # of rows match, and abandons the board index for a hash join over every open issue.
    unassigned = func.json_array_length(col(TrackedIssue.assignees)) == 0
    return [*still_open_and_free(), unassigned]


def board_conditions(
    rules: BoardRules, repo_ids: Mapping[int, str], flt: BoardFilter = BoardFilter()
) -> list[Any]:
    """WHERE conditions selecting board issues (on TrackedIssue)."""
    t = TrackedIssue
    groups: dict[frozenset[str], list[int]] = defaultdict(list)
    for rid, name in repo_ids.items():
        if flt.repo is not None and name.lower() != flt.repo.lower():
            continue
        labels = rules.repo_labels.get(name.lower(), frozenset())
        if labels:
            groups[labels].append(rid)
    if not groups:
        return [false()]
    by_repo = [and_(col(t.repo_id).in_(sorted(ids)), _has_label(labels)) for labels, ids in groups.items()]
    conditions: list[Any] = [or_(*by_repo), *_still_on_board()]
    for wanted, mapping in ((flt.area, rules.areas), (flt.difficulty, rules.difficulty)):
        if wanted is not None:
            matching = [label for label, name in mapping.items() if name.casefold() == wanted.casefold()]
            conditions.append(_has_label(matching) if matching else false())
    return conditions


def board_query(repo_ids: Mapping[int, str], flt: BoardFilter) -> Any:
    """The page query: one walk of a gfi_board_entry index, priority first, then newest first."""
    e, t = GfiBoardEntry, TrackedIssue
    facets = [area_facet(flt.area)] if flt.area else []
    facets += [difficulty_facet(flt.difficulty)] if flt.difficulty else []
    walked = facets[0] if facets else ALL_FACET
    query = (
        select(t).join(e, col(e.issue_id) == col(t.id)).where(col(e.facet) == walked, *still_open_and_free())
    )
    for other in facets[1:]:
        also = aliased(GfiBoardEntry)
        query = query.where(exists().where(col(also.issue_id) == col(e.issue_id), col(also.facet) == other))
    if flt.repo is not None:
        wanted = [rid for rid, name in repo_ids.items() if name.lower() == flt.repo.lower()]
        query = query.where(col(e.repo_id) == wanted[0] if wanted else false())
    if flt.label:
        query = query.where(_has_label([flt.label.casefold()]))
    if flt.text:
        # autoescape: a % or _ someone types is searched for, not a wildcard.
        query = query.where(func.lower(col(t.title)).contains(flt.text.lower(), autoescape=True))
    return query.order_by(col(e.priority).desc(), col(e.created_at).desc(), col(e.issue_id).desc())


def list_board(
    session: Session, rules: BoardRules, flt: BoardFilter, page: int, page_size: int, now: datetime
) -> BoardPage:
    """One page of the board: issues with the priority label first, then newest first.

    Reads gfi_board_entry (see board_index), so the cost follows the page's depth, not the number of
    tracked issues or how rare a filter is.
    """
    repo_ids = configured_repo_ids(session, rules)
    page = max(1, page)
    query = board_query(repo_ids, flt).offset((page - 1) * page_size).limit(page_size + 1)
    found = list(session.exec(query).all())
    entries = entries_for(session, rules, found[:page_size], repo_ids)
    offers = open_offers(session, (e.issue_id for e in entries), now)
    entries = [replace(e, reserved=offers.get(e.issue_id)) for e in entries]
    return BoardPage(entries, page, len(found) > page_size)


def entries_for(
    session: Session, rules: BoardRules, issues: Iterable[TrackedIssue], repo_names: Mapping[int, str]
) -> list[BoardEntry]:
    """Board entries for ``issues`` (labels loaded in one query)."""
    issues = list(issues)
    ids = [i.id for i in issues if i.id is not None]
    labels: dict[int, list[str]] = defaultdict(list)
    if ids:
        for issue_id, name in session.exec(
            select(IssueLabel.issue_id, IssueLabel.name)
            .where(col(IssueLabel.issue_id).in_(ids))
            .order_by(col(IssueLabel.name))
        ):
            labels[issue_id].append(name)
    entries = []
    for issue in issues:
        assert issue.id is not None
        names = tuple(labels[issue.id])
        repo = repo_names.get(issue.repo_id) or _repo_name(session, issue.repo_id)
        entries.append(
            BoardEntry(
                issue.id,
                repo,
                issue.number,
                issue.title,
                issue.html_url,
                names,
                rules.area_of(names),
                rules.difficulty_of(names),
                issue.created_at,
                issue.comments,
                rules.short_ref(f"{repo}#{issue.number}"),
            )
        )
    return entries


def _repo_name(session: Session, repo_id: int) -> str:
    repo = session.get(Repo, repo_id)
    return repo.full_name if repo is not None else "?"


def board_size(session: Session, rules: BoardRules) -> int:
    """How many issues are on the board right now."""
    conditions = board_conditions(rules, configured_repo_ids(session, rules))
    return int(session.exec(select(func.count()).select_from(TrackedIssue).where(*conditions)).one())
