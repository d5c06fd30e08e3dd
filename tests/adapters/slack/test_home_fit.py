"""A Home tab longer than Slack shows (100 blocks): whole sections left out and named, never cut off."""

from __future__ import annotations

from bot.adapters.slack.blocks import MAX_SURFACE_BLOCKS, render_blocks
from bot.adapters.slack.home import fitted_home, home_view
from bot.core.messages import Block, Context, Fields, Header, Message, Section
from tests.fakes.slack import texts_of, validate_blocks

HEAD: list[Block] = [Header("Bench — you"), Fields((("Name", "ada"),))]
FOOTER = Context("Type /steward help for every command.")


def _section(title: str, lines: int) -> list[Block]:
    return [Header(title), *(Section(f"{title} line {i}") for i in range(lines))]


def _left_out(names: list[str]) -> Block:
    return Context("Not shown here, for lack of room: " + ", ".join(names) + ".")


def _texts(message: Message) -> str:
    return "\n".join(texts_of(home_view(message)["blocks"]))


def test_a_home_that_fits_is_shown_whole_without_a_note() -> None:
    sections = [_section("Good first issues", 5), _section("On call", 5)]
    message = fitted_home(HEAD, sections, FOOTER, _left_out)
    shown = _texts(message)
    assert "Good first issues line 4" in shown and "On call line 4" in shown
    assert "Not shown here" not in shown and message.blocks[-1] == FOOTER


def test_a_section_that_would_pass_the_limit_is_left_out_whole_and_named() -> None:
    sections = [_section("Good first issues", 40), _section("Onboarding", 70), _section("On call", 20)]
    message = fitted_home(HEAD, sections, FOOTER, _left_out)
    blocks = home_view(message)["blocks"]
    assert len(render_blocks(message)) <= MAX_SURFACE_BLOCKS  # nothing sliced off by home_view
    assert validate_blocks(blocks, MAX_SURFACE_BLOCKS, surface="home") == []
    shown = _texts(message)
    # The first and last sections whole; the long one not at all, but named; the footer still last.
    assert all(f"Good first issues line {i}" in shown for i in range(40))
    assert all(f"On call line {i}" in shown for i in range(20))
    assert "Onboarding line" not in shown
    assert "Not shown here, for lack of room: Onboarding." in shown
    assert message.blocks[-1] == FOOTER


def test_a_home_of_exactly_the_limit_is_shown_whole() -> None:
    fixed = len(render_blocks(Message([*HEAD, FOOTER])))
    room = MAX_SURFACE_BLOCKS - fixed - 2  # two dividers
    lines = room - 11 - 1  # the first section is a header and 10 lines; the second has a header too
    sections = [_section("Good first issues", 10), _section("On call", lines)]
    message = fitted_home(HEAD, sections, FOOTER, _left_out)
    assert len(render_blocks(message)) == MAX_SURFACE_BLOCKS
    assert "Not shown here" not in _texts(message)
    one_more = [_section("Good first issues", 10), _section("On call", lines + 1)]
    assert "Not shown here, for lack of room: On call." in _texts(
        fitted_home(HEAD, one_more, FOOTER, _left_out)
    )
