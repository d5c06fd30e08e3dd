"""Issue references, /gfi list filters and the Prev/Next button values."""

from __future__ import annotations

import pytest

from bot.core.messages import Plain
from cogs.good_first_issues.board import BoardFilter, BoardRules
from cogs.good_first_issues.errors import GfiError, localized_parts
from cogs.good_first_issues.filters import decode_nav, encode_nav, parse_filters
from cogs.good_first_issues.refs import IssueRef, parse_issue_ref

RULES = BoardRules(
    repo_labels={"acme/widgets": frozenset({"easy"}), "acme/docs": frozenset({"快乐开源"})},
    repo_names={"acme/widgets": "acme/widgets", "acme/docs": "acme/docs"},
    areas={"area/docs": "docs", "area/core": "core"},
    difficulty={"difficulty/easy": "easy"},
    priority_label=None,
)


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("#123", IssueRef(None, 123)),
        ("123", IssueRef(None, 123)),
        ("acme/widgets#7", IssueRef("acme/widgets", 7)),
        ("https://github.com/acme/widgets/issues/7", IssueRef("acme/widgets", 7)),
        ("<https://github.com/acme/widgets/issues/7#issuecomment-1>", IssueRef("acme/widgets", 7)),
        ("github.com/acme/widgets/pull/9", IssueRef("acme/widgets", 9, is_pull_url=True)),
    ],
)
def test_issue_references(text: str, ref: IssueRef) -> None:
    assert parse_issue_ref(text) == ref


@pytest.mark.parametrize("text", ["", "#", "abc", "acme#", "https://gitlab.com/a/b/issues/1", "#-3"])
def test_bad_references(text: str) -> None:
    with pytest.raises(GfiError) as exc:
        parse_issue_ref(text)
    assert exc.value.key == "gfi.error.bad_ref"


def test_filters_land_in_the_slot_they_fit() -> None:
    assert parse_filters(RULES, repo="docs") == (BoardFilter(repo="acme/docs"), 1)
    assert parse_filters(RULES, repo="core", area="2") == (BoardFilter(area="core"), 2)
    assert parse_filters(RULES, repo="Acme/Widgets", area="easy") == (
        BoardFilter(repo="acme/widgets", difficulty="easy"),
        1,
    )
    with pytest.raises(GfiError):
        parse_filters(RULES, repo="nope")


def test_a_bad_filter_lists_only_the_kinds_the_board_has() -> None:
    with pytest.raises(GfiError) as both:
        parse_filters(RULES, repo="nope")
    assert both.value.key == "gfi.error.bad_filter_areas_difficulties"
    assert both.value.outside == {
        "value": "nope",
        "areas": "core, docs",
        "difficulties": "easy",
        "repos": "acme/docs, acme/widgets",
    }
    # No difficulties configured: no "Difficulties: —".
    plain = BoardRules(RULES.repo_labels, RULES.repo_names, RULES.areas, {}, None)
    with pytest.raises(GfiError) as areas_only:
        parse_filters(plain, repo="nope")
    assert areas_only.value.key == "gfi.error.bad_filter_areas"
    assert "difficulties" not in areas_only.value.outside


def test_nav_values_round_trip_and_stay_short() -> None:
    flt = BoardFilter(repo="acme/docs", area="docs", difficulty="easy")
    value = encode_nav(RULES, {"acme/docs": 12}, flt, 3)
    assert value == "3.12.1.0" and len(value) < 40
    assert decode_nav(RULES, {12: "acme/docs"}, value) == (flt, 3)
    assert decode_nav(RULES, {}, "2.-.-.-") == (BoardFilter(), 2)


def test_outside_text_stays_plain() -> None:
    parts = localized_parts(
        lambda key, **p: "{name} has {ref}!".format(**p), "k", {}, {"name": "@everyone", "ref": "a/b#1"}
    )
    assert parts == (Plain("@everyone"), " has ", Plain("a/b#1"), "!")
