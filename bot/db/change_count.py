"""A one-row table that SQLite triggers keep counting the writes to some tables with.

Any process's commit that wrote a watched table moves the count, and nothing else does: a cache of
those tables can tell "someone changed members" from "someone renewed the scheduler's lease", which
``PRAGMA data_version`` alone cannot. The table and its triggers are made by a migration; the
triggers are named ``{table}_{watched}_{insert|update|delete}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

OPERATIONS = ("insert", "update", "delete")


@dataclass(frozen=True)
class ChangeCount:
    """The counting table ``table`` (one row, id 1, column ``writes``) and the tables it counts."""

    table: str
    watched: frozenset[str]

    def trigger_names(self) -> frozenset[str]:
        return frozenset(f"{self.table}_{name}_{op}" for name in self.watched for op in OPERATIONS)

    def installed(self, conn: Any) -> bool:
        """Whether the triggers and the row exist on ``conn`` (a DB-API SQLite connection)."""
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        return self.trigger_names() <= names and self.read(conn) is not None

    def read(self, conn: Any) -> int | None:
        """The count now; None without its row."""
        row = conn.execute(f'SELECT writes FROM "{self.table}" WHERE id = 1').fetchone()
        return None if row is None else int(row[0])
