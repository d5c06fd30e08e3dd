"""`Identity.remember_accounts`: each account's type is recorded once, and only what is stored is
taken as known (a page naming people seen before reads nothing back)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from bot.config.loader import load_config_text
from bot.core.clock import FakeClock
from bot.db.database import Database
from bot.github.identity import Identity
from bot.github.models import GitHubAccount


def _user(login: str, kind: str = "User") -> dict[str, Any]:
    return {"login": login, "type": kind}


def _accounts(db: Database) -> dict[str, str]:
    return db.call(lambda s: {a.login: a.account_type for a in s.exec(select(GitHubAccount))})


@pytest.fixture
def identity(db: Database, tmp_path: Path) -> Identity:
    config = load_config_text("project:\n  name: T\n", "steward.yaml", base_dir=tmp_path)
    return Identity(db, FakeClock(), lambda: config)


def _statements_on_accounts(db: Database) -> list[str]:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "github_account" in statement:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    return seen


def test_people_seen_before_cost_no_read(db: Database, identity: Identity) -> None:
    db.call(identity.remember_accounts, [_user("Ada"), _user("ci", "Bot")])
    db.call(identity.remember_accounts, [_user("Ada"), _user("ci", "Bot")])  # now read back as stored
    statements = _statements_on_accounts(db)
    db.call(identity.remember_accounts, [_user("ada"), _user("ci", "Bot"), None])
    assert statements == []
    db.call(identity.remember_accounts, [_user("Ada"), _user("Bea")])
    assert len(statements) == 2  # one read of the unknown one, one insert
    assert _accounts(db) == {"Ada": "User", "ci": "Bot", "Bea": "User"}
    assert identity.is_bot("ci")


def test_a_changed_type_is_recorded_though_the_account_is_known(db: Database, identity: Identity) -> None:
    db.call(identity.remember_accounts, [_user("acme")])
    db.call(identity.remember_accounts, [_user("acme")])
    db.call(identity.remember_accounts, [_user("acme", "Organization")])
    assert _accounts(db) == {"acme": "Organization"}


def test_accounts_of_a_rolled_back_transaction_are_not_taken_as_stored(
    db: Database, identity: Identity
) -> None:
    """Within one transaction a second page reads back the first page's rows; if that transaction
    fails, those rows were never stored, and the next sighting records them."""

    def two_pages_then_fail(session: Session) -> None:
        identity.remember_accounts(session, [_user("Ada")])
        identity.remember_accounts(session, [_user("Ada")])
        raise RuntimeError("the page's store failed")

    with pytest.raises(RuntimeError):
        db.call(two_pages_then_fail)
    assert _accounts(db) == {}
    db.call(identity.remember_accounts, [_user("Ada")])
    assert _accounts(db) == {"Ada": "User"}
