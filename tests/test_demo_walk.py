"""The demo walk (tests/scripts/demo-walk.txt): link → claim → merge → onboarding step done → spotlight
invite → interview → approve → publish → export, as a newcomer types it into
`steward console --demo --script FILE`. On today's date through the real command (with port 8080 taken),
and in-process on other dates: the demo's timeline ends "now" whatever the day."""

from __future__ import annotations

import io
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.app import App
from bot.cli import add_demo_controls, demo_config_path
from bot.core.clock import FakeClock
from bot.i18n import Catalog, catalog_directories
from tests.test_cli import steward
from tests.test_demo import demo_config

WALK = Path(__file__).parent / "scripts" / "demo-walk.txt"
ANSWERS = [
    "I'm Ben, I write docs and tutorials in Lagos.",
    "Making one tutorial work on three backends: I asked on the issue and tomasz-w helped.",
    "Start with the docs: every page you fix teaches you the project. @everyone can do it!",
]


def check_walk(transcript: str) -> Path:
    """Every step of the walk happened, in order; returns the exported blog post's path."""
    # In order; steps in one tuple happen together, in any order (features hear a merge concurrently).
    steps: list[tuple[str, ...]] = [
        ("Linked: you are demo-maintainer on GitHub.",),
        ("Linked: you are ben-okafor on GitHub.",),
        ("You claimed steward-demo/docs#69.",),
        (
            "Your pull request for steward-demo/docs#69 was merged",
            "Well done — you finished: Fix something in the docs!",
        ),
        ("Offline GitHub: ben-okafor's pull request docs#",),
        ("Invitation #1 sent to ben.",),
        ("Your interview is submitted.",),
        ("Interview #1 approved.",),
        ("Approved. Your spotlight is queued for publishing",),
        ("[#spotlight]\nContributor spotlight: ben",),
        ("Ran the job spotlight_publish.",),
        ("Blog post for the spotlight:",),
    ]
    at = 0
    for group in steps:
        found = [transcript.find(step, at) for step in group]
        assert min(found) >= 0, f"missing (after position {at}): {group!r}\n{transcript}"
        at = max(found)
    assert "There is no button" not in transcript and "Unknown console control" not in transcript
    assert "GitHub has no user" not in transcript
    saved = re.search(r"^File saved to (.+\.md)$", transcript, flags=re.M)
    assert saved, transcript
    post = Path(saved.group(1))
    # The export escapes Markdown's punctuation so the words stay text; CommonMark reads them back as written.
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", post.read_text(encoding="utf-8"))
    for answer in ANSWERS:  # what ben wrote, verbatim, in the post and the export
        assert answer in text and answer in transcript.split("[#spotlight]", 1)[1]
    return post


@pytest.mark.usefixtures("port_8080_held")
def test_the_walk_through_the_command_line_today(tmp_path: Path, steward_data_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("STEWARD_DEMO_DB", "STEWARD_DEMO_PORT")}
    result = steward("console", "--demo", "--reset", "--script", str(WALK), cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    post = check_walk(result.stdout)
    assert post.parent == steward_data_dir / "demo" / "files"


async def run_walk(database_url: str, tmp_path: Path, now: datetime, lines: list[str] | None = None) -> str:
    """The walk (or other ``lines``) in-process, with a clock that starts at ``now`` and moves a minute
    per line."""
    out = io.StringIO()
    console = ConsoleAdapter(
        Catalog(catalog_directories()), locale="en", stdin=io.StringIO(), stdout=out, operator="operator",
        echo=True, interactive=False, read_input=False, files_dir=tmp_path / "files",
    )  # fmt: skip
    clock = FakeClock(now)
    app = App(demo_config(database_url, tmp_path), config_path=demo_config_path(), adapters=[console],
              console_operator="operator", clock=clock)  # fmt: skip
    add_demo_controls(app, console)
    await app.start()
    app.scheduler.shutdown()  # jobs run only when the script says :run
    try:
        for line in lines if lines is not None else WALK.read_text(encoding="utf-8").splitlines():
            if line.strip() == ":quit":
                break
            await console.handle_line(line)
            clock.advance(minutes=1)
    finally:
        await app.stop()
    return out.getvalue()


@pytest.mark.parametrize(
    "now",
    [datetime(2027, 2, 28, 23, 30, tzinfo=UTC), datetime(2031, 7, 4, 3, 0, tzinfo=UTC)],
    ids=["2027-02-28", "2031-07-04"],
)
async def test_the_walk_on_any_date(database_url: str, tmp_path: Path, now: datetime) -> None:
    transcript = await run_walk(database_url, tmp_path, now)
    post = check_walk(transcript)
    assert post.name.startswith(now.strftime("%Y-"))  # dated by the clock, not by the data set


async def test_the_offline_github_knows_only_its_people_and_merges_only_real_issues(
    database_url: str, tmp_path: Path
) -> None:
    transcript = await run_walk(
        database_url,
        tmp_path,
        datetime(2028, 5, 17, 9, 0, tzinfo=UTC),
        [
            "/steward link github nobody-in-the-demo",
            ":merge docs#69",
            ":as ben",
            ":merge docs#69",
            "/steward link github ben-okafor",
            ":click 1",
            ":merge docs#9999",
            ":merge wiki#1",
            ":merge 69",
            ":run no_such_job",
            ":help",
        ],
    )
    assert "GitHub has no user called nobody-in-the-demo" in transcript
    assert (
        transcript.count("has no linked GitHub account: link one first with /steward link github LOGIN.") == 2
    )
    assert "There is no issue docs#9999 in the demo's repositories." in transcript
    assert "There is no issue wiki#1 in the demo's repositories." in transcript
    assert "Usage: :merge REPO#NUMBER, e.g. :merge docs#69" in transcript
    assert "There is no scheduled job called 'no_such_job'." in transcript
    assert "Offline GitHub:" not in transcript  # nothing was merged
    assert ":merge REPO#N" in transcript and ":run JOB" in transcript  # the help lists the demo controls


async def test_a_merge_closes_the_issue_it_fixes_as_github_does(database_url: str, tmp_path: Path) -> None:
    lines = [
        ":as ben",
        "/steward link github ben-okafor",
        ":click 1",
        "/gfi claim docs#69",
        ":merge docs#69",
        "/gfi show docs#69",
        "/gfi list docs",
    ]
    transcript = await run_walk(database_url, tmp_path, datetime(2028, 5, 17, 9, 0, tzinfo=UTC), lines)
    shown = transcript.split("ben> /gfi show docs#69", 1)[1].split("ben> ", 1)[0]
    assert "State: closed" in shown and "Claim docs#69" not in shown
    listed = transcript.split("ben> /gfi list docs", 1)[1]
    assert "steward-demo/docs#69 " not in listed  # off the board: it is fixed
