"""The demo driven by a checked-in console script (tests/scripts/public-output.txt), as a person types
it into `steward console --demo --script FILE`, with a clock that moves a minute per line. The
transcript must show only real people, agreeing counts, reserved issues, references that type back,
path ids, and no raw catalog key."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import select

from bot.adapters.console import ConsoleAdapter
from bot.app import App
from bot.cli import demo_config_path
from bot.core.clock import FakeClock
from bot.db.database import Database
from bot.i18n import Catalog, catalog_directories
from cogs.onboarding import OnboardingCog
from cogs.oncall.models import OncallTriage
from tests.test_demo import demo_config

SCRIPT = Path(__file__).parent / "scripts" / "public-output.txt"
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # the day after the data set's anchor


def script_lines(script: Path) -> list[str]:
    return script.read_text(encoding="utf-8").splitlines()


async def run_demo_script(database_url: str, tmp_path: Path, lines: list[str]) -> str:
    """The console transcript of the script ``lines`` against the demo (the console echoes each line)."""
    out = io.StringIO()
    catalog = Catalog(catalog_directories())
    console = ConsoleAdapter(
        catalog, locale="en", stdin=io.StringIO(), stdout=out, operator="operator", echo=True,
        interactive=False, read_input=False,
    )  # fmt: skip
    clock = FakeClock(START)
    config = demo_config(database_url, tmp_path)
    app = App(config, config_path=demo_config_path(), adapters=[console], console_operator="operator",
              clock=clock)  # fmt: skip
    await app.start()
    app.scheduler.shutdown()  # jobs run only when asked (the digest is previewed by command)
    greeter = next(c for c in app.cogs if isinstance(c, OnboardingCog)).greeter
    try:
        for line in lines:
            if line.strip() == ":quit":
                break
            await console.handle_line(line)
            await greeter.drain()  # a join is recorded before the next line is typed
            clock.advance(minutes=1)
    finally:
        await app.stop()
    return out.getvalue()


def _answered_in_week(database_url: str, end: datetime) -> int:
    """Triage records opened in the week before ``end`` with an answer by then (the digest's count:
    the larger of the first responses and the triages)."""
    db = Database(database_url)
    try:
        records = db.call(lambda s: list(s.exec(select(OncallTriage))))
    finally:
        db.dispose()
    week = [r for r in records if end - timedelta(days=7) <= r.opened_at < end]
    responded = sum(1 for r in week if r.first_response_at is not None and r.first_response_at <= end)
    triaged = sum(1 for r in week if r.triaged_at is not None and r.triaged_at <= end)
    return max(responded, triaged)


def _answer(transcript: str, line: str, nth: int = 0) -> str:
    """What the bot printed after the ``nth`` time ``line`` was typed (up to the next prompt)."""
    chunks = re.split(r"^\w+> ", transcript, flags=re.M)
    answers = [c.split("\n", 1)[1] if "\n" in c else "" for c in chunks if c.split("\n", 1)[0] == line]
    assert len(answers) > nth, f"{line!r} was not typed {nth + 1} time(s)"
    return answers[nth]


async def test_the_demo_says_only_what_is_right(database_url: str, tmp_path: Path) -> None:
    transcript = await run_demo_script(database_url, tmp_path, script_lines(SCRIPT))

    # Path ids are shown, and a title typed in another case starts the path.
    paths = _answer(transcript, "/onboard paths")
    assert "GPU kernels (kernels)" in paths and "Docs and examples (docs-first)" in paths
    assert "You're on the path 'GPU kernels'" in _answer(transcript, '/onboard start "gpu KERNELS"')

    # The button's reference types back.
    assert re.search(r"\[\d+\] Claim docs#69", _answer(transcript, "/gfi list"))
    assert "You claimed steward-demo/docs#69" in _answer(transcript, "/gfi claim docs#69")

    # While bela's offer runs, docs#69 is reserved: shown with whom and until when, no Claim button,
    # and not suggested to a newcomer on the docs path.
    assert "reserved for you" in _answer(transcript, "/gfi unclaim docs#69")
    listing = _answer(transcript, "/gfi list", 1)
    line = next(x for x in listing.splitlines() if "steward-demo/docs#69 " in x)
    # In the reader's zone (the demo project's), named, in their language's format.
    until = r"until Nov \d, 2026, \d+:\d\d\s[AP]M China Standard Time"
    assert re.search(r"reserved for bela \(next on its waitlist\) " + until, line), line
    assert "Claim docs#69" not in listing and "Claim inference-engine#140" in listing
    shown = _answer(transcript, "/gfi show docs#69")
    assert "Reserved: for bela (next on its waitlist) until" in shown and "Claim docs#69" not in shown
    step = _answer(transcript, "/onboard done")
    assert "Step 2 of 3: Fix something in the docs" in step
    assert "steward-demo/docs#68" in step and "steward-demo/docs#69" not in step

    # Phantoms are refused and nothing is announced for them.
    assert "I don't know anyone called 'nobody-xyz-123'" in _answer(
        transcript, "/oncall override triage nobody-xyz-123"
    )
    assert "'@here' names a group, not a person" in _answer(transcript, "/oncall override triage @here")
    assert "'@everyone' names a group" in _answer(transcript, "/spotlight nominate @everyone great person")
    assert "[#oncall]" not in transcript and "nobody-xyz-123 is on call" not in transcript
    assert "everyone" not in _answer(transcript, "/spotlight candidates")

    # The same people everywhere: dara and emil joined, dara picked a path (cleo and the others only
    # ran commands).
    digest = _answer(transcript, "/steward digest preview")
    welcome = re.search(r"Welcome to our (\d+) new member\S*:? (.*)", digest)
    assert welcome and welcome.group(1) == "2" and welcome.group(2).strip() == "dara, emil", digest
    assert re.search(r"Joined\W+2\b", digest) and re.search(r"Picked a path\W+1\b", digest)
    stats = _answer(transcript, "/onboard stats 7")
    assert re.search(r"Joined\W+2\b", stats) and re.search(r"Picked a path\W+1\b", stats)

    # The digest's on-call part is about the digest's week (the 7 days before it), and says so.
    oncall = digest.split("On-call triage", 1)[1]
    assert "Last 8 weeks" not in oncall and "Per week" not in oncall
    shown = re.search(r"This week: .*\((\d+)\)", oncall)
    assert shown, oncall
    previewed_at = START + timedelta(minutes=script_lines(SCRIPT).index("/steward digest preview"))
    used = demo_config(database_url, tmp_path).database_url()
    assert int(shown.group(1)) == _answered_in_week(used, previewed_at) > 0
    assert re.search(r"Waiting for triage now: \d+ items? \(a week ago: \d+\)", oncall)

    # Counts read right: CLDR plural forms, never "(s)".
    assert "(s)" not in transcript
    assert re.search(r"\b1 comment\b", transcript) or re.search(r"\b\d+ comments\b", transcript)

    # The interview form: one numbering (page 2 goes on from 6), "(optional)" only where Submit does
    # not demand an answer, and an answer over the limit refused with the limit, never shortened.
    page1 = _answer(transcript, ":click 36")
    assert "\n1. Tell us a little about yourself.\n" in "\n" + page1 and "1. 1." not in transcript
    assert "(optional)" not in page1
    too_long = next(line for line in script_lines(SCRIPT) if len(line) > 3000)
    refused = _answer(transcript, too_long)
    assert f"This answer has {len(too_long):,} characters; the limit here is 3,000." in refused
    assert f"Please cut {len(too_long) - 3000} characters; nothing was saved or shortened." in refused
    assert refused.strip().endswith("1. Tell us a little about yourself.")  # asked again
    assert "Still needed before you submit: question 6." in transcript
    page2 = _answer(transcript, ":click 40")
    assert page2.splitlines()[2] == "6. What advice would you give a newcomer?" and "1. 6." not in transcript
    after_six = _answer(transcript, "Start with the docs: every page you fix teaches you the project.")
    assert after_six.strip() == "7. What do you enjoy outside of open source? (optional)"
    assert "Thank you! Your interview is submitted." in _answer(transcript, ":click 46")
    assert too_long not in transcript.replace(f"ben> {too_long}", "")  # never echoed back, cut or not

    # Errors say what is wrong.
    assert "/gfi has these commands: " in _answer(transcript, "/gfi")
    assert "/steward has these commands: " in _answer(transcript, "/steward")
    assert "Good first issues" in _answer(transcript, "/gfi list repo:", 0)
    unclosed = _answer(transcript, '/gfi claim "docs#68')
    assert "A quote is not closed." in unclosed and "Usage: /gfi claim <issue>" in unclosed
    assert "Choose one of: en, zh-CN." in _answer(transcript, "/steward language fr")
    assert "Who joins? Type :join NAME" in _answer(transcript, ":join")
    assert "':click abc' needs the number" in _answer(transcript, ":click abc")
    assert "Unknown console control" not in transcript

    # No answer shows a raw catalog key (e.g. oncall.schedule.off, once read by YAML as False).
    keys = set(Catalog(catalog_directories()).strings["en"])
    assert [k for k in keys if k in transcript] == []
