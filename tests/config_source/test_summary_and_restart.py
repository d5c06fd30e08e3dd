"""What a change does (check summaries, notices) and which settings wait for a restart."""

from __future__ import annotations

from bot.config import StewardConfig, load_config_text
from bot.config_source.notices import plural_key
from bot.config_source.restart import settings_needing_restart
from bot.config_source.summary import describe_change
from bot.i18n import Catalog, catalog_directories

BASE = """project:
  name: Acme
github:
  token: ghp_secret_value
  repos: [acme/widgets]
oncall:
  rotations:
    - name: triage
      members: [alice, carol]
schedules:
  - job: spotlight_publish
    cron: "0 10 * * fri"
"""


def _config(text: str) -> StewardConfig:
    return load_config_text(text, "steward.yaml")


def _lines(old: str, new: str, locale: str = "en") -> list[str]:
    catalog = Catalog(catalog_directories())
    return [catalog.translate(locale, k, **p) for k, p in describe_change(_config(old), _config(new))]


def test_summary_names_repos_rotation_members_and_schedule_moves() -> None:
    new = (
        BASE.replace("repos: [acme/widgets]", "repos: [acme/widgets, acme/docs]")
        .replace("[alice, carol]", "[alice, bob]")
        .replace("0 10 * * fri", "0 10 * * wed")
    )
    lines = _lines(BASE, new)
    assert "Adds repository acme/docs to the board." in lines
    assert "Rotation 'triage' gains bob." in lines and "Rotation 'triage' loses carol." in lines
    assert any(line.startswith("Job spotlight_publish now runs cron 0 10 * * wed") for line in lines)


def test_summary_never_shows_secrets_and_names_other_settings() -> None:
    new = BASE.replace("ghp_secret_value", "ghp_other_secret").replace("name: Acme", "name: Acme Two")
    lines = _lines(BASE, new)
    assert lines == ["Changes project.name."]
    assert _lines(BASE, BASE) == ["No setting changes (only formatting or comments)."]
    assert _lines(BASE, BASE + "spotlight: {}\n", "zh-CN")[0] == "启用 spotlight。"


def test_restart_needed_for_connections_and_feature_sections_only() -> None:
    moved = BASE + "http:\n  port: 9000\n"
    assert settings_needing_restart(_config(BASE), _config(moved)) == ["http"]
    renamed = BASE.replace("name: Acme", "name: Acme Two").replace("[alice, carol]", "[bob]")
    assert settings_needing_restart(_config(BASE), _config(renamed)) == []
    without_oncall = BASE.split("oncall:")[0] + "schedules: []\n"
    assert settings_needing_restart(_config(BASE), _config(without_oncall)) == ["oncall"]
    rotated = BASE.replace("ghp_secret_value", "ghp_new")
    assert settings_needing_restart(_config(BASE), _config(rotated)) == ["github.token"]


def test_plural_forms_follow_the_reader_locale() -> None:
    assert plural_key("k", 1, "en") == "k_one" and plural_key("k", 2, "en") == "k_other"
    assert plural_key("k", 1, "zh-CN") == "k_other"  # Chinese has one plural form
