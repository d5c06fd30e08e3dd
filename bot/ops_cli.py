"""`steward status`: the health summary of a deployment, from its database (and /healthz if reachable)."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import urllib.request
from typing import Any

from sqlalchemy import func, text
from sqlmodel import select

from bot.scheduling.leader import database_now, lease_holder


def register(sub: Any) -> None:
    """Add ``steward status``."""
    p = sub.add_parser("status", help="health summary: database, scheduler leader, jobs, posts, /healthz")
    p.add_argument("--config", "-c", help="YAML config file (default: ./steward.yaml)")
    p.add_argument("--demo", action="store_true", help="the demo configuration")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(fn=cmd_status)


def cmd_status(args: argparse.Namespace) -> int:
    from bot.cli import resolve_config
    from bot.db import migrate
    from bot.db.database import Database
    from bot.db.models import PostLog
    from bot.github.history import history_report
    from bot.scheduling.models import JobRun

    config, _ = resolve_config(args)
    url = config.database_url()
    report: dict[str, Any] = {"database": {"ok": False}}
    db = Database(url)
    try:
        db.call(lambda s: s.exec(text("SELECT 1")))  # type: ignore[call-overload]
        pending = migrate.pending(url)
        report["database"] = {
            "ok": not pending,
            "backend": db.engine.dialect.name,
            "revision": migrate.current_revision(url),
            "pending_migrations": pending,
        }
        report["scheduler"] = {"leader_running": _leader_running(db)}
        jobs = db.call(lambda s: s.exec(select(JobRun).order_by(JobRun.key)).all())
        report["jobs"] = [
            {
                "job": j.key,
                "status": j.status,
                "last_fire_at": _iso(j.last_fire_at),
                "runs": j.runs,
                "error": j.error,
            }
            for j in jobs
        ]

        def posts(session: Any) -> dict[str, int]:
            rows = session.exec(select(PostLog.status, func.count()).group_by(PostLog.status)).all()
            return {status: int(count) for status, count in rows}

        report["posts"] = db.call(posts)
        report["github_history"] = db.call(history_report)
    except Exception as exc:  # an unreachable database is the finding, not a crash
        report["database"]["error"] = str(exc).splitlines()[0]
    finally:
        db.dispose()
    report["instance"] = _healthz(config.http.host, config.http.port)
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    else:
        _print(report)
    return 0 if report["database"].get("ok") else 1


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _leader_running(db: Any) -> bool | None:
    """Whether some process holds an unexpired scheduler lease."""
    with db.engine.connect() as conn:
        holder, expires_at, _ = lease_holder(conn)
        return holder is not None and expires_at is not None and expires_at > database_now(conn)


def _healthz(host: str, port: int) -> dict[str, Any]:
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return {"url": url, **json.loads(response.read())}
    except Exception as exc:
        with contextlib.suppress(Exception):
            body = getattr(exc, "read", lambda: b"")()
            if body:
                return {"url": url, **json.loads(body)}
        return {"url": url, "reachable": False}


def _print(report: dict[str, Any]) -> None:
    db = report["database"]
    if db.get("ok"):
        print(f"database   ok ({db['backend']}, revision {db['revision']})")
    elif "error" in db:
        print(f"database   UNREACHABLE: {db['error']}")
    else:
        print(f"database   migrations pending (revision {db.get('revision')}): run `steward migrate`")
    leader = report.get("scheduler", {}).get("leader_running")
    print(
        "scheduler  "
        + {True: "a leader is running", False: "no instance holds the leader lock", None: "unknown"}[leader]
    )
    for job in report.get("jobs", []):
        print(
            f"  job {job['job']}: {job['status']}, last {job['last_fire_at'] or 'never'}, runs {job['runs']}"
            + (f", error {job['error']}" if job["error"] else "")
        )
    posts = report.get("posts", {})
    print("posts      " + (", ".join(f"{k} {v}" for k, v in sorted(posts.items())) or "none yet"))
    if "github_history" in report:
        from bot.github.history import describe_history

        print("history    " + describe_history(report["github_history"]))
    instance = report["instance"]
    if instance.get("reachable") is False:
        print(f"instance   no /healthz answer at {instance['url']} (HTTP server off or bot not running)")
    else:
        print(
            f"instance   /healthz {'ok' if instance.get('ok') else 'FAILING'}: "
            + json.dumps(instance.get("checks", {}), default=str)
        )
    sys.stdout.flush()
