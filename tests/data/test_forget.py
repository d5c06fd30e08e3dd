"""``steward forget``: everything a person's rows hold goes, other people's rows only lose the
reference to them, a published spotlight they approved stays, and every table is accounted for."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Table, func, select
from sqlmodel import Session, SQLModel

from bot.cli import main
from bot.data.forget import MEMBER_TABLE, Someone, forget, personal_columns
from bot.db.database import Database, mark_changed
from bot.db.models import ISSUES_TOPIC, Member, PlatformIdentity, Repo, TrackedIssue, load_all_models
from bot.db.personal import KEPT_KEY
from bot.github.models import GitHubAccount, OutboxItem, PermissionCache
from cogs.good_first_issues.board import BoardFilter, list_board
from cogs.good_first_issues.board_index import BoardIndex, rebuild
from cogs.good_first_issues.models import GfiClaim, GfiWaitlist
from cogs.onboarding.models import Enrollment, Newcomer, StepDone
from cogs.oncall.models import OncallAway, OncallHandoffNote, OncallOverride, OncallRoster, OncallSwap
from cogs.spotlight.models import (
    SpotlightAnswer,
    SpotlightCredit,
    SpotlightInterview,
    SpotlightOptOut,
    Status,
)
from cogs.steward.models import LinkCode
from tests.cogs.good_first_issues.conftest import REPO, seed, standard_board
from tests.cogs.good_first_issues.test_board_index import RULES
from tests.fixtures.console import config_text

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
ADA_ANSWER = "I started with a typo fix. 我喜欢开源 @everyone"


def _member(session: Session, name: str, identities: list[tuple[str, str]], login: str | None = None) -> int:
    member = Member(
        display_name=name, github_login=login, github_login_lower=login and login.lower(), created_at=NOW
    )
    session.add(member)
    session.flush()
    assert member.id is not None
    for platform, uid in identities:
        session.add(
            PlatformIdentity(member_id=member.id, platform=platform, platform_user_id=uid, created_at=NOW)
        )
    return member.id


def _interview(
    session: Session, member_id: int, name: str, status: Status, approved: bool, **more: object
) -> int:
    interview = SpotlightInterview(
        member_id=member_id,
        display_name=name,
        status=status,
        invited_at=NOW,
        approved_at=NOW if approved else None,
        published_at=NOW if status == Status.PUBLISHED else None,
        **more,
    )
    session.add(interview)
    session.flush()
    assert interview.id is not None
    session.add(
        SpotlightAnswer(
            interview_id=interview.id, question_id="start", text=f"{name}: {ADA_ANSWER}", updated_at=NOW
        )
    )
    return interview.id


def _seed(db: Database) -> dict[str, int]:
    """Ada (the one forgotten), Bob and Cy, with rows in every feature that names people."""
    with db.session() as s:
        ada = _member(s, "Ada", [("discord", "111"), ("slack", "U1")], login="Ada-GH")
        bob = _member(s, "Bob", [("discord", "222")], login="bob")
        cy = _member(s, "Cy", [("discord", "333")])
        repo = Repo(full_name="acme/w", full_name_lower="acme/w")
        s.add(repo)
        s.flush()
        assert repo.id is not None
        issues = []
        for number in (1, 2):
            issue = TrackedIssue(
                repo_id=repo.id,
                number=number,
                title=f"#{number}",
                state="open",
                is_pull_request=False,
                author_login="Ada-GH",
            )
            s.add(issue)
            s.flush()
            assert issue.id is not None
            issues.append(issue.id)
        s.add(GfiClaim(issue_id=issues[0], open_issue_id=issues[0], member_id=ada, assigned_by_member_id=bob))
        s.add(GfiClaim(issue_id=issues[1], member_id=bob, assigned_by_member_id=ada, ended_at=NOW))
        s.add(GfiWaitlist(issue_id=issues[1], member_id=ada))
        s.add(LinkCode(member_id=ada, login="Ada-GH", code="x1"))
        s.add(
            Newcomer(
                member_id=ada, platform="discord", platform_user_id="111", display_name="Ada", joined_at=NOW
            )
        )
        enrollment = Enrollment(member_id=ada, path_id="docs", started_at=NOW, step_started_at=NOW)
        s.add(enrollment)
        s.flush()
        assert enrollment.id is not None
        s.add(
            StepDone(
                enrollment_id=enrollment.id,
                member_id=ada,
                path_id="docs",
                step_id="one",
                step_index=0,
                how="self_report",
                reported_at=NOW,
            )
        )
        _interview(s, ada, "Ada", Status.ACCEPTED, approved=False, editor_id=bob)  # a draft
        _interview(s, ada, "Ada", Status.PUBLISHED, approved=False)  # published without her approval
        bob_interview = _interview(
            s, bob, "Bob", Status.SUBMITTED, approved=False, editor_id=ada, invited_by=ada
        )
        cy_interview = _interview(s, cy, "Cy", Status.PUBLISHED, approved=True, editor_id=ada)
        s.add(SpotlightCredit(member_id=ada, kind="nominated", by_member_id=bob, at=NOW))
        s.add(SpotlightCredit(member_id=bob, kind="nominated", by_member_id=ada, at=NOW))
        s.add(SpotlightCredit(github_login_lower="ada-gh", kind="gfi_done", at=NOW))
        s.add(SpotlightOptOut(github_login_lower="ada-gh", created_at=NOW))
        s.add(OncallRoster(rotation="triage", from_slot=0, members=["discord:111", "bob"]))
        s.add(OncallOverride(rotation="triage", member="DISCORD:111", created_by=bob))
        s.add(OncallOverride(rotation="triage", member="bob", created_by=ada))
        s.add(OncallAway(member="ada-gh", created_by=ada))
        s.add(OncallAway(member="bob", created_by=ada))
        s.add(OncallSwap(rotation="triage", requester="bob", requester_member_id=bob, target="slack:U1"))
        s.add(OncallSwap(rotation="triage", requester="bob", requester_member_id=bob))
        s.add(
            OncallHandoffNote(rotation="triage", shift_key="k", author="Ada", author_member_id=ada, note="hi")
        )
        s.add(OutboxItem(kind="assign", repo="acme/w", number=1, requested_by_member_id=ada))
        s.add(PermissionCache(scope="repo:acme/w", login_lower="ada-gh", permission="read"))
        s.add(PermissionCache(scope="repo:acme/w", login_lower="bob", permission="write"))
        s.add(GitHubAccount(login_lower="ada-gh", login="Ada-GH", account_type="User"))
    return {"ada": ada, "bob": bob, "cy": cy, "bob_interview": bob_interview, "cy_interview": cy_interview}


def _count(s: Session, model: type[SQLModel], *where: object) -> int:
    return int(s.execute(select(func.count()).select_from(model).where(*where)).scalar_one())  # type: ignore[arg-type]


def _config(tmp_path: Path, db: Database) -> str:
    path = tmp_path / "steward.yaml"
    path.write_text(config_text(db.url), encoding="utf-8")
    return str(path)


def test_forget_erases_their_rows_and_only_their_part_of_others(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = _seed(db)
    ada, bob = ids["ada"], ids["bob"]
    assert main(["forget", "-c", _config(tmp_path, db), "discord:111", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "Forgot Ada (discord:111, slack:U1, GitHub Ada-GH):" in out
    assert "erased 1 row of gfi_claim" in out and "erased 2 rows of platform_identity" in out
    assert "cleared them from 1 row of github_outbox" in out

    with db.session() as s:
        assert s.get(Member, ada) is None
        for model in (GfiWaitlist, LinkCode, Newcomer, Enrollment, StepDone):
            assert _count(s, model) == 0, model
        assert (
            _count(s, GfiClaim) == 1 and _count(s, GfiClaim, GfiClaim.assigned_by_member_id.is_not(None)) == 0
        )  # type: ignore[union-attr]
        # Her draft and the spotlight published without her approval are gone, answers included.
        assert _count(s, SpotlightInterview, SpotlightInterview.member_id == ada) == 0
        assert _count(s, SpotlightAnswer, SpotlightAnswer.text.contains("Ada:")) == 0  # type: ignore[attr-defined]
        bob_interview = s.get(SpotlightInterview, ids["bob_interview"])
        assert (
            bob_interview is not None and bob_interview.editor_id is None and bob_interview.invited_by is None
        )
        assert [(c.member_id, c.by_member_id) for c in s.exec(select(SpotlightCredit)).scalars()] == [
            (bob, None)
        ]
        assert _count(s, SpotlightOptOut) == 0
        assert [o.member for o in s.exec(select(OncallOverride)).scalars()] == ["bob"]
        assert [(a.member, a.created_by) for a in s.exec(select(OncallAway)).scalars()] == [("bob", None)]
        assert [sw.target for sw in s.exec(select(OncallSwap)).scalars()] == [None]
        assert _count(s, OncallHandoffNote) == 0
        assert [o.requested_by_member_id for o in s.exec(select(OutboxItem)).scalars()] == [None]
        assert [p.login_lower for p in s.exec(select(PermissionCache)).scalars()] == ["bob"]
        assert _count(s, GitHubAccount) == 0
        # Kept on purpose: public GitHub mirror and rotation history.
        assert _count(s, TrackedIssue, TrackedIssue.author_login == "Ada-GH") == 2
        assert _count(s, OncallRoster) == 1
        # Bob is untouched.
        bob_row = s.get(Member, bob)
        assert bob_row is not None and bob_row.github_login == "bob"
        assert _count(s, PlatformIdentity) == 2  # Bob's and Cy's


def test_a_published_spotlight_they_approved_stays_with_their_name_only(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = _seed(db)
    assert main(["forget", "-c", _config(tmp_path, db), "discord:333", "--yes"]) == 0
    assert "their member row stays, with only their name" in capsys.readouterr().out
    with db.session() as s:
        kept = s.get(SpotlightInterview, ids["cy_interview"])
        assert kept is not None and kept.status == Status.PUBLISHED
        assert [
            a.text
            for a in s.exec(select(SpotlightAnswer).where(SpotlightAnswer.interview_id == kept.id)).scalars()
        ] == [f"Cy: {ADA_ANSWER}"]  # type: ignore[arg-type]
        cy = s.get(Member, ids["cy"])
        assert cy is not None and cy.display_name == "Cy" and cy.github_login is None
        assert _count(s, PlatformIdentity, PlatformIdentity.member_id == ids["cy"]) == 0


@pytest.mark.parametrize("named", ["Ada-GH", "ada-gh", "Ada", "slack:U1"])
def test_the_person_is_named_as_chat_commands_name_them(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str], named: str
) -> None:
    ids = _seed(db)
    with db.session() as s:  # "Ada" is her chat name on Discord
        identity = (
            s.exec(select(PlatformIdentity).where(PlatformIdentity.platform_user_id == "111")).scalars().one()
        )
        identity.display_name = "Ada"
    assert main(["forget", "-c", _config(tmp_path, db), named, "--yes"]) == 0
    with db.session() as s:
        assert s.get(Member, ids["ada"]) is None and s.get(Member, ids["bob"]) is not None


def test_it_asks_first_and_erases_nothing_without_a_yes(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _seed(db)
    monkeypatch.setattr("sys.stdin", io.StringIO("no\n"))
    assert main(["forget", "-c", _config(tmp_path, db), "discord:111"]) == 1
    captured = capsys.readouterr()
    assert "would erase 1 row of gfi_claim" in captured.out
    assert "Kept on purpose:" in captured.out and "oncall_roster:" in captured.out
    assert "Nothing erased." in captured.err
    with db.session() as s:
        assert s.get(Member, ids["ada"]) is not None and _count(s, GfiClaim) == 2

    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    assert main(["forget", "-c", _config(tmp_path, db), "discord:111"]) == 0
    with db.session() as s:
        assert s.get(Member, ids["ada"]) is None


@pytest.mark.parametrize(
    ("named", "says"),
    [
        ("nobody-here", "nobody known as 'nobody-here'; name them as discord:ID, slack:ID, console:NAME"),
        ("@everyone", "names a group"),
        ("Sam", "Several people here are called 'Sam'"),
    ],
)
def test_unknown_or_group_names_are_refused_clearly(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str], named: str, says: str
) -> None:
    _seed(db)
    with db.session() as s:  # two people called Sam: one on Discord, one on Slack
        for platform, uid in (("discord", "444"), ("slack", "U5")):
            sam = _member(s, "Sam", [])
            s.add(
                PlatformIdentity(member_id=sam, platform=platform, platform_user_id=uid, display_name="Sam")
            )
    assert main(["forget", "-c", _config(tmp_path, db), named, "--yes"]) == 2  # a usage problem
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err
    with db.session() as s:
        assert _count(s, Member) == 5


def test_forget_frees_their_active_claim_on_the_board(db: Database) -> None:
    seed(db, REPO, standard_board(NOW))
    db.on_change(ISSUES_TOPIC, BoardIndex(lambda: RULES).on_change)
    db.call(rebuild, RULES)

    def board() -> list[int]:
        return [e.number for e in db.call(lambda s: list_board(s, RULES, BoardFilter(), 1, 50, NOW)).entries]

    before = board()
    with db.session() as s:
        ada = _member(s, "Ada", [("discord", "111")])
        issue = s.exec(select(TrackedIssue).where(TrackedIssue.number == before[0])).scalars().one()
        s.add(
            GfiClaim(
                issue_id=issue.id, open_issue_id=issue.id, member_id=ada, expires_at=NOW + timedelta(days=3)
            )
        )  # type: ignore[arg-type]
        mark_changed(s, ISSUES_TOPIC, [issue.id])
    assert before[0] not in board()
    with db.session() as s:
        report = forget(s, Someone.of(ada, None, [("discord", "111")]))
    assert report.erased["gfi_claim"] == 1
    assert board() == before


def test_every_table_says_what_forgetting_does_to_it() -> None:
    """A new feature's table must name its personal columns, hang (CASCADE) off a table that does, or say
    why nothing in it is erased."""

    def erased_with_parent(table: Table) -> bool:
        return any(
            (key.ondelete or "").upper() == "CASCADE" and personal_columns(key.column.table)
            for column in table.columns
            for key in column.foreign_keys
        )

    silent = [
        table.name
        for table in load_all_models().sorted_tables
        if table.name != MEMBER_TABLE
        and not personal_columns(table)
        and not erased_with_parent(table)
        and KEPT_KEY not in table.info
    ]
    assert silent == []


def test_someone_known_only_by_github_login_is_forgotten_by_it(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(db)  # Ada-GH authored the seeded issues; here Carol did, and has no chat account
    with db.session() as s:
        s.execute(TrackedIssue.__table__.update().values(author_login="Carol"))  # type: ignore[attr-defined]
        s.add(SpotlightCredit(github_login_lower="carol", kind="gfi_done", at=NOW))
        s.add(OncallAway(member="carol"))
    assert main(["forget", "-c", _config(tmp_path, db), "CAROL", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "Forgot Carol (GitHub Carol):" in out
    with db.session() as s:
        assert _count(s, SpotlightCredit, SpotlightCredit.github_login_lower == "carol") == 0
        assert _count(s, OncallAway, OncallAway.member == "carol") == 0
        assert _count(s, Member) == 3  # nobody else touched
