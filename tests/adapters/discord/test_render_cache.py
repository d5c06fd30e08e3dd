"""Renderings kept between replies: an equal message gets the rendering a fresh render would give."""

from __future__ import annotations

from typing import Any

import discord

from bot.adapters.discord.render import RenderCache, render
from bot.core.messages import (
    Bold,
    Code,
    Context,
    Fields,
    File,
    Header,
    Image,
    Mention,
    Message,
    Plain,
    Section,
)


def _payloads(kwargs: dict[str, Any]) -> dict[str, Any]:
    """What discord.py would send for ``kwargs`` (embeds as dicts, mentions as their payload)."""
    out = dict(kwargs)
    out["allowed_mentions"] = kwargs["allowed_mentions"].to_dict()
    if "embeds" in kwargs:
        out["embeds"] = [e.to_dict() for e in kwargs["embeds"]]
    if "files" in kwargs:
        out["files"] = [(f.filename, f.description, f.fp.read()) for f in kwargs["files"]]
    return out


def _help() -> Message:
    return Message(
        [
            Header("Demo — commands"),
            Section(Bold("steward")),
            Fields(((Code("/steward help"), "list commands"), ("Name", Plain("*not bold* @everyone")))),
            Context("footer"),
        ]
    )


def test_an_equal_message_gets_the_kept_rendering_which_matches_a_fresh_one() -> None:
    cache = RenderCache()
    assert cache.kept(_help()) is None
    first = cache.render(_help())
    again = cache.kept(_help())  # a different but equal message
    assert again is first
    fresh = render(_help())
    assert [_payloads(r.kwargs()) for r in again] == [_payloads(o.kwargs()) for o in fresh]
    assert cache.kept(Message([Section("other")])) is None


def test_kept_embeds_are_sent_as_built_and_mentions_stay_off() -> None:
    [kept] = RenderCache().render(_help())
    kwargs = kept.kwargs()
    assert all(isinstance(e, discord.Embed) for e in kwargs["embeds"])
    mentions = kwargs["allowed_mentions"].to_dict()
    assert mentions["parse"] == [] and mentions["users"] == []


def test_attachments_and_unhashable_blocks_are_rendered_every_time() -> None:
    cache = RenderCache()
    with_file = Message([Section("export"), File("a.txt", b"data")])
    with_image = Message([Image("chart", data=b"\x89PNG")])
    with_mention = Message([Section("hi ", Mention("bob", {"discord": "42"}))])
    for message in (with_file, with_image, with_mention):
        [rendered] = cache.render(message)
        assert cache.kept(message) is None
        assert _payloads(rendered.kwargs()) == _payloads(render(message)[0].kwargs())
    [mention] = cache.render(with_mention)
    mentions = mention.kwargs()["allowed_mentions"].to_dict()
    assert mentions["parse"] == [] and mentions["users"] == [42]
    linked = Message([Image("chart", url="https://example.org/chart.png")])
    cache.render(linked)
    assert cache.kept(linked) is not None


def test_the_oldest_rendering_gives_way_when_full() -> None:
    cache = RenderCache(size=2)
    messages = [Message([Section(f"reply {i}")]) for i in range(3)]
    for message in messages:
        cache.render(message)
    assert cache.kept(messages[0]) is None
    assert cache.kept(messages[1]) is not None and cache.kept(messages[2]) is not None


def test_outside_text_never_takes_the_rendering_of_the_bots_own_markup() -> None:
    # Equal-looking text of two kinds: the bot's own (markup) and a person's (escaped). They must
    # never share a kept rendering, or a person's "*x*" would be shown as bold.
    cache = RenderCache()
    own = cache.render(Message([Section("**claimed**")]))
    theirs = cache.render(Message([Section(Plain("**claimed**"))]))
    assert own[0].outgoing.content != theirs[0].outgoing.content
    assert cache.kept(Message([Section(Plain("**claimed**"))])) is theirs
