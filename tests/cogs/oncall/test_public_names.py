"""Reading people for the public pages and calendar feeds: the same person resolve() gives, nothing
written, and a bare chat id never shown as a name."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import select

from bot.config import load_config_text
from bot.core.members import MemberDirectory
from bot.db.database import Database
from bot.db.models import Member, PlatformIdentity
from cogs.oncall.people import PeopleResolver
from cogs.oncall.public_names import known_person, public_name

NOW = datetime(2026, 1, 5, tzinfo=UTC)
CONFIG = load_config_text(
    "project: {name: Test}\n"
    "maintainers:\n"
    "  - {github: Ann, name: Ann Lee, discord: '111'}\n"
    "oncall:\n  rotations:\n    - name: core\n"
    "      members: [ann, 'discord:222', 'slack:U333', 'console:cy']\n"
)
REFS = ("ann", "discord:111", "discord:222", "slack:U333", "console:cy", "nobody-here")


def rows(db: Database) -> tuple[int, int]:
    return db.call(
        lambda s: (
            s.exec(select(func.count()).select_from(Member)).one(),
            s.exec(select(func.count()).select_from(PlatformIdentity)).one(),
        )
    )


def test_known_reads_what_resolve_gives_and_writes_nothing(db: Database) -> None:
    members = MemberDirectory()
    db.call(lambda s: members.ensure(s, "discord", "222", "Dee", NOW))  # someone the bot has met
    before = rows(db)
    known = {ref: db.read_call(lambda s, r=ref: known_person(CONFIG, members, s, r)) for ref in REFS}
    assert rows(db) == before
    resolver = PeopleResolver(CONFIG, members)
    resolved = {ref: db.call(lambda s, r=ref: resolver.resolve(s, r, NOW)) for ref in REFS}
    for ref in REFS:  # the names (and chat ids) match; only resolve() created the missing rows
        assert (known[ref].name, known[ref].user_ids) == (resolved[ref].name, resolved[ref].user_ids), ref
    assert known["discord:222"].name == "Dee" and known["discord:111"].name == "Ann Lee"
    assert known["slack:U333"].member_id is None and resolved["slack:U333"].member_id is not None


def test_a_bare_chat_id_is_never_the_public_name() -> None:
    names = {"discord:222": "Dee", "slack:U333": "U333", "console:cy": "cy", "ann": "Ann Lee"}
    assert public_name(names, None) is None  # nobody on call
    assert public_name(names, "discord:222") == "Dee"
    assert public_name(names, "slack:U333") == ""  # the caller says "a maintainer"
    assert public_name(names, "discord:999") == ""  # not even resolved: still never the id
    assert public_name(names, "console:cy") == "cy"  # console names are names people typed
    assert public_name(names, "ann") == "Ann Lee"
