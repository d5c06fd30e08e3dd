"""/steward config: which configuration version runs here, who merged it, when, and its warnings."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from bot.core.invocation import Invocation
from bot.core.messages import Bold, BulletList, Code, Fields, Header, Inline, Link, Message, Plain, Section


def _when(inv: Invocation, moment: datetime | None, zone: str) -> Inline:
    if moment is None:
        return inv.t("config_source.show.none")
    locale = inv.locale.replace("-", "_")
    return format_datetime(moment, format="medium", tzinfo=ZoneInfo(zone), locale=locale)


def _sha(sha: str | None, url: str | None) -> Inline:
    if not sha:
        return Plain("?")
    return Link(url, Code(sha[:7])) if url else Code(sha[:7])


def config_message(
    inv: Invocation, report: dict[str, Any] | None, local_path: str, warnings: list[str], project_zone: str
) -> Message:
    """The running version (repository or local file), what waits, and the warnings."""
    zone = inv.actor.timezone or project_zone
    none = inv.t("config_source.show.none")
    fields: list[tuple[Inline, Inline]] = []
    if report is None:
        fields.append(
            (inv.t("config_source.show.source"), Plain(inv.t("config_source.show.local", path=local_path)))
        )
    else:
        running = report.get("running") or {}
        fields += [
            (inv.t("config_source.show.source"), Plain(report["source"])),
            (
                inv.t("config_source.show.version"),
                _sha(running.get("sha"), running.get("url")) if running else none,
            ),
            (inv.t("config_source.show.when"), _when(inv, running.get("decided_at"), zone)),
            (inv.t("config_source.show.who"), Plain(running.get("by") or none)),
        ]
        pending = report.get("pending")
        if pending:
            text = inv.t(
                "config_source.show.pending_value",
                sha=(pending["sha"] or "HEAD")[:7],
                since=_when(inv, pending["recorded_at"], zone),
                attempts=pending["attempts"],
                error=pending["last_error"] or "-",
            )
            fields.append((inv.t("config_source.show.pending"), Plain(text)))
    msg = Message([Header(inv.t("config_source.show.title")), Fields(tuple(fields))])
    if warnings:
        msg.add(
            Section(Bold(inv.t("config_source.show.warnings"))),
            BulletList(tuple((Plain(w),) for w in warnings)),
        )
    else:
        msg.add(Fields(((inv.t("config_source.show.warnings"), inv.t("config_source.show.no_warnings")),)))
    msg.summary = inv.t("config_source.show.title")
    return msg
