"""Onboarding logic over a real database: the funnel against a hand-computed history, confirmations,
matching issues and nudges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from bot.config import load_config_text
from bot.core.errors import UserError
from bot.db.database import Database
from bot.db.models import IssueLabel, Member, Repo, TrackedIssue
from cogs.onboarding.config import OnboardingConfig
from cogs.onboarding.funnel import compute_funnel
from cogs.onboarding.issues import StepIssues, matching_issues
from cogs.onboarding.models import Newcomer, StepDone
from cogs.onboarding.progress import Advance, PendingReport, Progress
from tests.fixtures.console import config_text

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CONFIG = """onboarding:
  paths:
    - id: docs
      title: Docs
      steps:
        - {id: hello, title: Say hello, completes: self_report}
        - {id: link, title: Link GitHub, completes: linked_github}
        - {id: pr, title: First PR, completes: merged_pr, repos: [acme/widgets], pr_labels: [docs]}
        - {id: talk, title: Give a talk, completes: self_report, confirm_by_maintainer: true}
"""


@pytest.fixture
def cfg() -> OnboardingConfig:
    config = load_config_text(config_text("sqlite:///unused.db", CONFIG), "steward.yaml")
    assert config.onboarding is not None
    return config.onboarding


def member(session: Session, name: str, login: str | None = None) -> int:
    row = Member(display_name=name, created_at=T0)
    if login:
        row.github_login, row.github_login_lower, row.github_verified_at = login, login.lower(), T0
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def joined(session: Session, member_id: int, at: datetime) -> None:
    session.add(Newcomer(member_id=member_id, platform="console", platform_user_id=str(member_id),
                         display_name="x", joined_at=at, dm_state="sent"))  # fmt: skip


def merged_pr(session: Session, repo_id: int, number: int, login: str, at: datetime,
              labels: tuple[str, ...] = ()) -> None:  # fmt: skip
    pr = TrackedIssue(repo_id=repo_id, number=number, title="pr", state="closed", is_pull_request=True,
                      author_login=login, merged=True, merged_at=at, updated_at=at)  # fmt: skip
    session.add(pr)
    session.flush()
    assert pr.id is not None
    for label in labels:
        session.add(IssueLabel(issue_id=pr.id, name=label))


def repo(session: Session, name: str = "acme/widgets") -> int:
    row = Repo(full_name=name, full_name_lower=name.lower())
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def test_funnel_matches_a_hand_computed_history(db: Database, cfg: OnboardingConfig) -> None:
    progress = Progress(cfg)
    day = timedelta(days=1)
    with db.session() as s:
        rid = repo(s)
        a = member(s, "ana", "ana-gh")  # joined d0, picked d1, hello+link d2, pr d5
        b = member(s, "ben")  # joined d0, picked d3, hello d7
        c = member(s, "cai", "cai-gh")  # joined d1, never picked; a merged PR on d11
        d = member(s, "dov")  # joined d2, picked d2
        e = member(s, "eve")  # joined before the window: not in the 30-day cohort
        for who, at in ((a, T0), (b, T0), (c, T0 + day), (d, T0 + 2 * day), (e, T0 - 60 * day)):
            joined(s, who, at)
        progress.start(s, a, "docs", True, T0 + day)
        [hello_link] = [progress.self_report(s, a, T0 + 2 * day)]
        assert isinstance(hello_link, Advance) and hello_link.completed == ("hello", "link")
        merged_pr(s, rid, 7, "ana-gh", T0 + 5 * day, labels=("docs",))
        row = progress.active(s, a)
        assert row is not None
        assert progress.check(s, row, T0 + 5 * day) is not None  # the synced PR completes "pr"
        progress.start(s, b, "docs", True, T0 + 3 * day)
        progress.self_report(s, b, T0 + 7 * day)
        merged_pr(s, rid, 8, "cai-gh", T0 + 11 * day)
        merged_pr(s, rid, 3, "cai-gh", T0 - 90 * day)  # before joining: not their first as a newcomer
        progress.start(s, d, "docs", True, T0 + 2 * day)

    with db.session() as s:
        stages = compute_funnel(s, T0 - 30 * day, T0 + 20 * day, 4)
    got = [(st.key, st.step, st.count, st.median_days) for st in stages]
    assert got[0] == ("joined", None, 4, None)
    assert got[1] == ("picked", None, 3, 1.0)
    assert got[2] == ("step", 1, 2, 2.5)  # a: 1 day after picking, b: 4 -> median 2.5
    assert got[3] == ("step", 2, 1, 0.0)  # a: linked already, so "link" completed with "hello"
    assert got[4] == ("step", 3, 1, 3.0)  # a: PR merged 3 days after the link step
    assert got[5] == ("step", 4, 0, None)
    assert got[6] == ("merged", None, 2, 7.5)  # a: 5 days after joining, c: 10 -> median 7.5


def test_maintainer_confirmation_and_pr_filters(db: Database, cfg: OnboardingConfig) -> None:
    progress = Progress(cfg)
    with db.session() as s:
        repo(s)
        repo(s, "acme/other")
        a = member(s, "ana", "ana-gh")
        progress.start(s, a, "docs", False, T0)
        progress.self_report(s, a, T0)  # hello, and link (already verified)
        # Wrong repo, then missing label: no progress. The right PR completes the step.
        assert progress.on_merged(s, "ANA-GH", "acme/other", 1, ("docs",), T0) == []
        assert progress.on_merged(s, "ana-gh", "acme/widgets", 2, ("bug",), T0) == []
        [advance] = progress.on_merged(s, "ana-gh", "acme/widgets", 3, ("Docs",), T0)
        assert advance.completed == ("pr",) and advance.next_index == 3
        assert progress.on_merged(s, "ana-gh", "acme/widgets", 4, ("docs",), T0) == []  # step 4 is not a PR
        with pytest.raises(UserError) as refused:
            progress.self_report(s, member(s, "nobody"), T0)
        assert refused.value.key == "onboarding.error.no_path"
        report = progress.self_report(s, a, T0 + timedelta(hours=1))
        assert isinstance(report, PendingReport)
        with pytest.raises(UserError) as twice:
            progress.self_report(s, a, T0)
        assert twice.value.key == "onboarding.done.already_waiting"
        done = progress.confirm(s, report.report_id, T0 + timedelta(hours=2))
        assert done.finished and done.completed == ("talk",) and not done.announce
        with pytest.raises(UserError):
            progress.confirm(s, report.report_id, T0)  # handled already
        step = s.get(StepDone, report.report_id)
        assert step is not None and step.confirmed and step.completed_at == T0 + timedelta(hours=2)


def add_issue(
    session: Session,
    repo_id: int,
    number: int,
    labels: tuple[str, ...],
    *,
    state: str = "open",
    is_pr: bool = False,
    assignees: list[str] | None = None,
) -> None:
    """A synced issue opened ``number`` minutes after T0, with ``labels``."""
    issue = TrackedIssue(repo_id=repo_id, number=number, title=f"issue {number}", state=state,
                         is_pull_request=is_pr, assignees=assignees or [],
                         created_at=T0 + timedelta(minutes=number))  # fmt: skip
    session.add(issue)
    session.flush()
    assert issue.id is not None
    for label in labels:
        session.add(IssueLabel(issue_id=issue.id, name=label))


def test_matching_issues_are_open_unassigned_and_labelled(db: Database) -> None:
    with db.session() as s:
        rid = repo(s)
        for number, labels, assignees, state, is_pr in (
            (1, ("Docs",), [], "open", False),
            (2, ("docs",), ["taken"], "open", False),
            (3, ("docs",), [], "closed", False),
            (4, ("docs",), [], "open", True),
            (5, ("kernel",), [], "open", False),
            (6, ("good first issue",), [], "open", False),
        ):
            add_issue(s, rid, number, labels, state=state, is_pr=is_pr, assignees=assignees)
    with db.session() as s:
        found = matching_issues(s, StepIssues(["docs", "good first issue"]), (), 5)
        assert [(i.repo, i.number) for i in found] == [("acme/widgets", 6), ("acme/widgets", 1)]
        assert matching_issues(s, StepIssues([]), (), 5) == []


def test_with_the_board_loaded_only_its_issues_are_suggested(db: Database) -> None:
    """An area label alone (area/docs) does not make an issue one a newcomer can claim: it needs one
    of the board's labels too; a step counting merged PRs in some repos suggests only their issues."""
    with db.session() as s:
        widgets, docs = repo(s), repo(s, "acme/docs")
        for repo_id, number, labels in (
            (widgets, 1, ("area/docs", "bug")),
            (widgets, 2, ("area/docs", "Good First Issue")),
            (docs, 3, ("area/docs", "easy")),
            (docs, 4, ("good first issue",)),
        ):
            add_issue(s, repo_id, number, labels)
    board = ["good first issue", "easy"]

    def numbers(wanted: StepIssues) -> list[int]:
        with db.session() as s:
            return [i.number for i in matching_issues(s, wanted, (), 5)]

    assert numbers(StepIssues(["area/docs"])) == [3, 2, 1]  # no board: the area is all there is
    assert numbers(StepIssues(["area/docs"], board)) == [3, 2]
    assert numbers(StepIssues(["area/docs"], board, ["ACME/docs"])) == [3]
    assert numbers(StepIssues(["area/docs"], [])) == []  # a board with no labels lists nothing


