"""What runs and what waits, from the database: for `steward status` and /steward config."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.config import StewardConfig
from bot.config_source import versions
from bot.config_source.models import ConfigVersion
from bot.counted import counted


def _row(row: ConfigVersion | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "sha": row.commit_sha,
        "url": row.commit_url,
        "by": row.pushed_by,
        "recorded_at": row.recorded_at,
        "decided_at": row.decided_at,
        "attempts": row.attempts,
        "last_error": row.last_error,
        "problems": list(row.problems),
        "warnings": list(row.warnings),
    }


def config_source_report(session: Session, config: StewardConfig) -> dict[str, Any] | None:
    """The accepted, pending and last refused versions (None without config_source)."""
    source = config.config_source
    if source is None:
        return None
    refused = versions.latest(session, source, "refused")
    accepted = versions.latest(session, source, "accepted")
    return {
        "source": f"{source.repo}:{source.path}@{source.ref}",
        "running": _row(accepted),
        "pending": _row(versions.latest(session, source, "pending")),
        # A refusal older than what runs is history, not news.
        "refused": _row(refused)
        if refused and (accepted is None or (refused.id or 0) > (accepted.id or 0))
        else None,
    }


def describe_config_source(report: dict[str, Any]) -> str:
    """One line for `steward status`."""
    running = report.get("running")
    parts = [report["source"]]
    if running:
        parts.append(f"runs {str(running['sha'])[:7]} (by {running['by'] or '?'}, {running['decided_at']})")
    else:
        parts.append("no version accepted yet (running on the bootstrap file)")
    pending = report.get("pending")
    if pending:
        error = f", {pending['last_error']}" if pending["last_error"] else ""
        parts.append(f"PENDING {str(pending['sha'] or 'branch head')[:7]} since {pending['recorded_at']}"
                     f" ({counted(pending['attempts'], 'attempt', 'attempts')}{error})")  # fmt: skip
    refused = report.get("refused")
    if refused:
        parts.append(
            f"refused {str(refused['sha'])[:7]}: {counted(len(refused['problems']), 'problem', 'problems')}"
        )
    return "; ".join(parts)
