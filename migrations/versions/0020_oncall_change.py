"""oncall_change: a journal of the writes that may move /oncall stats, kept by triggers.

The stats cache (cogs/oncall/stats_cache.py) keeps each week's response times and each item's share
of the backlog, and recomputes only what the journal names: items whose times, author, labels or
triage record changed, and the weeks of triage records written. Triggers write it, so every writer
counts (the GitHub sync, commands, another process); on PostgreSQL once per statement, from its
transition tables. The journal keeps about the last 100,000 entries; a reader that fell further
behind starts over.

Revision ID: 0020_oncall_change
Revises: 0019_member_changes
Create Date: 2026-12-07 02:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_oncall_change"
down_revision: str | Sequence[str] | None = "0019_member_changes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEEP = 100_000  # entries kept; pruned about every PRUNE_EVERY entries
PRUNE_EVERY = 1024

# Columns whose change may move an item's share of the backlog, or a record's response times.
ITEM_COLUMNS = (
    "repo_id",
    "number",
    "created_at",
    "state",
    "closed_at",
    "removed_at",
    "author_login",
    "author_association",
)
RECORD_COLUMNS = (
    "repo",
    "number",
    "opened_at",
    "rotation",
    "first_response_at",
    "first_response_by",
    "triaged_at",
    "triaged_by",
)


def _item_of(row: str) -> str:
    """SQL for the tracked item of the triage record ``row`` (NULL when the item is not tracked)."""
    return (
        "(SELECT t.id FROM tracked_issue t JOIN repo r ON r.id = t.repo_id "
        f"WHERE r.full_name_lower = {row}.repo AND t.number = {row}.number)"
    )


def _differ(
    columns: Sequence[str], old: str = "OLD", new: str = "NEW", operator: str = "IS DISTINCT FROM"
) -> str:
    """SQL true when any of ``columns`` differs between rows ``old`` and ``new`` (SQLite: ``IS NOT``)."""
    return " OR ".join(f"{old}.{c} {operator} {new}.{c}" for c in columns)


# (trigger name, table, operation, SQLite WHEN or None, SQLite statements)
SQLITE: list[tuple[str, str, str, str | None, list[str]]] = [
    (
        "item_insert",
        "tracked_issue",
        "INSERT",
        None,
        ["INSERT INTO oncall_change (issue_id) VALUES (NEW.id)"],
    ),
    (
        "item_delete",
        "tracked_issue",
        "DELETE",
        None,
        ["INSERT INTO oncall_change (issue_id) VALUES (OLD.id)"],
    ),
    (
        "item_update",
        "tracked_issue",
        "UPDATE",
        _differ(ITEM_COLUMNS, operator="IS NOT"),
        ["INSERT INTO oncall_change (issue_id) VALUES (NEW.id)"],
    ),
    (
        "label_insert",
        "issue_label",
        "INSERT",
        None,
        ["INSERT INTO oncall_change (issue_id) VALUES (NEW.issue_id)"],
    ),
    (
        "label_delete",
        "issue_label",
        "DELETE",
        None,
        ["INSERT INTO oncall_change (issue_id) VALUES (OLD.issue_id)"],
    ),
    (
        "label_update",
        "issue_label",
        "UPDATE",
        None,
        [
            "INSERT INTO oncall_change (issue_id) VALUES (OLD.issue_id)",
            "INSERT INTO oncall_change (issue_id) VALUES (NEW.issue_id)",
        ],
    ),
    (
        "record_insert",
        "oncall_triage",
        "INSERT",
        None,
        [f"INSERT INTO oncall_change (issue_id, opened) VALUES ({_item_of('NEW')}, NEW.opened_at)"],
    ),
    (
        "record_delete",
        "oncall_triage",
        "DELETE",
        None,
        [f"INSERT INTO oncall_change (issue_id, opened) VALUES ({_item_of('OLD')}, OLD.opened_at)"],
    ),
    (
        "record_update",
        "oncall_triage",
        "UPDATE",
        _differ(RECORD_COLUMNS, operator="IS NOT"),
        [
            f"INSERT INTO oncall_change (issue_id, opened) VALUES ({_item_of('OLD')}, OLD.opened_at)",
            f"INSERT INTO oncall_change (issue_id, opened) VALUES ({_item_of('NEW')}, NEW.opened_at)",
        ],
    ),
    (
        "repo_update",
        "repo",
        "UPDATE",
        "OLD.full_name_lower IS NOT NEW.full_name_lower",
        ["INSERT INTO oncall_change (issue_id) VALUES (NULL)"],
    ),
    ("repo_delete", "repo", "DELETE", None, ["INSERT INTO oncall_change (issue_id) VALUES (NULL)"]),
    (
        "prune",
        "oncall_change",
        "INSERT",
        f"NEW.seq % {PRUNE_EVERY} = 0",
        [f"DELETE FROM oncall_change WHERE seq <= NEW.seq - {KEEP}"],
    ),
]

# PostgreSQL: statement triggers over transition tables ("new_rows", "old_rows"). Each is
# (name, table, operation, the SELECT of (issue_id, opened) rows to journal).
POSTGRES: list[tuple[str, str, str, str]] = [
    ("item_insert", "tracked_issue", "INSERT", "SELECT id, NULL::timestamptz FROM new_rows"),
    ("item_delete", "tracked_issue", "DELETE", "SELECT id, NULL::timestamptz FROM old_rows"),
    (
        "item_update",
        "tracked_issue",
        "UPDATE",
        "SELECT n.id, NULL::timestamptz FROM new_rows n JOIN old_rows o ON o.id = n.id "
        f"WHERE {_differ(ITEM_COLUMNS, 'o', 'n')}",
    ),
    ("label_insert", "issue_label", "INSERT", "SELECT DISTINCT issue_id, NULL::timestamptz FROM new_rows"),
    ("label_delete", "issue_label", "DELETE", "SELECT DISTINCT issue_id, NULL::timestamptz FROM old_rows"),
    (
        "label_update",
        "issue_label",
        "UPDATE",
        "SELECT issue_id, NULL::timestamptz FROM old_rows UNION SELECT issue_id, NULL FROM new_rows",
    ),
    ("record_insert", "oncall_triage", "INSERT", f"SELECT {_item_of('x')}, x.opened_at FROM new_rows x"),
    ("record_delete", "oncall_triage", "DELETE", f"SELECT {_item_of('x')}, x.opened_at FROM old_rows x"),
    (
        "record_update",
        "oncall_triage",
        "UPDATE",
        f"SELECT {_item_of('x')}, x.opened_at FROM old_rows x JOIN new_rows n ON n.id = x.id "
        f"WHERE {_differ(RECORD_COLUMNS, 'x', 'n')} "
        f"UNION ALL SELECT {_item_of('x')}, x.opened_at FROM new_rows x JOIN old_rows o ON o.id = x.id "
        f"WHERE {_differ(RECORD_COLUMNS, 'o', 'x')}",
    ),
    (
        "repo_update",
        "repo",
        "UPDATE",
        "SELECT NULL::integer, NULL::timestamptz FROM new_rows n JOIN old_rows o ON o.id = n.id "
        "WHERE o.full_name_lower IS DISTINCT FROM n.full_name_lower LIMIT 1",
    ),
    ("repo_delete", "repo", "DELETE", "SELECT NULL::integer, NULL::timestamptz FROM old_rows LIMIT 1"),
]

_TRANSITIONS = {
    "INSERT": "REFERENCING NEW TABLE AS new_rows",
    "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "REFERENCING OLD TABLE AS old_rows",
}


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "oncall_change",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=True),
        sa.Column("opened", sa.DateTime(timezone=True), nullable=True),
        sa.Column("xact", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_oncall_change")),
    )
    op.create_index(op.f("ix_oncall_change_xact"), "oncall_change", ["xact"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        for name, table, operation, when, statements in SQLITE:
            head = f"CREATE TRIGGER oncall_change_{name} AFTER {operation} ON {table}"
            condition = f" WHEN {when}" if when else ""
            op.execute(f"{head}{condition} BEGIN {'; '.join(statements)}; END")
        return
    # Readers go on from their snapshot's oldest running transaction: numbers are drawn before
    # commit, so a later number may become visible first.
    op.execute("ALTER TABLE oncall_change ALTER COLUMN xact SET DEFAULT (pg_current_xact_id()::text::bigint)")
    for name, table, operation, rows in POSTGRES:
        op.execute(
            f"CREATE FUNCTION oncall_change_{name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"INSERT INTO oncall_change (issue_id, opened) {rows}; RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER oncall_change_{name} AFTER {operation} ON {table} {_TRANSITIONS[operation]} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION oncall_change_{name}()"
        )
    # Pruned when a statement's entries pass a multiple of PRUNE_EVERY (each prune leaves dead rows for
    # the next one's index scan to step over, until vacuum), skipping rows another pruner holds.
    op.execute(
        "CREATE FUNCTION oncall_change_prune() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "DECLARE low bigint; high bigint; BEGIN "
        "SELECT min(seq), max(seq) INTO low, high FROM new_rows; "
        f"IF high / {PRUNE_EVERY} > (low - 1) / {PRUNE_EVERY} THEN "
        "DELETE FROM oncall_change WHERE seq IN (SELECT seq FROM oncall_change WHERE seq <= "
        f"high - {KEEP} FOR UPDATE SKIP LOCKED); END IF; RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER oncall_change_prune AFTER INSERT ON oncall_change REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION oncall_change_prune()"
    )


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "sqlite":
        for name, *_ in SQLITE:
            op.execute(f"DROP TRIGGER IF EXISTS oncall_change_{name}")
    else:
        for name, table, *_ in [*POSTGRES, ("prune", "oncall_change")]:
            op.execute(f"DROP TRIGGER IF EXISTS oncall_change_{name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS oncall_change_{name}()")
    op.drop_index(op.f("ix_oncall_change_xact"), table_name="oncall_change")
    op.drop_table("oncall_change")