def test_matching_issues_leave_out_claimed_ones(db: Database) -> None:
    from bot.db.models import Member
    from cogs.good_first_issues.models import GfiClaim
    from cogs.good_first_issues.reservations import held_issue_ids

    with db.session() as s:
        rid = repo(s)
        ids = []
        for number in (1, 2):
            issue = TrackedIssue(
                repo_id=rid, number=number, title=f"issue {number}", state="open", is_pull_request=False,
                assignees=[], created_at=T0 + timedelta(minutes=number),
            )  # fmt: skip
            s.add(issue)
            s.flush()
            assert issue.id is not None
            ids.append(issue.id)
            s.add(IssueLabel(issue_id=issue.id, name="docs"))
        member = Member(display_name="ada", created_at=T0)
        s.add(member)
        s.flush()
        assert member.id is not None
        # An active claim on #2 (open_issue_id set), an ended one on #1 (cleared).
        s.add(GfiClaim(issue_id=ids[1], open_issue_id=ids[1], member_id=member.id, claimed_at=T0,
                       last_activity_at=T0, expires_at=T0 + timedelta(days=14)))  # fmt: skip
        s.add(GfiClaim(issue_id=ids[0], open_issue_id=None, member_id=member.id, claimed_at=T0,
                       last_activity_at=T0, expires_at=T0 + timedelta(days=14)))  # fmt: skip
    with db.session() as s:
        assert [i.number for i in matching_issues(s, StepIssues(["docs"]), held_issue_ids(s, T0), 5)] == [1]


