"""Section-specific rules: normalisation, defaults, cross-field checks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from bot.config import RepoConfig, installed_model, load_config, load_config_text
from tests.config import load, problems
from tests.fixtures.github_app import app_private_pem

BASE = "project:\n  name: demo\n  timezone: Asia/Shanghai\n"


def messages(text: str, env: dict[str, str] | None = None) -> list[str]:
    return [f"{p.path}: {p.message}" for p in problems(text, env)]


def test_minimal_config_defaults() -> None:
    config = load("project: {name: demo}\n")
    assert config.project.locale == "en" and config.project.timezone == "UTC"
    assert config.github is None and config.oncall is None and config.schedules == []
    assert config.http.port == 8080 and config.http.enabled is None
    assert config.logging.level == "INFO" and config.logging.json_format is False


def test_repos_accept_strings_and_mappings() -> None:
    config = load(BASE + "github:\n  repos:\n    - a/b\n    - {name: c/d, full_reconcile: false}\n")
    assert config.github is not None
    assert config.github.repos == [RepoConfig(name="a/b"), RepoConfig(name="c/d", full_reconcile=False)]
    assert config.github.poll_interval == timedelta(minutes=5)


def test_repo_format_and_duplicates() -> None:
    assert messages(BASE + "github:\n  repos: [not-a-repo]\n") == [
        "github.repos[0]: expected a repository as 'owner/name', got 'not-a-repo'"
    ]
    assert messages(BASE + "github:\n  repos: [a/b, A/B]\n") == [
        "github.repos[1]: repository 'A/B' is used more than once"
    ]


def test_token_and_app_are_exclusive() -> None:
    text = BASE + "github:\n  repos: [a/b]\n  token: t\n  app: {app_id: 1, private_key: '${K}'}\n"
    pem = app_private_pem()
    assert messages(text, {"K": pem}) == ["github.app: set either 'token' or 'app', not both"]


def test_poll_interval_minimum() -> None:
    assert "at least 30s" in messages(BASE + "github:\n  repos: [a/b]\n  poll_interval: 10s\n")[0]


def test_empty_optional_secret_means_unset() -> None:
    config = load(BASE + "github:\n  repos: [a/b]\n  token: ${GITHUB_TOKEN:-}\n")
    assert config.github is not None and config.github.token is None


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ("", "set 'app_token' (Socket Mode) or 'signing_secret' (HTTP mode); neither is set"),
        ("  app_token: ${SLACK_APP_TOKEN:-}\n", "neither is set (an empty value counts as not set)"),
        ("  app_token: xapp-1\n  signing_secret: s\n", "only one of 'app_token' (Socket Mode) or"),
    ],
)
def test_slack_needs_exactly_one_mode(extra: str, needle: str) -> None:
    assert needle in messages(BASE + "slack:\n  bot_token: xoxb-1\n" + extra)[0]


def test_slack_modes_and_commands() -> None:
    config = load(
        BASE + "slack:\n  bot_token: xoxb-1\n  signing_secret: s\n  command_names: {oncall: /triage}\n"
    )
    assert config.slack is not None and not config.slack.socket_mode
    bad = messages(
        BASE + "slack:\n  bot_token: xoxb-1\n  app_token: xapp-1\n  command_names: {oncall: Triage}\n"
    )
    assert bad[0].startswith("slack.command_names.oncall: a Slack command must start with '/'")


def test_non_ascii_labels() -> None:
    config = load(BASE + "good_first_issues:\n  labels: [快乐开源]\n  areas: {快乐开源: 文档}\n")
    assert config.good_first_issues is not None
    assert config.good_first_issues.labels == ["快乐开源"]
    assert config.good_first_issues.areas == {"快乐开源": "文档"}


def test_reminder_fraction_bounds() -> None:
    assert messages(BASE + "good_first_issues: {reminder_at: 1.5}\n") == [
        "good_first_issues.reminder_at: must be less than 1.0, got 1.5"
    ]


ROTATION = BASE + "oncall:\n  rotations:\n    - name: core\n      members: [alice, 'discord:123']\n"


def test_rotation_defaults_and_project_timezone() -> None:
    config = load(ROTATION + "      handoff_time: 10:30\n")
    assert config.oncall is not None
    rotation = config.oncall.rotations[0]
    # 10:30 unquoted is a YAML 1.1 base-60 integer; the loader keeps it as the time people meant.
    assert rotation.handoff_time == time(10, 30)
    assert rotation.timezone == "Asia/Shanghai" and rotation.shift_length == timedelta(weeks=1)


def test_rotation_rules() -> None:
    assert messages(BASE + "oncall:\n  rotations: [{name: a, members: []}]\n") == [
        "oncall.rotations[0].members: a rotation needs at least one member"
    ]
    dup = messages(BASE + "oncall:\n  rotations: [{name: a, members: [x]}, {name: a, members: [y]}]\n")
    assert dup == ["oncall.rotations[1].name: rotation name 'a' is used more than once"]
    # Someone listed twice would take two turns per round; GitHub logins ignore case.
    twice = messages(BASE + "oncall:\n  rotations: [{name: a, members: [alice, bob, Alice]}]\n")
    assert twice == ["oncall.rotations[0].members[2]: member 'Alice' is used more than once"]
    region = "{name: r, timezone: UTC, start: '09:00', end: '17:00', members: [c, c]}"
    sun = messages(BASE + f"oncall:\n  rotations: [{{name: a, kind: follow_the_sun, regions: [{region}]}}]\n")
    assert sun == ["oncall.rotations[0].regions[0].members[1]: member 'c' is used more than once"]
    # Every repeat is named in one run, not the first one only.
    many = messages(BASE + "oncall:\n  rotations: [{name: a, members: [alice, bob, alice, bob]}]\n")
    assert many == [
        "oncall.rotations[0].members[2]: member 'alice' is used more than once",
        "oncall.rotations[0].members[3]: member 'bob' is used more than once",
    ]
    fts = messages(BASE + "oncall:\n  rotations: [{name: a, kind: follow_the_sun}]\n")
    assert fts == ["oncall.rotations[0].regions: a follow_the_sun rotation needs a non-empty 'regions' list"]
    member = messages(BASE + "oncall:\n  rotations: [{name: a, members: ['not a login']}]\n")
    assert member[0].startswith("oncall.rotations[0].members[0]: expected a GitHub login")


def test_follow_the_sun_and_availability() -> None:
    text = (
        ROTATION
        + "    - name: sun\n      kind: follow_the_sun\n      regions:\n"
        + "        - {name: apac, timezone: Asia/Tokyo, start: '09:00', end: '17:00', members: [bob]}\n"
        + "  availability:\n    alice: {days: [mon, fri], hours: '22:00-06:00'}\n"
    )
    config = load(text)
    assert config.oncall is not None
    assert config.oncall.rotations[1].regions[0].start == time(9, 0)
    assert config.oncall.availability["alice"].days == ["mon", "fri"]
    bad = messages(ROTATION + "  availability:\n    alice: {days: [monday], hours: '9-5'}\n")
    assert [m.split(":")[0] for m in bad] == [
        "oncall.availability.alice.days[0]",
        "oncall.availability.alice.hours",
    ]


def test_schedule_rules() -> None:
    config = load(BASE + "schedules:\n  - {job: weekly_digest, cron: '0 9 * * mon'}\n")
    assert config.schedules[0].timezone == "Asia/Shanghai"
    assert config.schedules[0].grace == timedelta(hours=1)
    both = messages(BASE + "schedules:\n  - {job: github_sync, cron: '* * * * *', interval: 5m}\n")
    assert both == ["schedules[0].cron: set exactly one of 'cron' or 'interval'"]
    unknown = messages(BASE + "schedules:\n  - {job: digest, interval: 1h}\n")
    assert unknown[0].startswith("schedules[0].job: unknown job 'digest'")
    assert all(job in unknown[0] for job in installed_model().known_jobs)
    assert "expected 5 fields" in messages(BASE + "schedules:\n  - {job: github_sync, cron: '* * *'}\n")[0]


def test_spotlight_default_questions() -> None:
    config = load(BASE + "spotlight: {}\n")
    assert config.spotlight is not None
    questions = config.spotlight.questions
    assert len(questions) == 7 and all(q.text.zh_CN for q in questions)
    assert questions[0].text.get("zh-CN") != questions[0].text.get("en")
    too_few = messages(BASE + "spotlight:\n  questions: [{id: a, text: A}]\n")
    assert too_few == ["spotlight.questions: needs at least 5 items, got 1"]


def test_onboarding_paths() -> None:
    text = BASE + (
        "onboarding:\n  paths:\n    - id: docs\n      title: Docs\n      steps:\n"
        "        - {id: one, title: {en: One, zh-CN: 一}, completes: merged_pr}\n"
    )
    config = load(text)
    assert config.onboarding is not None
    step = config.onboarding.paths[0].steps[0]
    assert step.title.get("zh-CN") == "一" and step.completes == "merged_pr"
    bad = messages(BASE + "onboarding:\n  paths: [{id: docs, title: Docs, steps: []}]\n")
    assert bad == ["onboarding.paths[0].steps: needs at least 1 item, got 0"]


def test_maintainer_needs_an_identity() -> None:
    assert messages(BASE + "maintainers: [{name: Ann}]\n") == [
        "maintainers[0]: a maintainer needs at least one of 'github', 'discord', 'slack' or 'console'"
    ]


def test_database_url(tmp_path: Path) -> None:
    pg = load(BASE + "database: {url: 'postgres://u:p@db/steward'}\n")
    assert pg.database_url() == "postgresql+psycopg://u:p@db/steward"
    path = tmp_path / "steward.yaml"
    path.write_text(BASE + "database: {sqlite_path: data/bot.db}\n", encoding="utf-8")
    assert load_config(path, env={}).database_url() == f"sqlite:///{tmp_path.absolute() / 'data' / 'bot.db'}"
    assert "only PostgreSQL URLs" in messages(BASE + "database: {url: 'sqlite:///x.db'}\n")[0]


def test_resolve_path(tmp_path: Path) -> None:
    config = load_config_text(BASE, env={}, base_dir=tmp_path)
    assert config.resolve_path("demo/data.json") == tmp_path / "demo" / "data.json"
    assert config.resolve_path("/abs/x") == Path("/abs/x")
    assert load(BASE).resolve_path("x") == Path.cwd() / "x"
    assert load(BASE).source_path is None


def test_logging_level_is_case_insensitive() -> None:
    assert load(BASE + "logging: {level: debug, json: true}\n").logging.level == "DEBUG"


def test_merge_keys() -> None:
    text = BASE + (
        "oncall:\n  rotations:\n    - &r {name: a, members: [alice], weekdays_only: true}\n"
        "    - {<<: *r, name: b}\n"
    )
    config = load(text)
    assert config.oncall is not None
    assert [r.name for r in config.oncall.rotations] == ["a", "b"]
    assert config.oncall.rotations[1].weekdays_only is True


APP = BASE + "github:\n  repos: [a/b]\n  app: {app_id: 1, private_key: '${K}'}\n"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda pem: pem.replace("\n", "\\n"),  # one line with literal \n escapes (container platforms)
        lambda pem: pem.replace("\n", "\\r\\n"),
        lambda pem: pem.replace("\n", " "),  # line breaks flattened into spaces
        lambda pem: "  " + pem.strip(),  # surrounding whitespace, no final newline
    ],
)
def test_app_private_key_from_an_environment_variable_is_rebuilt(mangle: Callable[[str], str]) -> None:
    pem = app_private_pem()
    config = load(APP, {"K": mangle(pem)})
    assert config.github is not None and config.github.app is not None
    assert config.github.app.private_key == pem


def test_unreadable_app_private_key_is_refused_with_the_reason() -> None:
    broken = app_private_pem().replace("MII", "XYZ", 1)
    [message] = messages(APP, {"K": broken})
    assert message.startswith("github.app.private_key: the private key could not be read (")
    assert "use the .pem file GitHub gave for the App" in message
    assert messages(APP, {"K": "not a key"}) == [
        "github.app.private_key: expected PEM text ('-----BEGIN ... PRIVATE KEY-----'),"
        " e.g. from ${GITHUB_APP_PRIVATE_KEY}"
    ]


def test_app_private_key_must_be_rsa() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    assert messages(APP, {"K": pem}) == [
        "github.app.private_key: a GitHub App private key is an RSA key; this one is not"
    ]


def test_a_named_spotlight_channel_must_exist_and_an_unmapped_handoff_channel_is_warned(
    tmp_path: Path,
) -> None:
    from datetime import UTC, datetime

    from bot.features import config_warnings

    chat = "discord: {token: t, channels: {spotlight: '1', maintainers: '2'}}\n"
    typo = messages(BASE + chat + "spotlight: {channel: spotlite}\n")
    assert typo == [
        "spotlight.channel: unknown channel purpose 'spotlite'; did you mean 'spotlight'? "
        "configured purposes: maintainers, spotlight"
    ]
    # Every feature's unknown purpose in one run: renaming a purpose breaks several at once.
    renamed = BASE + chat.replace("spotlight:", "spotlights:") + "spotlight: {channel: spotlight}\n"
    renamed += "oncall:\n  rotations: [{name: core, members: [alice], channel: triage}]\n"
    assert sorted(m.split(";")[0] for m in messages(renamed)) == [
        "oncall.rotations[0].channel: unknown channel purpose 'triage'",
        "spotlight.channel: unknown channel purpose 'spotlight'",
    ]
    quiet = load(BASE + chat + "oncall:\n  rotations: [{name: core, members: [alice]}]\n")
    assert (
        "discord.channels: no 'oncall' channel (oncall.rotations.core), so its hand-offs and channel topic "
        "are not posted on Discord"
    ) in config_warnings(quiet, datetime(2026, 12, 7, tzinfo=UTC))
