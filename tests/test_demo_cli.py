"""`steward run --demo` / `steward console --demo` as a newcomer starts them: no fixed port (8080 may be
anyone's), one clear line when a configured port is taken, state in the data folder with `--reset`,
and charts written to files."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.test_cli import ROOT, steward


def demo_env(**extra: str) -> dict[str, str]:
    """The environment a user has: no demo overrides (the data folder comes from the autouse fixture)."""
    env = {k: v for k, v in os.environ.items() if k not in ("STEWARD_DEMO_DB", "STEWARD_DEMO_PORT")}
    return {**env, **extra}


def listening_on(stderr: str) -> int:
    found = re.search(r"HTTP server \(/healthz, calendar feeds\) at http://127\.0\.0\.1:(\d+)", stderr)
    assert found, stderr
    return int(found.group(1))


@pytest.mark.usefixtures("port_8080_held")
def test_the_demo_starts_while_8080_is_taken(tmp_path: Path) -> None:
    result = steward("run", "--demo", stdin="/steward help\n", cwd=tmp_path, env=demo_env())
    assert result.returncode == 0, result.stderr
    assert "/steward me" in result.stdout
    assert listening_on(result.stderr) not in (0, 8080)
    assert "Traceback" not in result.stderr


def test_a_taken_port_is_one_line_naming_the_setting(tmp_path: Path, held_port: int) -> None:
    script = tmp_path / "s.txt"
    script.write_text(":quit\n", encoding="utf-8")
    result = steward(
        "console",
        "--demo",
        "--script",
        str(script),
        cwd=tmp_path,
        env=demo_env(STEWARD_DEMO_PORT=str(held_port)),
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"steward: http.port: port {held_port} on 127.0.0.1 is already in use by another process; "
        "set http.port to a free port, or 0 to take any free one"
    ]


def test_demo_state_lives_in_the_data_folder_and_reset_clears_it(
    tmp_path: Path, steward_data_dir: Path
) -> None:
    before = set((ROOT / "config" / "demo").iterdir())
    script = tmp_path / "join.txt"
    script.write_text(":join dara\n/onboard stats 7\n/oncall stats\n:quit\n", encoding="utf-8")
    first = steward("console", "--demo", "--script", str(script), cwd=tmp_path, env=demo_env())
    assert first.returncode == 0, first.stderr
    assert re.search(r"Joined\W+1\b", first.stdout), first.stdout

    demo = steward_data_dir / "demo"
    assert (demo / "steward-demo.db").is_file()
    assert set((ROOT / "config" / "demo").iterdir()) == before  # the checkout stays clean
    assert list(tmp_path.glob("*.db*")) == []

    # The chart is a file in the data folder, named on the line where "[image: …]" used to be.
    saved = re.search(r"^Chart of .*: saved to (.+\.png)$", first.stdout, flags=re.M)
    assert saved, first.stdout
    chart = Path(saved.group(1))
    assert chart.parent == demo / "files" and chart.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert "[image:" not in first.stdout

    again = steward("console", "--demo", "--script", str(script), cwd=tmp_path, env=demo_env())
    assert re.search(r"Joined\W+1\b", again.stdout), again.stdout  # dara joined once: a member, not two

    script.write_text("/onboard stats 7\n:quit\n", encoding="utf-8")
    fresh = steward("console", "--demo", "--reset", "--script", str(script), cwd=tmp_path, env=demo_env())
    assert fresh.returncode == 0, fresh.stderr
    assert "Nobody has joined yet." in fresh.stdout, fresh.stdout
    assert not chart.exists()


def test_reset_needs_the_demo(tmp_path: Path) -> None:
    result = steward("console", "--reset", cwd=tmp_path, stdin="", env=demo_env())
    assert result.returncode != 0 and "--reset only applies to the demo" in result.stderr


def test_port_0_is_the_demo_default() -> None:
    from bot.cli import demo_config_path
    from bot.config import load_config

    assert load_config(demo_config_path(), env={}).http.port == 0


def test_status_says_when_charts_cannot_show_a_language(tmp_path: Path) -> None:
    from bot.fonts import font_warnings
    from bot.i18n import LOCALES

    result = steward("status", "--demo", cwd=tmp_path, env=demo_env())
    expected = [f"charts     warning: {w}" for w in font_warnings(["en", *LOCALES])]  # this host's fonts
    assert [line for line in result.stdout.splitlines() if line.startswith("charts ")] == expected