def test_matching_issues_leave_out_issues_reserved_for_the_waitlist(db: Database) -> None:
    from bot.db.models import Member
    from cogs.good_first_issues.models import GfiWaitlist
    from cogs.good_first_issues.reservations import held_issue_ids

    with db.session() as s:
        rid = repo(s)
        ids = []
        for number in (1, 2):
            issue = TrackedIssue(
                repo_id=rid, number=number, title=f"issue {number}", state="open", is_pull_request=False,
                assignees=[], created_at=T0 + timedelta(minutes=number),
            )  # fmt: skip
            s.add(issue)
            s.flush()
            assert issue.id is not None
            ids.append(issue.id)
            s.add(IssueLabel(issue_id=issue.id, name="docs"))
        member = Member(display_name="ada", created_at=T0)
        s.add(member)
        s.flush()
        assert member.id is not None
        # #2 is offered to ada until tomorrow; #1's offer ran out an hour ago.
        s.add(GfiWaitlist(issue_id=ids[1], member_id=member.id, offer_expires_at=T0 + timedelta(days=1)))
        s.add(GfiWaitlist(issue_id=ids[0], member_id=member.id, offer_expires_at=T0 - timedelta(hours=1)))
    with db.session() as s:
        assert [i.number for i in matching_issues(s, StepIssues(["docs"]), held_issue_ids(s, T0), 5)] == [1]
        later = held_issue_ids(s, T0 + timedelta(days=2))
        assert [i.number for i in matching_issues(s, StepIssues(["docs"]), later, 5)] == [2, 1]
