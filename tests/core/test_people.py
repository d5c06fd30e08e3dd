"""The one member resolver: what names a person, what is refused, and that only real or configured
identities ever become members."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from bot.config import load_config_text
from bot.core.errors import UserError
from bot.core.members import MemberDirectory
from bot.core.people import PersonResolver
from bot.core.refs import UserRef
from bot.db.database import Database
from bot.db.models import Member
from bot.github.store import IssueStore
from tests.cogs.spotlight.history import pr
from tests.fixtures.console import config_text

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
MAINTAINERS = """maintainers:
  - {name: Mia Maintainer, github: mia-gh, slack: U0MIA, console: mia}
  - {github: gh-only}
"""


@pytest.fixture
def people(db: Database, database_url: str, tmp_path: Path) -> PersonResolver:
    config = load_config_text(config_text(database_url, MAINTAINERS), "steward.yaml", base_dir=tmp_path)
    members = MemberDirectory()

    def seed(session: Session) -> None:
        members.ensure(session, "console", "alice", "alice", NOW)
        bob = members.ensure(session, "slack", "U0BOB", "Bob Builder", NOW)
        bob.github_login, bob.github_login_lower = "bob-gh", "bob-gh"
        session.add(bob)
        repo = IssueStore().upsert_repo(session, "acme/widgets")
        session.flush()
        IssueStore().upsert_issue(session, repo, pr(1, "Drive-By-Dev", None))

    db.call(seed)
    return PersonResolver(config, members)


def _members(db: Database) -> int:
    return int(db.call(lambda s: s.exec(select(func.count()).select_from(Member)).one()))


@pytest.mark.parametrize(
    ("platform", "named", "expected"),
    [
        ("console", "alice", "alice"),
        ("console", "@alice", "alice"),
        ("console", "console:alice", "alice"),
        ("slack", "@bob builder", "Bob Builder"),
        ("slack", "<@U0BOB|bob>", "Bob Builder"),
        ("console", "slack:U0BOB", "Bob Builder"),
        ("console", "BOB-GH", "Bob Builder"),  # a linked GitHub login, any case
        ("console", "mia", "Mia Maintainer"),  # configured: becomes a member from the config
        ("discord", "mia-gh", "Mia Maintainer"),
        ("console", "gh-only", "gh-only"),  # configured GitHub login without chat identity
        ("console", "drive-by-dev", "Drive-By-Dev"),  # a login seen on GitHub
    ],
)
def test_names_that_name_someone(
    db: Database, people: PersonResolver, platform: str, named: str, expected: str
) -> None:
    person = db.call(lambda s: people.resolve(s, platform, named, NOW))
    assert person.display_name == expected


@pytest.mark.parametrize(
    ("named", "key"),
    [
        ("@everyone", "core.error.group_mention"),
        ("@here", "core.error.group_mention"),
        ("here", "core.error.group_mention"),  # shown as @here
        ("<!channel>", "core.error.group_mention"),
        ("<!subteam^S123|@devs>", "core.error.group_mention"),
        ("<@&123456>", "core.error.group_mention"),
        ("everyone", "core.error.group_mention"),
        ("nobody-xyz-123", "core.error.unknown_person"),
        ("slack:U0NOBODY", "core.error.unknown_person"),
        ("discord:42", "core.error.unknown_person"),
        ("not a login!", "core.error.unknown_person"),
    ],
)
def test_groups_and_strangers_are_refused_and_create_nobody(
    db: Database, people: PersonResolver, named: str, key: str
) -> None:
    before = _members(db)
    with pytest.raises(UserError) as refused:
        db.call(lambda s: people.resolve(s, "slack", named, NOW))
    shown = "@" + named if key == "core.error.group_mention" and named.isalpha() else named
    assert refused.value.key == key and refused.value.outside == {"name": shown}
    assert _members(db) == before


def test_a_platform_mention_is_a_real_account_and_is_remembered(db: Database, people: PersonResolver) -> None:
    person = db.call(lambda s: people.resolve(s, "slack", UserRef("slack", "U0NEW", "newbie"), NOW))
    assert person.display_name == "newbie" and person.user_id_on("slack") == "U0NEW"
    again = db.call(lambda s: people.resolve(s, "slack", "slack:U0NEW", NOW))
    assert again.member_id == person.member_id


def test_a_console_name_is_not_an_account_until_seen(db: Database, people: PersonResolver) -> None:
    with pytest.raises(UserError):
        db.call(lambda s: people.resolve(s, "console", UserRef("console", "stranger", None), NOW))


def test_configured_rotation_refs_count_as_known(db: Database, people: PersonResolver) -> None:
    before = _members(db)
    person = db.call(lambda s: people.resolve(s, "console", "console:rota", NOW, also=["console:rota"]))
    assert person.user_id_on("console") == "rota" and _members(db) == before + 1
    login = db.call(lambda s: people.resolve(s, "console", "Rota-GH", NOW, also=["rota-gh"]))
    assert (login.member_id, login.github_login) == (None, "rota-gh")


def test_a_member_is_required_where_a_chat_identity_is_needed(db: Database, people: PersonResolver) -> None:
    with pytest.raises(UserError) as refused:
        db.call(lambda s: people.member(s, "console", "drive-by-dev", NOW))
    assert refused.value.key == "core.error.no_chat_identity"
    member_id, name = db.call(lambda s: people.member(s, "console", "alice", NOW))
    assert name == "alice" and member_id > 0
