"""A small cog that uses every adapter feature (buttons, forms, slow replies, long text, mentions)."""

from __future__ import annotations

import asyncio

from bot.core.cog import Cog
from bot.core.commands import Choice, Option, OptionType, action, autocomplete, command
from bot.core.errors import FormInvalid
from bot.core.invocation import Invocation
from bot.core.messages import (
    BulletList,
    Button,
    Buttons,
    Fields,
    Form,
    Header,
    Mention,
    Message,
    Plain,
    Question,
    Section,
)
from bot.core.refs import UserRef

HOSTILE_TITLE = "@everyone look at <@&1234567890123456789> and **this** @here"
LONG_TITLE = "Make the scheduler survive " + "a very long outage " * 8  # over Discord's 100 characters


class DemoCog(Cog):
    """Declared in tests only; its texts are literals (the catalog falls back to the key)."""

    name = "demo"
    slow_seconds = 0.5

    @command("demo buttons", "Show a Claim button")
    async def buttons(self, inv: Invocation) -> None:
        await inv.reply(Message([Section("Issue #42"), Buttons((Button("Claim", "demo-claim", "42"),))]))

    @action("demo-claim")
    async def claim(self, inv: Invocation) -> None:
        await inv.reply(Message.text("Claimed #", inv.value, " by ", Plain(inv.actor.display_name)))

    @command("demo form", "Open a form", Option("questions", "How many questions", OptionType.INTEGER))
    async def form(self, inv: Invocation, questions: int) -> None:
        asked = tuple(
            Question(f"q{i}", f"Question number {i} (answer with a number please)") for i in range(questions)
        )
        await inv.open_form(Form("Tell us", "demo-answers", asked, value=str(questions)))

    @action("demo-answers")
    async def answers(self, inv: Invocation) -> None:
        bad = {qid: "demo.not_a_number" for qid, text in inv.form_values.items() if not text.isdigit()}
        if bad:
            raise FormInvalid(bad)
        total = sum(int(v) for v in inv.form_values.values())
        await inv.reply(Message.text(f"Sum of {len(inv.form_values)} answers: {total}"))

    @command("demo slow", "Answer after a while", ephemeral=False)
    async def slow(self, inv: Invocation) -> None:
        await asyncio.sleep(self.slow_seconds)
        await inv.reply("Finally done.")

    @command("demo long", "A long list", Option("items", "How many", OptionType.INTEGER))
    async def long(self, inv: Invocation, items: int) -> None:
        lines = tuple((Plain(f"item {i:04d} " + "x" * 60),) for i in range(items))
        await inv.reply(Message([Section("Everything:"), BulletList(lines)]))

    @command("demo report", "Embed with many fields", Option("fields", "How many", OptionType.INTEGER))
    async def report(self, inv: Invocation, fields: int) -> None:
        items = tuple((Plain(f"field {i}"), Plain("v" * 900)) for i in range(fields))
        await inv.reply(Message([Header("Report"), Fields(items)]))

    @command("demo pick", "Pick an issue", Option("issue", "Which issue", autocomplete="demo_issues"))
    async def pick(self, inv: Invocation, issue: str) -> None:
        await inv.reply(Message.text("Picked ", Plain(issue)))

    @autocomplete("demo_issues")
    async def issues(self, inv: Invocation, partial: str) -> list[Choice]:
        return [
            Choice("acme/app#1", "acme/app#1 — Short title", short_label="acme/app#1"),
            Choice("acme/app#2", f"acme/app#2 — {LONG_TITLE}", short_label="acme/app#2"),
            Choice("acme/app#3", f"acme/app#3 — {LONG_TITLE}"),
        ]

    @command("demo announce", "Post an outside title", ephemeral=False)
    async def announce(self, inv: Invocation) -> None:
        msg = Message.text("New issue: ", Plain(HOSTILE_TITLE))
        await self.services.poster.post("announcements", msg)
        await inv.reply(msg)

    @command("demo ping", "Mention someone", Option("who", "Who", OptionType.USER), ephemeral=False)
    async def ping(self, inv: Invocation, who: UserRef) -> None:
        assert who.user_id is not None
        await inv.reply(
            Message.text("Hey ", Mention(who.name or "?", {"discord": who.user_id}), ", @everyone")
        )
