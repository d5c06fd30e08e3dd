"""`steward status` and `steward healthcheck`: a deployment's health, from its database and /healthz."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import urllib.error
import urllib.request
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, text
from sqlmodel import select

from bot.counted import counted
from bot.db.engine import sqlite_file_missing
from bot.scheduling.leader import database_now, lease_holder

EXIT_UNHEALTHY = 1


def register(sub: Any) -> None:
    """Add ``steward status`` and ``steward healthcheck``."""
    p = sub.add_parser("status", help="health summary: database, scheduler leader, jobs, posts, /healthz")
    p.add_argument("--config", "-c", help="YAML config file (default: ./steward.yaml)")
    p.add_argument("--demo", action="store_true", help="the demo configuration")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(fn=cmd_status)
    p = sub.add_parser(
        "healthcheck",
        help="exit 0 when this deployment's /healthz answers healthy (for container health checks)",
    )
    p.add_argument("--config", "-c", help="YAML config file (default: ./steward.yaml)")
    p.add_argument("--url", help="the /healthz URL to ask (default: from the config's http: section)")
    p.add_argument("--timeout", type=float, default=5.0, help="seconds to wait for an answer (default 5)")
    p.set_defaults(fn=cmd_healthcheck)


def cmd_status(args: argparse.Namespace) -> int:
    from bot.cli import resolve_config

    config, _ = resolve_config(args)
    url = config.database_url()
    report: dict[str, Any] = {"database": _database_report(url)}
    if report["database"].get("ok"):
        report.update(_deployment_report(url, config))
    report["instance"] = (
        _healthz(_healthz_url(config.http.host, config.http.port))
        if config.http.port
        else {"reachable": None, "any_port": True}  # a free port is chosen at each start: nothing to ask
    )
    report["font_warnings"] = chart_font_warnings(config.project.locale)
    _check_same_deployment(report)
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    else:
        _print(report, config.project.locale, config.project.timezone)
    return 0 if report["database"].get("ok") else EXIT_UNHEALTHY


def cmd_healthcheck(args: argparse.Namespace) -> int:
    url = args.url
    if not url:
        from bot.cli import resolve_config
        from bot.config import ConfigError

        try:
            config, _ = resolve_config(args)
        except ConfigError as exc:
            # Docker's HEALTHCHECK knows 0 and 1 only (2 is reserved): a config that does not load is
            # unhealthy, said in one line, not exit 2 as other commands do.
            print(
                f"unhealthy: the config does not load: {exc.problems[0] if exc.problems else exc}",
                file=sys.stderr,
            )
            return EXIT_UNHEALTHY
        url = _healthz_url(config.http.host, config.http.port)
    answer = _healthz(url, timeout=args.timeout)
    if answer.get("reachable") is False:
        print(f"unhealthy: no answer from {url}", file=sys.stderr)
        return EXIT_UNHEALTHY
    if not answer.get("ok"):
        failing = [name for name, check in answer.get("checks", {}).items() if not check.get("ok", True)]
        print(f"unhealthy: {', '.join(failing) or 'reported not ok'} ({url})", file=sys.stderr)
        return EXIT_UNHEALTHY
    print(f"healthy ({url})")
    return 0


def _database_report(url: str) -> dict[str, Any]:
    """Reachability and migration state; never creates a database that is not there."""
    from bot.db import migrate
    from bot.db.database import Database

    missing = sqlite_file_missing(url)
    if missing is not None:
        return {"ok": False, "backend": "sqlite", "state": "missing", "path": str(missing)}
    db = Database(url)
    try:
        db.call(lambda s: s.exec(text("SELECT 1")))  # type: ignore[call-overload]
        revision = migrate.current_revision(url)
        pending = migrate.pending(url)
        state = "not_migrated" if revision is None else ("pending" if pending else "ok")
        return {
            "ok": state == "ok",
            "state": state,
            "backend": db.engine.dialect.name,
            "id": db.fingerprint,
            "revision": revision,
            "pending_migrations": pending,
        }
    except Exception as exc:  # an unreachable database is the finding, not a crash
        return {"ok": False, "state": "unreachable", "error": str(exc).strip().splitlines()[0]}
    finally:
        db.dispose()


def _deployment_report(url: str, config: Any) -> dict[str, Any]:
    from bot.config_source.status import config_source_report
    from bot.db.database import Database
    from bot.db.models import PostLog
    from bot.github.history import history_report
    from bot.github.webhooks import parked_deliveries
    from bot.scheduling.models import JobRun

    db = Database(url)
    try:
        jobs = db.call(lambda s: s.exec(select(JobRun).order_by(JobRun.key)).all())

        def posts(session: Any) -> dict[str, int]:
            rows = session.exec(select(PostLog.status, func.count()).group_by(PostLog.status)).all()
            return {status: int(count) for status, count in rows}

        return {
            "scheduler": {"leader_running": _leader_running(db)},
            "jobs": [
                {
                    "job": j.key,
                    "status": j.status,
                    "last_fire_at": _iso(j.last_fire_at),
                    "runs": j.runs,
                    "error": j.error,
                }
                for j in jobs
            ],
            "posts": db.call(posts),
            "github_history": db.call(history_report),
            "webhooks": db.call(parked_deliveries),
            "config_source": db.call(config_source_report, config),
        }
    finally:
        db.dispose()


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def chart_font_warnings(project_locale: str) -> list[str]:
    """Languages people may read charts in (the project's and every catalog's) that this host's fonts
    cannot draw."""
    from bot.fonts import font_warnings
    from bot.i18n import LOCALES

    return font_warnings([project_locale, *LOCALES])


def _leader_running(db: Any) -> bool | None:
    """Whether some process holds an unexpired scheduler lease."""
    with db.engine.connect() as conn:
        holder, expires_at, _ = lease_holder(conn)
        return holder is not None and expires_at is not None and expires_at > database_now(conn)


def _healthz_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/healthz"


def _healthz(url: str, timeout: float = 2.0) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return {"url": url, **json.loads(response.read())}
    except urllib.error.HTTPError as exc:
        with contextlib.suppress(Exception):
            return {"url": url, **json.loads(exc.read())}
        return {"url": url, "reachable": True, "ok": False, "checks": {}, "status": exc.code}
    except Exception:
        return {"url": url, "reachable": False}


def _check_same_deployment(report: dict[str, Any]) -> None:
    """Mark an answer from another deployment (another database) listening on the configured port."""
    instance = report["instance"]
    theirs = instance.get("checks", {}).get("database", {}).get("id")
    ours = report["database"].get("id")
    if theirs and ours and theirs != ours:
        instance["other_deployment"] = True


def _when(value: str | None, locale: str, zone: str) -> str:
    """An ISO time as people read it: in the project's zone and language, with how long ago."""
    if not value:
        return "never"
    from babel.dates import format_datetime, format_timedelta

    moment = datetime.fromisoformat(value)
    ago = format_timedelta(moment - datetime.now(UTC), add_direction=True, locale=locale.replace("-", "_"))
    shown = format_datetime(moment, "medium", tzinfo=_zone(zone), locale=locale.replace("-", "_"))
    return f"{shown} ({ago})"


