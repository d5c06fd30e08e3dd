"""Cogs never write a time for people by hand: times go through the catalog, where bot/core/moments.py
(Babel) writes them in the reader's language and zone. This scan fails on ``strftime``, ``isoformat``
and ``f"{when:%...}"`` anywhere in cogs/ outside the machine formats listed below with their reason."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# (file, enclosing function) -> why a hand-written format is right there: nobody reads it as a time.
MACHINE_FORMATS = {
    ("cogs/oncall/ical.py", "_stamp"): "iCalendar's UTC DATE-TIME syntax (RFC 5545)",
    ("cogs/oncall/planner.py", "key"): "a shift's stable identity in the database",
    (
        "cogs/oncall/coverage.py",
        "describe_gap",
    ): "steward check-config's operator warning, UTC like the config",
    ("cogs/spotlight/document.py", "to_json"): "the stored document",
    ("cogs/spotlight/export.py", "front_matter"): "the blog generator's front-matter date",
    ("cogs/spotlight/export.py", "export_filename"): "the blog file's name",
    ("cogs/spotlight/publisher.py", "publish_job"): "the once-per-day key of the 'nothing approved' notice",
    ("cogs/onboarding/base.py", "day"): "the once-per-day key of access requests",
    ("cogs/digest/cog.py", "send"): "the once-per-minute key of a manual digest post",
    ("cogs/good_first_issues/announcements.py", "_plan"): "the once-per-batch key of an announcement",
}


def _hand_formatted(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, enclosing function) of each hand-written time format in ``tree``."""
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST, function: str) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"strftime", "isoformat"}
        ):
            found.append((node.lineno, function))
        if isinstance(node, ast.FormattedValue) and isinstance(node.format_spec, ast.JoinedStr):
            spec = "".join(
                str(part.value) for part in node.format_spec.values if isinstance(part, ast.Constant)
            )
            if "%" in spec:
                found.append((node.lineno, function))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, "<module>")
    return found


def test_no_cog_formats_a_time_by_hand() -> None:
    offenders = []
    for path in sorted((ROOT / "cogs").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for line, function in _hand_formatted(ast.parse(path.read_text(encoding="utf-8"))):
            if (rel, function) not in MACHINE_FORMATS:
                offenders.append(f"{rel}:{line} in {function}()")
    assert not offenders, (
        "format times through the catalog (datetime / moments.Day parameters), not by hand: "
        + ", ".join(offenders)
    )


def test_the_scan_catches_each_form() -> None:
    source = (
        "def f(when):\n"
        "    a = when.strftime('%Y')\n"
        "    b = when.isoformat()\n"
        "    c = f'{when:%Y-%m-%d %H:%M} UTC'\n"
        "    d = f'{count:>3}'\n"
    )
    assert [line for line, _ in _hand_formatted(ast.parse(source))] == [2, 3, 4]


def test_every_machine_format_still_exists() -> None:
    """An entry whose function no longer formats a time is stale and would hide a new one."""
    live = {
        (path.relative_to(ROOT).as_posix(), function)
        for path in (ROOT / "cogs").rglob("*.py")
        for _, function in _hand_formatted(ast.parse(path.read_text(encoding="utf-8")))
    }
    assert set(MACHINE_FORMATS) <= live, set(MACHINE_FORMATS) - live
