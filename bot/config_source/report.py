"""The check report of a proposed config file: title, Markdown summary and line annotations."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.config import ConfigProblem
from bot.config.sections.source import ConfigSourceConfig
from bot.config_source.fetch import label
from bot.config_source.notices import change_lines, plural_key
from bot.config_source.summary import Change
from bot.i18n import Translate


@dataclass
class CheckReport:
    """What the check run (or the status and comment) says about one head commit."""

    ok: bool
    title: str
    summary: str
    annotations: list[dict[str, Any]] = field(default_factory=list)


def verbatim(lines: list[str]) -> str:
    """``lines`` in a fenced block: what people wrote is shown as written, never as Markdown or @mentions."""
    text = "\n".join(lines)
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def line_annotations(problems: list[ConfigProblem], source: ConfigSourceConfig) -> list[dict[str, Any]]:
    """One failure annotation per problem located in the repository file, on its line."""
    found = []
    for problem in problems:
        if problem.file != label(source) or problem.line < 1:
            continue
        message = f"{problem.path}: {problem.message}" if problem.path else problem.message
        found.append(
            {
                "path": source.path,
                "start_line": problem.line,
                "end_line": problem.line,
                "annotation_level": "failure",
                "title": source.check_name,
                "message": message[:64000],
            }
        )
    return found


def build_report(
    t: Translate,
    locale: str,
    source: ConfigSourceConfig,
    problems: list[ConfigProblem],
    reasons: list[str],
    changes: list[Change],
    warnings: list[str],
    from_fork: bool,
) -> CheckReport:
    """``problems`` located ones, ``reasons`` why a file could not be read at all."""
    count = len(problems) + len(reasons)
    parts: list[str] = []
    if count:
        title = t(plural_key("config_source.check.title_failed", count, locale), count=count)
        parts += [
            f"**{t('config_source.check.summary_problems')}**",
            verbatim([*reasons, *map(str, problems)]),
        ]
    else:
        title = t("config_source.check.title_ok")
        parts += [f"**{t('config_source.check.summary_changes')}**", verbatim(change_lines(t, changes))]
    if warnings:
        parts += [f"**{t('config_source.check.summary_warnings')}**", verbatim(warnings)]
    if from_fork:
        parts.append(t("config_source.check.fork"))
    summary = "\n\n".join(parts)
    if len(summary) > 65000:  # GitHub's limit is 65535 characters
        summary = summary[:65000].rsplit("\n", 1)[0] + "\n```\n…"
    return CheckReport(count == 0, title, summary, line_annotations(problems, source))
