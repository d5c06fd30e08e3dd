"""Values that used to pass check-config and then silently break a feature are refused, located."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.config.patterns import search
from bot.features import config_warnings
from cogs.oncall.sections import missing_sections
from tests.config import SCHEMA, load, problems

BASE = "project: {name: demo}\n"
DISCORD = "discord:\n  token: x\n  channels: {announcements: 1, welcome: 2, oncall: 3}\n"


def located(text: str) -> list[str]:
    return [f"{p.line}:{p.col} {p.path}: {p.message}" for p in problems(text)]


def test_unknown_purpose_in_schedule_channels() -> None:
    text = (
        BASE
        + DISCORD
        + (
            "schedules:\n  - job: weekly_digest\n    cron: '0 9 * * mon'\n"
            "    channels: {discord: ['123', anouncements]}\n"
        )
    )
    [message] = located(text)
    assert message.startswith("8:33 schedules[0].channels.discord[1]: unknown channel purpose 'anouncements'")
    assert "did you mean 'announcements'?" in message


def test_unknown_purpose_in_slack_schedule_channels_but_ids_and_names_pass() -> None:
    slack = "slack:\n  bot_token: xoxb-1\n  app_token: xapp-1\n  channels: {digest: C0123456}\n"
    ok = (
        BASE
        + slack
        + "schedules:\n  - {job: weekly_digest, cron: '0 9 * * mon',"
        + " channels: {slack: [digest, C9999999, '#general']}}\n"
    )
    load(ok)
    bad = ok.replace("digest, C9", "digset, C9")
    assert located(bad)[0].startswith("7:66 schedules[0].channels.slack[0]: unknown channel purpose 'digset'")


@pytest.mark.parametrize(
    ("section", "where"),
    [
        (
            "good_first_issues:\n  announce_channels: [announcements, news]\n",
            "6:38 good_first_issues.announce_channels[1]",
        ),
        (
            "oncall:\n  rotations:\n    - {name: triage, members: ['discord:1'], channel: on-call}\n",
            "7:55 oncall.rotations[0].channel",
        ),
        ("onboarding:\n  welcome_channel: hello\n", "6:20 onboarding.welcome_channel"),
    ],
)
def test_unknown_purpose_in_features(section: str, where: str) -> None:
    [message] = located(BASE + DISCORD + section)
    assert message.startswith(where + ": unknown channel purpose"), message
    assert "configured purposes: announcements, oncall, welcome" in message


def test_purposes_are_not_checked_without_a_chat_platform() -> None:
    # On the console every purpose is printed, so any name works.
    load(BASE + "onboarding:\n  welcome_channel: hello\n")


def test_interval_floor_and_crons_that_never_fire() -> None:
    [message] = located(BASE + "schedules:\n  - {job: github_sync, interval: 30s}\n")
    assert message == "3:34 schedules[0].interval: interval must be at least 1m"
    load(BASE + "schedules:\n  - {job: github_sync, interval: 1m}\n")
    for cron in ("0 9 31 2 *", "0 9 30 2 *", "0 9 31 4 *"):
        [message] = located(BASE + f"schedules:\n  - {{job: weekly_digest, cron: '{cron}'}}\n")
        assert message.startswith("3:32 schedules[0].cron:") and "never fires" in message, message
    load(BASE + "schedules:\n  - {job: weekly_digest, cron: '0 9 29 2 *'}\n")


def test_claim_limit_is_bounded() -> None:
    [message] = located(BASE + "good_first_issues:\n  claim_limit: 100000000000000000000000000000\n")
    assert message.startswith("3:16 good_first_issues.claim_limit:") and "100" in message


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("(unclosed", "invalid regular expression"),
        ("(a+)+$", "exponential time"),
        ("(\\\\w+\\\\s?)*$", "exponential time"),
        ("x" * 201, "longer than 200 characters"),
    ],
)
def test_required_sections_patterns_are_checked_at_load(pattern: str, reason: str) -> None:
    text = (
        BASE
        + "oncall:\n  rotations: [{name: t, members: ['discord:1']}]\n"
        + f'  required_sections: [Environment, "{pattern}"]\n'
    )
    [message] = located(text)
    assert message.startswith("4:36 oncall.required_sections[1]:") and reason in message, message


def test_headings_and_safe_patterns_still_work() -> None:
    text = (
        BASE
        + "oncall:\n  rotations: [{name: t, members: ['discord:1']}]\n"
        + "  required_sections: [Environment, 'version\\s*:?\\s*\\d', '(\\d{1,3}\\.){3}\\d+']\n"
    )
    load(text)
    body = "### Environment\nLinux\n\nversion: 3\n"
    assert missing_sections(body, ["Environment", r"version\s*:?\s*\d", r"(\d{1,3}\.){3}\d+"]) == [
        r"(\d{1,3}\.){3}\d+"
    ]


def test_a_slow_pattern_is_cut_off_not_run_for_ever() -> None:
    # Alternation the shape check allows can still backtrack; the time limit ends the search.
    assert search(r"^(a|aa)+$", "a" * 60 + "!") is False


def _schema_pattern(node: Any, *path: str) -> re.Pattern[str]:
    for key in path:
        node = node[key]
    return re.compile(node["pattern"])


def test_the_editor_schema_agrees_on_repos_and_cron_ranges() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    defs = schema["$defs"]
    repo = _schema_pattern(defs["RepoConfig"], "properties", "name")
    assert repo.match("owner/name") and not repo.match("not-a-repo")
    cron_any = defs["ScheduleConfig"]["properties"]["cron"]["anyOf"]
    cron = re.compile(next(a["pattern"] for a in cron_any if "pattern" in a))
    for good in ("0 9 * * mon", "*/15 8-18 1,15 jan-MAR MON-FRI", "59 23 31 12 6"):
        assert cron.match(good), good
        load(BASE + f"schedules:\n  - {{job: weekly_digest, cron: '{good}'}}\n")
    for bad in ("61 * * * *", "0 24 * * *", "0 9 32 * *", "0 9 * 13 *", "0 9 * * 7"):
        assert not cron.match(bad), bad
        assert problems(BASE + f"schedules:\n  - {{job: weekly_digest, cron: '{bad}'}}\n"), bad


def test_a_purpose_on_one_platform_only_is_a_warning() -> None:
    slack = "slack:\n  bot_token: xoxb-1\n  app_token: xapp-1\n  channels: {announcements: C0123456}\n"
    config = load(BASE + DISCORD + slack + "onboarding:\n  welcome_channel: welcome\n")
    assert config_warnings(config, datetime(2026, 3, 1, tzinfo=UTC)) == [
        "onboarding.welcome_channel: channel purpose 'welcome' has no Slack channel;"
        " on Slack it is not posted"
    ]


def test_the_interval_floor_can_be_lowered_for_simulated_days(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEWARD_MIN_SCHEDULE_INTERVAL", "2s")
    load(BASE + "schedules:\n  - {job: github_sync, interval: 2s}\n")
    [message] = located(BASE + "schedules:\n  - {job: github_sync, interval: 1s}\n")
    assert message.endswith("interval must be at least 2s")
