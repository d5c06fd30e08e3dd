"""A community's data for the page tests: public things every page may show, and private things
(chat ids, DMs, drafts, unapproved answers, notes, unconfigured repos, e-mail) no page may show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.db.database import Database
from bot.db.models import Member, PlatformIdentity, PostLog
from cogs.oncall.models import OncallHandoffNote, OncallTriage
from cogs.spotlight.models import SpotlightAnswer, SpotlightCredit, SpotlightInterview, Status
from tests.cogs.good_first_issues.conftest import item
from tests.cogs.good_first_issues.conftest import seed as seed_issues
from tests.cogs.web.conftest import REPO, SITE_YAML

HIDDEN_CHAT_ID = "998877665544332211"
HOSTILE_TITLES = (
    "<script>alert('board')</script>",
    '"><img src=x onerror=alert(1)>',
    "\u202eevil\u202c RTL override and zero\u200bwidth",
)
# Every private marker: none may appear on any page, in any language.
PRIVATE = (
    HIDDEN_CHAT_ID,
    "U0HIDDEN42",  # a rotation member known only by a chat id: shown as "a maintainer"
    "SECRET-DRAFT-ANSWER",
    "SECRET-UNPUBLISHED-ANSWER",
    "SECRET-CHANGE-REQUEST",
    "SECRET-HANDOFF-NOTE",
    "SECRET-NOMINATION",
    "SECRET-DM-TEXT",
    "SECRET-PRIVATE-REPO",
    "secret.person@example.com",
    "Draft Person",
)

FULL_YAML = (
    SITE_YAML
    + f"""oncall:
  rotations:
    - name: triage
      members: [aoife-b, "discord:{HIDDEN_CHAT_ID}", tomasz-w, "slack:U0HIDDEN42"]
      shift_length: 1d
      handoff_time: "09:00"
      start_date: 2024-01-01
spotlight:
  lookback_weeks: 12
onboarding:
  paths:
    - id: docs-first
      title: {{en: "Docs and examples", zh-CN: "文档与示例"}}
      steps:
        - id: read-guide
          title: {{en: "Read the contributing guide", zh-CN: "阅读贡献指南"}}
          links:
            - {{title: Contributing guide, url: "https://example.org/CONTRIBUTING.md"}}
        - id: first-docs-pr
          title: {{en: "Fix something in the docs", zh-CN: "修复一处文档问题"}}
          areas: [docs]
          completes: merged_pr
"""
)


@dataclass(frozen=True)
class Seeded:
    """Ids the tests look up."""

    published_id: int
    draft_id: int
    approved_id: int


def _interview(
    session: Session, member_id: int, name: str, status: Status, now: datetime, **extra: object
) -> int:
    row = SpotlightInterview(
        member_id=member_id,
        github_login=name.lower().replace(" ", "-"),
        display_name=name,
        status=status,
        questions=[
            {"id": "intro", "texts": {"en": "Tell us a little about yourself.", "zh-CN": "介绍一下你自己。"}},
            {
                "id": "advice",
                "texts": {"en": "What advice would you give a newcomer?", "zh-CN": "新人建议？"},
            },
        ],
        invited_at=now - timedelta(days=30),
        **extra,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def seed_community(db: Database, now: datetime, hostile: bool = True) -> Seeded:
    """Issues (with hostile titles unless ``hostile`` is false, and a repo that is not configured),
    people, spotlights, notes."""
    day = timedelta(days=1)
    issues = [
        item(1, "Fix typo in README", ["good first issue", "area/docs"], created=now - 5 * day),
        *(
            item(20 + i, title, ["good first issue"], created=now - timedelta(hours=i + 1))
            for i, title in enumerate(HOSTILE_TITLES if hostile else ())
        ),
        item(30, "Add docs for the CLI", ["good first issue", "area/docs"], created=now - 2 * day, pull=True),
    ]
    seed_issues(db, REPO, issues)
    seed_issues(db, "acme/private-stuff", [item(1, "SECRET-PRIVATE-REPO", ["good first issue"], created=now)])

    def write(session: Session) -> Seeded:
        zoe = Member(display_name="Zoë", github_login="zoe", github_login_lower="zoe", created_at=now)
        hidden = Member(display_name="Rotation Member", created_at=now)  # on call: a public name
        session.add_all([zoe, hidden])
        session.flush()
        assert zoe.id is not None and hidden.id is not None
        session.add(
            PlatformIdentity(member_id=hidden.id, platform="discord", platform_user_id=HIDDEN_CHAT_ID)
        )
        published = _interview(
            session, zoe.id, "Zoë", Status.PUBLISHED, now,
            approved_at=now - 3 * day, published_at=now - 2 * day,
            introduction="Zoë keeps the docs **tidy**.",
        )  # fmt: skip
        hostile = "I write docs. <script>alert('answer')</script> [x](javascript:alert(1))"
        session.add(SpotlightAnswer(interview_id=published, question_id="intro", text=hostile))
        session.add(
            SpotlightAnswer(interview_id=published, question_id="advice", text="Ask early,\nask often.")
        )
        draft = _interview(session, hidden.id, "Draft Person", Status.SUBMITTED, now,
                           change_request="SECRET-CHANGE-REQUEST")  # fmt: skip
        session.add(SpotlightAnswer(interview_id=draft, question_id="intro", text="SECRET-DRAFT-ANSWER"))
        approved = _interview(session, hidden.id, "Draft Person", Status.APPROVED, now, approved_at=now)
        session.add(
            SpotlightAnswer(interview_id=approved, question_id="intro", text="SECRET-UNPUBLISHED-ANSWER")
        )
        session.add(
            SpotlightCredit(member_id=hidden.id, kind="nominated", detail="SECRET-NOMINATION", at=now)
        )
        session.add(OncallHandoffNote(rotation="triage", shift_key="triage/-/x", author="aoife-b",
                                      note="SECRET-HANDOFF-NOTE secret.person@example.com"))  # fmt: skip
        session.add(
            PostLog(
                job="dm", period="SECRET-DM-TEXT", platform="discord", channel=HIDDEN_CHAT_ID, status="sent"
            )
        )
        for i, hours in enumerate((2, 5, 30)):
            opened = now - timedelta(days=3 + i)
            session.add(
                OncallTriage(
                    repo=REPO,
                    number=100 + i,
                    rotation="triage",
                    opened_at=opened,
                    first_response_at=opened + timedelta(hours=hours),
                    first_response_by="aoife-b",
                )
            )
        return Seeded(published, draft, approved)

    return db.call(write)
