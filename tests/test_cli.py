"""The steward command line, run as a real subprocess."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def steward(
    *args: str, cwd: Path | None = None, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd or ROOT,
        input=stdin,
        text=True,
        capture_output=True,
        timeout=120,
        env=env,
    )


def test_check_config_ok_and_errors(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("project:\n  name: X\n", encoding="utf-8")
    result = steward("check-config", str(good))
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout

    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "project:\n  name: X\n  timezone: Mars/Olympus\n"
        "github:\n  token: ${STEWARD_TEST_SURELY_MISSING}\n  pol_interval: 5m\n"
        "good_first_issues:\n  claim_limit: lots\n"
        "schedules:\n  - job: weekly_digest\n    cron: '61 * * * *'\n",
        encoding="utf-8",
    )
    result = steward("check-config", str(bad))
    assert result.returncode == 2
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith(f"{bad}:")]
    assert len(lines) == 5, result.stderr
    joined = "\n".join(lines)
    assert f"{bad}:3:13: project.timezone" in joined
    assert "STEWARD_TEST_SURELY_MISSING" in joined
    assert "pol_interval" in joined and "poll_interval" in joined
    assert "good_first_issues.claim_limit" in joined
    assert "schedules[0].cron" in joined


def test_config_schema_is_json() -> None:
    result = steward("config-schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert "project" in schema["properties"]


def test_console_script_from_file(tmp_path: Path) -> None:
    cfg = tmp_path / "steward.yaml"
    cfg.write_text(
        "project:\n  name: Scripted\n  locale: zh-CN\ndatabase:\n  sqlite_path: s.db\n", encoding="utf-8"
    )
    script = tmp_path / "session.txt"
    script.write_text("/steward help\n:quit\n", encoding="utf-8")
    result = steward("console", "--config", str(cfg), "--script", str(script))
    assert result.returncode == 0, result.stderr
    assert "Scripted — 命令列表" in result.stdout
    assert (tmp_path / "s.db").exists()


def test_run_without_chat_credentials_uses_console_on_stdin(tmp_path: Path) -> None:
    # A free port: another test run on the machine may hold the default 8080.
    env = {**os.environ, "STEWARD_DEMO_DB": str(tmp_path / "demo.db"), "STEWARD_DEMO_PORT": "0"}
    result = steward("run", "--demo", stdin="/steward help\n", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert "starting the console adapter" in result.stderr
    assert re.search(r"Public pages: http://127\.0\.0\.1:\d+/", result.stderr), result.stderr
    assert "/steward me" in result.stdout


def test_migrate_command(tmp_path: Path) -> None:
    cfg = tmp_path / "steward.yaml"
    cfg.write_text("project:\n  name: M\ndatabase:\n  sqlite_path: m.db\n", encoding="utf-8")
    result = steward("migrate", "--config", str(cfg))
    assert result.returncode == 0, result.stderr
    assert "database at revision" in result.stdout


def test_sigterm_shuts_down_cleanly(tmp_path: Path) -> None:
    import signal
    import time

    env = {**os.environ, "STEWARD_DEMO_DB": str(tmp_path / "demo.db"), "STEWARD_DEMO_PORT": "0"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--demo"],
        cwd=tmp_path,
        env=env,
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None and proc.stdin is not None
        first = proc.stdout.readline()  # the console's welcome line: start-up finished
        assert "Steward console" in first
        proc.stdin.write("/steward me\n")
        proc.stdin.flush()
        deadline = time.monotonic() + 30
        seen = ""
        while "Role" not in seen and time.monotonic() < deadline:
            seen += proc.stdout.readline()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
