"""Discord attachments (counts, sizes) and long form questions, through real discord.py and the fake."""

from __future__ import annotations

from bot.adapters.discord.forms import QuestionSlots, modal_pages, question_parts, question_slots
from bot.core.cog import Cog
from bot.core.commands import Option, OptionType, action, command
from bot.core.invocation import Invocation
from bot.core.messages import File, Form, Image, Message, Question, Section
from tests.adapters.discord.conftest import DemoChat
from tests.fakes.discord import rules

LONG_QUESTION = (
    "What was the hardest bug you fixed in the scheduler, and what did it teach you about "
    "testing code that depends on time zones and daylight saving?"
)


def payload(i: int, size: int = 64) -> bytes:
    return bytes([i % 256]) * size


class FilesCog(Cog):
    """Replies with files and opens a form with a long question."""

    name = "files"

    @command("files send", "Send files", Option("count", "How many", OptionType.INTEGER),
             Option("size", "Bytes each", OptionType.INTEGER, required=False))  # fmt: skip
    async def send(self, inv: Invocation, count: int, size: int | None = None) -> None:
        files = [File(f"f{i}.txt", payload(i, size or 64)) for i in range(count)]
        await inv.reply(Message([Section("Here you are"), *files]))

    @command("files ask", "Ask a long question")
    async def ask(self, inv: Invocation) -> None:
        questions = (Question("bug", LONG_QUESTION, long=True), Question("name", "Your name"))
        await inv.open_form(Form("Interview", "files_answer", questions))

    @action("files_answer")
    async def answer(self, inv: Invocation) -> None:
        await inv.reply(Message.text("got " + inv.form_values["bug"]))


async def test_files_are_attachments_ten_per_message(demo_chat: DemoChat) -> None:
    async with demo_chat(cogs=(FilesCog,)) as chat:
        first, second = await chat.command("alice", "/files send 12")
        assert first.text.startswith("Here you are") and "[file: f0.txt]" in first.text
        assert [name for name, _ in first.files] == [f"f{i}.txt" for i in range(10)]
        assert second.files == [("f10.txt", payload(10)), ("f11.txt", payload(11))]
        assert second.text == "[file: f10.txt]\n[file: f11.txt]"
        assert not chat.fake.rejections


async def test_a_file_over_the_limit_becomes_a_clear_message(demo_chat: DemoChat) -> None:
    async with demo_chat(cogs=(FilesCog,)) as chat:
        chat.fake.attachment_size_limit = 1000  # sent to the bot in the interaction, enforced by the fake
        [reply] = await chat.command("alice", "/files send 1 2000")
        assert reply.files == []
        assert "f0.txt (0.0 MiB) is larger than Discord allows here" in reply.text
        assert not chat.fake.rejections


async def test_channel_posts_carry_files(demo_chat: DemoChat) -> None:
    async with demo_chat(cogs=(FilesCog,)) as chat:
        message = Message([File("export.md", b"# Export\n", "text/markdown")])
        await chat.app.services.poster.post("announcements", message)
        [post] = chat.posts("announcements")
        assert post.files == [("export.md", b"# Export\n")] and post.text == "[file: export.md]"


async def test_images_carry_their_alt_text(demo_chat: DemoChat) -> None:
    async with demo_chat(cogs=(FilesCog,)) as chat:
        alt = "Bar chart: time to first response per week, falling from 30 h to 6 h"
        message = Message([Section("Stats"), Image(alt, data=b"\x89PNG fake", filename="ttfr.png")])
        await chat.app.services.poster.post("announcements", message)
        [sent] = [m for m in chat.fake.messages.values() if m.files]
        [attachment] = sent.payload["attachments"]
        assert attachment["filename"] == "ttfr.png" and attachment["description"] == alt
        assert sent.payload["embeds"][0]["image"]["url"] == "attachment://ttfr.png"
        assert not chat.fake.rejections


async def test_the_fake_refuses_what_discord_refuses() -> None:
    label = {"type": 18, "label": "x" * 46, "component": {"type": 4, "custom_id": "a", "style": 1}}
    problems = rules.modal_problems({"title": "T", "custom_id": "c", "components": [label]})
    assert problems == ["modal.components[0].label: must be 1-45 characters"]
    label = {**label, "label": "ok", "description": "d" * 101}
    problems = rules.modal_problems({"title": "T", "custom_id": "c", "components": [label]})
    assert problems == ["modal.components[0].description: at most 100 characters"]


async def test_long_questions_stay_readable_in_modals(demo_chat: DemoChat) -> None:
    async with demo_chat(cogs=(FilesCog,)) as chat:
        [form] = await chat.command("alice", "/files ask")
        modal = form.handle
        shown, bug, name = modal["components"]
        # The whole question, word for word, in a Text Display above its input: nothing is cut.
        assert shown["type"] == 10 and shown["content"] == LONG_QUESTION
        assert bug["type"] == 18 and len(bug["label"]) <= 45 and "…" not in bug["label"]
        assert LONG_QUESTION.startswith(bug["label"])
        assert bug["label"].split()[-1] in LONG_QUESTION.split()  # its first words, never a cut word
        assert name["label"] == "Your name" and "description" not in name
        assert LONG_QUESTION in form.text
        [done] = await chat.fill_form("alice", {"bug": "the DST one", "name": "Alice"})
        assert done.text == "got the DST one"
        assert not chat.fake.rejections


def test_every_question_reaches_the_modal_whole() -> None:
    """Short questions are the Label; up to 100 characters the description holds them whole; longer
    ones (and long placeholders) get a Text Display, which takes a component of the modal's five."""
    medium = "Which of our community calls did you join first, and what made you come back?"
    long_hint = "Write as much as you like: " + "a story, " * 20 + "anything."
    form = Form(
        "Tell us",
        "demo",
        (
            Question("a", "Your name"),
            Question("b", medium),
            Question("c", LONG_QUESTION),
            Question("d", "Anything else?", placeholder=long_hint),
            Question("e", "Last one"),
        ),
    )
    slots = {q.id: question_slots(q) for q in form.questions}
    assert slots["a"] == QuestionSlots("Your name")
    assert slots["b"].description == medium and medium.startswith(slots["b"].label)
    assert slots["c"].display == LONG_QUESTION and slots["c"].description is None
    assert slots["d"].display == long_hint and slots["d"].placeholder is None
    pages = modal_pages(form)
    assert sum(len(question_parts(q)) for q in pages[0]) <= 5
    assert [q.id for page in pages for q in page] == ["a", "b", "c", "d", "e"]
