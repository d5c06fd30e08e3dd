"""`steward status` and `steward healthcheck` as an operator runs them, in a real subprocess."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.db import migrate
from bot.db.database import Database
from tests.test_cli import steward


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _config(tmp_path: Path, port: int) -> Path:
    cfg = tmp_path / "steward.yaml"
    cfg.write_text(
        f"project:\n  name: S\ndatabase:\n  sqlite_path: s.db\nhttp:\n  port: {port}\n", encoding="utf-8"
    )
    return cfg


@pytest.fixture
def healthz() -> Iterator[tuple[int, dict[str, object]]]:
    """A stand-in /healthz on a free port, answering whatever the test puts in the dict."""
    answer: dict[str, object] = {"status": 200, "body": {}}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(answer["body"]).encode()
            self.send_response(int(answer["status"]))  # type: ignore[call-overload]
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], answer
    finally:
        server.shutdown()


def test_status_creates_nothing_and_says_what_to_do(tmp_path: Path) -> None:
    cfg = _config(tmp_path, _free_port())
    result = steward("status", "--config", str(cfg))
    assert result.returncode == 1
    assert "not created yet" in result.stdout and "run `steward migrate`" in result.stdout
    assert "UNREACHABLE" not in result.stdout and "Traceback" not in result.stderr
    assert not (tmp_path / "s.db").exists() and not (tmp_path / "s.db.leader").exists()


def test_status_with_any_port_checks_no_address(tmp_path: Path) -> None:
    cfg = _config(tmp_path, 0)
    migrate.upgrade(f"sqlite:///{tmp_path / 's.db'}")
    result = steward("status", "--config", str(cfg))
    assert "http.port is 0 (a free port is chosen at each start): no fixed address to check" in result.stdout
    assert ":0/healthz" not in result.stdout


def test_status_on_an_empty_database_says_not_migrated(tmp_path: Path) -> None:
    cfg = _config(tmp_path, _free_port())
    (tmp_path / "s.db").write_bytes(b"")
    result = steward("status", "--config", str(cfg))
    assert result.returncode == 1
    assert "not migrated (sqlite): run `steward migrate`" in result.stdout
    assert "no such table" not in result.stdout


def test_status_shows_healthz_checks_one_per_line(
    tmp_path: Path, healthz: tuple[int, dict[str, object]]
) -> None:
    port, answer = healthz
    cfg = _config(tmp_path, port)
    steward("migrate", "--config", str(cfg))
    fingerprint = Database(f"sqlite:///{tmp_path / 's.db'}").fingerprint
    answer["body"] = {
        "ok": True,
        "checks": {"database": {"ok": True, "id": fingerprint}, "scheduler": {"ok": True, "role": "leader"}},
    }
    result = steward("status", "--config", str(cfg))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert f"instance   /healthz ok at http://127.0.0.1:{port}/healthz" in lines
    assert "  database: ok" in lines and "  scheduler: ok (role leader)" in lines
    assert not any(line.lstrip().startswith("{") for line in lines)


def test_status_tells_another_deployment_on_the_port_apart(
    tmp_path: Path, healthz: tuple[int, dict[str, object]]
) -> None:
    port, answer = healthz
    cfg = _config(tmp_path, port)
    steward("migrate", "--config", str(cfg))
    answer["body"] = {"ok": True, "checks": {"database": {"ok": True, "id": "0123456789ab"}}}
    result = steward("status", "--config", str(cfg))
    assert "answered by another deployment" in result.stdout
    assert "  database: ok" not in result.stdout


def test_status_job_times_read_as_times(tmp_path: Path) -> None:
    cfg = _config(tmp_path, _free_port())
    steward("migrate", "--config", str(cfg))
    url = f"sqlite:///{tmp_path / 's.db'}"
    assert migrate.current_revision(url) is not None
    db = Database(url)
    from datetime import UTC, datetime, timedelta

    from bot.scheduling.models import JobRun

    def seed(session: object) -> None:
        session.add(  # type: ignore[attr-defined]
            JobRun(
                key="weekly_digest",
                job="weekly_digest",
                status="ok",
                runs=3,
                last_fire_at=datetime.now(UTC) - timedelta(hours=2),
            )
        )

    db.call(seed)
    db.dispose()
    result = steward("status", "--config", str(cfg))
    job = next(line for line in result.stdout.splitlines() if "weekly_digest" in line)
    assert "2 hours ago" in job and "3 runs" in job
    assert "T" not in job.split("last run ")[1].split(" (")[0]  # not an ISO timestamp


def test_healthcheck_exit_codes(tmp_path: Path, healthz: tuple[int, dict[str, object]]) -> None:
    port, answer = healthz
    url = f"http://127.0.0.1:{port}/healthz"
    answer["body"] = {"ok": True, "checks": {}}
    assert steward("healthcheck", "--url", url).returncode == 0
    answer.update(status=503, body={"ok": False, "checks": {"discord": {"ok": False}}})
    result = steward("healthcheck", "--url", url)
    assert result.returncode == 1 and "discord" in result.stderr
    closed = f"http://127.0.0.1:{_free_port()}/healthz"
    result = steward("healthcheck", "--url", closed, "--timeout", "2")
    assert result.returncode == 1 and "no answer" in result.stderr


def test_a_job_that_never_ran_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.ops_cli import _print

    job = {"job": "weekly_digest@default", "status": "ok", "last_fire_at": "2026-12-07T09:00:00+00:00"}
    report = {
        "database": {"ok": True, "state": "ok", "backend": "sqlite", "revision": "x"},
        "scheduler": {"leader_running": True},
        "jobs": [
            {**job, "runs": 0, "error": None},
            {**job, "job": "claim_reminders@default", "runs": 3, "error": None},
        ],
        "instance": {"any_port": True},
    }
    _print(report, "en", "UTC")
    out = capsys.readouterr().out
    assert "job weekly_digest@default: ok, not run yet, 0 runs" in out
    assert "job claim_reminders@default: ok, last run Dec 7, 2026" in out and "3 runs" in out
