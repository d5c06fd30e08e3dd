"""Block Kit rendering: escaping and Slack's limits, checked with the fake's validator."""

from __future__ import annotations

from bot.adapters.slack.blocks import (
    escape,
    mrkdwn,
    parse_action_id,
    render_blocks,
    render_chunks,
    split_text,
)
from bot.core.messages import (
    Bold,
    Button,
    Buttons,
    Code,
    Context,
    Fields,
    Header,
    Link,
    Mention,
    Message,
    Plain,
    Quote,
    Section,
)
from tests.fakes.slack import pings, texts_of, validate_blocks


def test_escaping_and_mentions() -> None:
    assert escape("a & <b> <!here>") == "a &amp; &lt;b&gt; &lt;!here&gt;"
    assert mrkdwn(Plain("*<@U1>*")) == "*&lt;@U1&gt;*"
    assert mrkdwn("use **bold** for <x>") == "use *bold* for &lt;x&gt;"
    assert mrkdwn(Mention("ann", {"slack": "U42"})) == "<@U42>"
    assert mrkdwn(Mention("ann <!channel>", {"discord": "1"})) == "@ann &lt;!channel&gt;"
    assert (
        mrkdwn(Link("https://x.example/?a=1&b=2", Plain("a|b>")))
        == "<https://x.example/?a=1&amp;b=2|a¦b&gt;>"
    )
    assert mrkdwn(Code("x`y<")) == "`x'y&lt;`"


def test_long_content_stays_within_limits() -> None:
    long_text = ("word " * 2000).strip()
    message = Message(
        [
            Header(Plain("H" * 400)),
            Section(Plain(long_text)),
            Quote(Plain("q " * 2000), attribution=Plain("someone")),
            Fields(tuple((f"k{i}", Plain("v" * 3000)) for i in range(23))),
            Buttons(tuple(Button("B" * 100, "act", str(i)) for i in range(30))),
            Context(Plain("c" * 5000)),
        ]
    )
    blocks = render_blocks(message)
    # Nothing is cut: what does not fit its slot (a header, a field, small print, a button) is shown
    # whole where it fits (sections, numbered lines above the buttons).
    assert blocks[0] == {"type": "section", "text": {"type": "mrkdwn", "text": "*" + "H" * 400 + "*"}}
    shown = "\n".join(texts_of(blocks))
    assert "…" not in shown
    assert all(f"*k{i}*\n{'v' * 3000}" in shown for i in range(23))
    assert shown.count("c" * 3000) == 1 and "c" * 5000 in shown.replace("\n", "")
    assert all(f"*({n})* {'B' * 100}" in shown for n in range(1, 31))
    assert sum(1 for b in blocks if b["type"] == "actions") == 2
    for chunk in render_chunks(message):
        assert validate_blocks(chunk.blocks, 50) == []
    action_ids = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert len(set(action_ids)) == 30 and parse_action_id(action_ids[0]) == "act"


def test_split_never_cuts_an_entity() -> None:
    text = escape("&" * 5000)
    pieces = split_text(text, 3000)
    assert all(len(p) <= 3000 for p in pieces)
    assert "".join(pieces) == text


def test_chunks_of_50_with_numbered_fallback_text() -> None:
    message = Message([Section(f"r{i}") for i in range(101)], summary="<!channel> report")
    chunks = render_chunks(message)
    assert [len(c.blocks) for c in chunks] == [50, 50, 1]
    assert chunks[0].text == "&lt;!channel&gt; report (1/3)"
    assert all(pings(c.text + " ".join(texts_of(c.blocks))) == [] for c in chunks)


def test_bold_of_outside_text() -> None:
    [block] = render_blocks(Message([Section(Bold(Plain("<!everyone>")), " joined")]))
    assert block["text"]["text"] == "*&lt;!everyone&gt;* joined"
    assert parse_action_id("stw-link:3") is None


def test_a_long_question_reaches_the_modal_whole() -> None:
    from bot.adapters.slack.forms import form_view
    from bot.core.messages import Form, Question

    question = "Tell us about the bug you fixed & why it mattered. " * 45  # over the 2,000 of a label
    hint = "Anything goes: " + "a story, " * 20  # over the 150 of a placeholder
    view = form_view(
        Form("A form with a title longer than Slack's", "act", (Question("q", question, placeholder=hint),)),
        "Submit",
        "Cancel",
        None,
        None,
    )
    section, field = view["blocks"][-2:]
    assert escape(question).startswith(field["label"]["text"]) and len(field["label"]["text"]) <= 2000
    shown = "".join(b["text"]["text"] for b in view["blocks"] if b["type"] == "section")
    assert "".join(shown.split()) == "".join(escape(question).split())  # the whole question, above
    assert field["hint"]["text"] == escape(hint) and "placeholder" not in field["element"]
    assert len(view["title"]["text"]) <= 24 and "…" not in view["title"]["text"]
    assert section["type"] == "section"
