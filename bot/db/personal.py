"""How tables declare personal data, so ``steward forget`` finds every row about a person.

Each feature says it on its own models, next to the columns:

- a foreign key to ``member.id`` needs nothing: ``ondelete="CASCADE"`` means the row is the person's
  (erased), ``ondelete="SET NULL"`` means they only took part in someone else's row (detached);
- any other column that names a person carries ``sa_column_kwargs=names_person(...)``;
- a table without personal columns, or with personal data that is deliberately kept, says why with
  ``forget_rules(kept=...)`` in its ``__table_args__``; a test fails for a table that says neither;
- rows that must survive even though they name the person (a published spotlight its subject
  approved) give a ``keep_rows_where`` condition.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Table

PERSON_KEY = "steward_person"
KEPT_KEY = "steward_kept"
KEEP_ROWS_KEY = "steward_keep_rows"
CHANGE_TOPIC_KEY = "steward_change_topic"


class Names(StrEnum):
    """What a column holds that names a person."""

    MEMBER_ID = "member_id"  # a member.id without a foreign key
    GITHUB_LOGIN = "github_login"  # compared case-insensitively, as GitHub does
    MEMBER_REF = "member_ref"  # "discord:ID", "slack:ID", "console:name" or a GitHub login


class OnForget(StrEnum):
    """What forgetting the person does to a row that names them."""

    ERASE = "erase"  # the row is about them: deleted
    DETACH = "detach"  # the row is someone else's and they only took part: the column is cleared


def names_person(names: Names, on_forget: OnForget = OnForget.ERASE) -> dict[str, Any]:
    """``sa_column_kwargs`` for a column that names a person."""
    return {"info": {PERSON_KEY: (names, on_forget)}}


def forget_rules(
    *,
    kept: str | None = None,
    keep_rows_where: Callable[[Table], ColumnElement[bool]] | None = None,
    change_topic: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """Table options for ``__table_args__`` saying how ``steward forget`` treats the table.

    ``kept``: why its rows stay when a person is forgotten (shown to the maintainer who runs it).
    ``keep_rows_where(table)``: rows kept although they name the person. ``change_topic`` (topic,
    column): erased rows' ``column`` values are marked changed under that ``Database.on_change`` topic,
    so tables derived from this one follow in the same transaction.
    """
    info: dict[str, Any] = {}
    if kept is not None:
        info[KEPT_KEY] = kept
    if keep_rows_where is not None:
        info[KEEP_ROWS_KEY] = keep_rows_where
    if change_topic is not None:
        info[CHANGE_TOPIC_KEY] = change_topic
    return {"info": info}
