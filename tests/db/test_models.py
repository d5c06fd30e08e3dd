"""Model round-trips on real databases: aware UTC datetimes, JSON columns, constraints, cascades."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, select

from bot.db.database import Database
from bot.db.models import IssueLabel, Member, PlatformIdentity, PostLog, Repo, TrackedIssue

T0 = datetime(2026, 11, 1, 9, 30, 15, 123456, tzinfo=UTC)


def _repo_and_issue(db: Database) -> tuple[int, int]:
    with db.session() as s:
        repo = Repo(full_name="Org/Repo", full_name_lower="org/repo")
        s.add(repo)
        s.flush()
        assert repo.id is not None
        issue = TrackedIssue(
            repo_id=repo.id, number=1, title="t", state="open", is_pull_request=False,
            assignees=["ada"], linked_numbers=[2, 3], created_at=T0, updated_at=T0,
        )  # fmt: skip
        s.add(issue)
        s.flush()
        assert issue.id is not None
        return repo.id, issue.id


def test_datetimes_come_back_aware_utc(db: Database) -> None:
    plus8 = timezone(timedelta(hours=8))
    with db.session() as s:
        s.add(Member(display_name="a", created_at=T0.astimezone(plus8), github_verified_at=T0))
    with db.session() as s:
        member = s.exec(select(Member)).one()
    assert member.created_at == T0 and member.created_at.tzinfo == UTC
    assert member.github_verified_at == T0 and member.github_verified_at.utcoffset() == timedelta(0)
    assert member.timezone is None and member.is_bot is False


@pytest.mark.parametrize(
    "moment",
    [
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 30, tzinfo=timezone(timedelta(hours=-7, minutes=-30))),
        datetime(2026, 11, 1, 9, 30, tzinfo=timezone(timedelta(0), "UTC+0")),  # not the UTC singleton
    ],
)
def test_datetimes_round_trip_from_the_first_year_to_the_last_and_from_any_offset(
    db: Database, moment: datetime
) -> None:
    with db.session() as s:
        s.add(Member(display_name="a", created_at=moment))
    with db.session() as s:
        stored = s.exec(select(Member)).one().created_at
    assert stored == moment and stored.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(db: Database) -> None:
    with pytest.raises(Exception, match="naive datetime"), db.session() as s:
        s.add(Member(display_name="a", created_at=datetime(2026, 1, 1)))
        s.flush()


def test_json_columns_round_trip(db: Database) -> None:
    _, issue_id = _repo_and_issue(db)
    with db.session() as s:
        issue = s.get(TrackedIssue, issue_id)
        assert issue is not None
        assert issue.assignees == ["ada"] and issue.linked_numbers == [2, 3]
        assert issue.updated_at == T0 and issue.merged is False and issue.comments == 0


# Each factory builds row `i` (0 or 1) of a duplicate pair; `owner` is an existing member's id.
UNIQUE_CASES: dict[str, Callable[[int, int], SQLModel]] = {
    "platform_identity": lambda i, owner: PlatformIdentity(
        member_id=owner, platform="discord", platform_user_id="42"
    ),
    "member_github_login": lambda i, owner: Member(display_name=f"m{i}", github_login_lower="ada"),
    "repo_full_name_lower": lambda i, owner: Repo(full_name=["a/b", "A/B"][i], full_name_lower="a/b"),
    "post_log": lambda i, owner: PostLog(
        job="digest", period="2026-W44", platform="slack", channel="C1", status="sent"
    ),
}


@pytest.mark.parametrize("case", UNIQUE_CASES)
def test_unique_constraints(db: Database, case: str) -> None:
    with db.session() as s:
        owner = Member(display_name="owner")
        s.add(owner)
        s.flush()
        assert owner.id is not None
        owner_id = owner.id
        s.add(UNIQUE_CASES[case](0, owner_id))
    with pytest.raises(IntegrityError), db.session() as s:
        s.add(UNIQUE_CASES[case](1, owner_id))
        s.flush()


def test_members_without_github_login_do_not_collide(db: Database) -> None:
    with db.session() as s:
        s.add_all([Member(display_name="x"), Member(display_name="y")])
    with db.session() as s:
        assert len(s.exec(select(Member)).all()) == 2


def test_issue_number_unique_per_repo(db: Database) -> None:
    repo_id, _ = _repo_and_issue(db)
    with pytest.raises(IntegrityError), db.session() as s:
        s.add(TrackedIssue(repo_id=repo_id, number=1, title="again", state="open", is_pull_request=True))
        s.flush()


def test_label_primary_key_and_cascades(db: Database) -> None:
    repo_id, issue_id = _repo_and_issue(db)
    with db.session() as s:
        s.add(IssueLabel(issue_id=issue_id, name="bug"))
    with pytest.raises(IntegrityError), db.session() as s:
        s.add(IssueLabel(issue_id=issue_id, name="bug"))
        s.flush()
    with db.session() as s:
        repo = s.get(Repo, repo_id)
        s.delete(repo)
    with db.session() as s:
        assert s.exec(select(TrackedIssue)).all() == []
        assert s.exec(select(IssueLabel)).all() == []


def test_foreign_keys_enforced(db: Database) -> None:
    with pytest.raises(IntegrityError), db.session() as s:
        s.add(PlatformIdentity(member_id=999, platform="slack", platform_user_id="U1"))
        s.flush()
