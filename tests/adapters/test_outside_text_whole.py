"""What people wrote reaches the reader whole on every platform: no adapter cuts outside text to fit a
slot (a header, a field, small print, a button, a channel topic); it moves to where it fits."""

from __future__ import annotations

from bot.core.messages import Button, Buttons, Context, Fields, Header, Message, Plain
from tests.fixtures.chat import ChatFactory

NAME = "Ada " + "Lovelace-Byron " * 24 + "King"  # longer than any title, field name or button
ANSWER = " ".join(
    f"Sentence {i} says what she did with_underscores & <angle brackets> in the compiler." for i in range(70)
)  # about 6,000 characters: more than a field, small print or one Discord message holds


def squeezed(text: str) -> str:
    """``text`` without whitespace: a platform may break long text onto several lines or messages."""
    return "".join(text.split())


async def test_long_outside_text_arrives_whole(chat_factory: ChatFactory) -> None:
    message = Message(
        [
            Header(Plain(f"Spotlight: {NAME}")),
            Fields(((Plain(NAME), Plain(ANSWER)), ("Repos", Plain("inference-engine")))),
            Buttons((Button(f"Thank {NAME}", "nothing", "1"),)),
            Context(Plain(ANSWER)),
        ]
    )
    async with chat_factory() as chat:
        await chat.app.services.poster.post("announcements", message)
        posts = chat.posts("announcements")
        shown = squeezed("\n".join(p.text for p in posts))
        for whole in (f"Spotlight: {NAME}", NAME, ANSWER, f"Thank {NAME}", "inference-engine"):
            assert squeezed(whole) in shown, (chat.platform, whole[:40])
        assert shown.count(squeezed(ANSWER)) == 2  # the field's value and the small print
        assert "…" not in shown


async def test_a_topic_too_long_for_the_platform_is_posted_whole(chat_factory: ChatFactory) -> None:
    topic = f"On call for triage: {NAME}, {NAME} and {NAME} until Friday"  # over 1,024 characters
    async with chat_factory() as chat:
        [result] = await chat.app.services.poster.set_topic("oncall", topic)
        assert result.status == "sent"
        if chat.platform == "console":  # a terminal has no limit: the topic line is shown as it is
            records = chat.console.transcript  # type: ignore[attr-defined]
            assert [r.text for r in records if r.kind == "topic"] == [topic]
        else:  # over Discord's 1,024 or Slack's 250 characters: the channel reads it as a message
            assert [p.text for p in chat.posts("oncall")] == [topic]