def _zone(name: str) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def _print_database(db: dict[str, Any]) -> None:
    state = db.get("state")
    if state == "ok":
        print(f"database   ok ({db['backend']}, revision {db['revision']})")
    elif state == "missing":
        print(f"database   not created yet ({db['path']}): run `steward migrate`")
    elif state == "not_migrated":
        print(f"database   not migrated ({db['backend']}): run `steward migrate`")
    elif state == "pending":
        print(f"database   migrations pending (revision {db.get('revision')}): run `steward migrate`")
    else:
        print(f"database   UNREACHABLE: {db.get('error')}")


def _print_instance(instance: dict[str, Any]) -> None:
    if instance.get("any_port"):
        print("instance   http.port is 0 (a free port is chosen at each start): no fixed address to check")
        return
    if instance.get("reachable") is False:
        print(f"instance   no /healthz answer at {instance['url']} (HTTP server off or bot not running)")
        return
    if instance.get("other_deployment"):
        print(
            f"instance   {instance['url']} is answered by another deployment (a different database); "
            "check http.port"
        )
        return
    verdict = instance.get("status") or ("ok" if instance.get("ok") else "FAILING")
    print(f"instance   /healthz {verdict} at {instance['url']}")
    for name, check in sorted(instance.get("checks", {}).items()):
        details = ", ".join(f"{k} {v}" for k, v in check.items() if k not in ("ok", "id"))
        verdict = "ok" if check.get("ok", True) else "FAILING"
        print(f"  {name}: {verdict}" + (f" ({details})" if details else ""))


def _print(report: dict[str, Any], locale: str, zone: str) -> None:
    _print_database(report["database"])
    if "scheduler" in report:
        leader = report["scheduler"]["leader_running"]
        states = {True: "a leader is running", False: "no instance holds the leader lock", None: "unknown"}
        print("scheduler  " + states[leader])
        for job in report.get("jobs", []):
            print(
                f"  job {job['job']}: {job['status']}, "
                + (
                    f"last run {_when(job['last_fire_at'], locale, zone)}, "
                    if job["runs"]
                    else "not run yet, "
                )
                + counted(job["runs"], "run", "runs")
                + (f", error: {job['error']}" if job["error"] else "")
            )
        posts = report.get("posts", {})
        print("posts      " + (", ".join(f"{k} {v}" for k, v in sorted(posts.items())) or "none yet"))
    if "github_history" in report:
        from bot.github.history import describe_history

        print("history    " + describe_history(report["github_history"]))
    parked = report.get("webhooks", {}).get("parked")
    if parked:
        print(f"webhooks   {counted(parked, 'delivery', 'deliveries')} parked, no longer retried:")
        for row in report["webhooks"]["latest"]:
            tries = counted(row["attempts"], "attempt", "attempts")
            print(f"  {row['delivery']} ({row['event']}, {tries}): {row['reason']}")
    for warning in report.get("font_warnings", []):
        print(f"charts     warning: {warning}")
    if report.get("config_source"):
        from bot.config_source.status import describe_config_source

        print("config     " + describe_config_source(report["config_source"]))
    _print_instance(report["instance"])
    sys.stdout.flush()
