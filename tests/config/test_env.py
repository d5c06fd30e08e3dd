"""``${VAR}`` substitution: plain, with default, escaped, and missing."""

from __future__ import annotations

from bot.config.env import substitute
from tests.config import load, problems
from tests.fixtures.github_app import app_private_pem

BASE = "project:\n  name: demo\n"


def test_plain_reference() -> None:
    assert substitute("Bearer ${TOKEN}", {"TOKEN": "abc"}).text == "Bearer abc"


def test_several_references_and_untouched_dollars() -> None:
    result = substitute("$HOME ${A}-${B} costs $5", {"A": "1", "B": "2"})
    assert (result.text, result.errors) == ("$HOME 1-2 costs $5", [])


def test_default_when_unset_or_empty() -> None:
    assert substitute("${X:-fallback}", {}).text == "fallback"
    assert substitute("${X:-fallback}", {"X": ""}).text == "fallback"
    assert substitute("${X:-fallback}", {"X": "set"}).text == "set"
    assert substitute("${X:-}", {}).text == ""
    assert substitute("${X:-a:b c}", {}).text == "a:b c"


def test_escape_writes_literal() -> None:
    result = substitute("$${NOT_A_VAR} and ${A}", {"A": "x"})
    assert (result.text, result.errors) == ("${NOT_A_VAR} and x", [])


def test_missing_variable_names_it() -> None:
    result = substitute("${ONE} ${TWO}", {"TWO": "2"})
    assert result.errors == ["environment variable 'ONE' is not set (referenced as ${ONE})"]


def test_an_empty_variable_without_a_default_is_refused() -> None:
    # An env file's "GITHUB_TOKEN=" line: left to mean "not set", GitHub would run unauthenticated and
    # Slack would complain about neither mode, with no word of the variable.
    result = substitute("token: ${GITHUB_TOKEN}", {"GITHUB_TOKEN": ""})
    assert result.errors == [
        "environment variable 'GITHUB_TOKEN' is empty (referenced as ${GITHUB_TOKEN}); set it, or write"
        " ${GITHUB_TOKEN:-} where empty means not set"
    ]
    assert substitute("token: ${GITHUB_TOKEN:-}", {"GITHUB_TOKEN": ""}).errors == []
    found = problems(BASE + "discord:\n  token: ${DISCORD_TOKEN}\n", {"DISCORD_TOKEN": ""})
    assert [(p.line, p.message) for p in found] == [
        (
            4,
            "environment variable 'DISCORD_TOKEN' is empty (referenced as ${DISCORD_TOKEN}); set it,"
            " or write ${DISCORD_TOKEN:-} where empty means not set",
        )
    ]


def test_malformed_references() -> None:
    assert substitute("${not valid}", {}).errors
    assert substitute("${}", {}).errors
    assert substitute("${UNCLOSED", {}).errors


def test_substitution_feeds_typed_fields() -> None:
    config = load(BASE + "http:\n  port: ${PORT}\n  host: '$${literal}'\n", {"PORT": "9000"})
    assert config.http.port == 9000
    assert config.http.host == "${literal}"


def test_block_scalar_secret_keeps_newlines() -> None:
    pem = app_private_pem()
    config = load(
        BASE + "github:\n  repos: [a/b]\n  app:\n    app_id: 1\n    private_key: ${KEY}\n", {"KEY": pem}
    )
    assert config.github is not None and config.github.app is not None
    assert config.github.app.private_key == pem


def test_each_missing_variable_is_its_own_problem() -> None:
    found = problems(BASE + "discord:\n  token: ${A}\n  application_id: ${B}\n")
    assert [(p.path, p.line) for p in found] == [("discord.token", 4), ("discord.application_id", 5)]


def test_keys_are_not_substituted() -> None:
    found = problems(BASE + "${SECTION}: {}\n", {"SECTION": "http"})
    assert found[0].path == '["${SECTION}"]'


def test_secrets_are_not_in_repr() -> None:
    config = load(BASE + "discord:\n  token: ${T}\n", {"T": "very-secret"})
    assert "very-secret" not in repr(config)
