"""A small test cog that uses every adapter feature: buttons, a form, channel posts, long replies."""

from __future__ import annotations

from bot.core.cog import Cog
from bot.core.commands import Option, OptionType, action, command
from bot.core.errors import FormInvalid
from bot.core.invocation import Invocation
from bot.core.messages import Bold, Button, Buttons, Form, Header, Message, Plain, Question, Section
from bot.core.refs import UserRef


class ProbeCog(Cog):
    """Commands under /probe for adapter tests."""

    name = "probe"

    @command("probe buttons", "probe.buttons")
    async def buttons(self, inv: Invocation) -> None:
        await inv.reply(
            Message([Section("Pick one"), Buttons((Button("Press", "probe_press", "42"),))]), ephemeral=False
        )

    @action("probe_press")
    async def press(self, inv: Invocation) -> None:
        await inv.reply(Message.text("pressed ", Plain(inv.value), " by ", Plain(inv.actor.display_name)))

    @command("probe ask", "probe.ask")
    async def ask(self, inv: Invocation) -> None:
        await inv.open_form(
            Form(
                "About you",
                "probe_form",
                (Question("age", "Your age"), Question("note", "Note", long=True, required=False)),
                value="v1",
            )
        )

    @action("probe_form")
    async def form(self, inv: Invocation) -> None:
        if not inv.form_values.get("age", "").isdigit():
            raise FormInvalid({"age": "probe.not_a_number"})
        await inv.reply(Message.text("age ", Plain(inv.form_values["age"]), " value ", Plain(inv.value)))

    @command("probe echo", "probe.echo", Option("text", "probe.text", greedy=True))
    async def echo(self, inv: Invocation, text: str) -> None:
        message = Message([Header(Plain(text)), Section(Bold(Plain(text)), " said")])
        await self.services.poster.post("announcements", message)
        await inv.reply(message)

    @command("probe long", "probe.long", Option("count", "probe.count", OptionType.INTEGER))
    async def long(self, inv: Invocation, count: int) -> None:
        await inv.reply(Message([Section(f"line {i}") for i in range(count)]), ephemeral=False)

    @command("probe who", "probe.who", Option("user", "probe.user", OptionType.USER))
    async def who(self, inv: Invocation, user: UserRef) -> None:
        await inv.reply(Message.text("id ", Plain(str(user.user_id)), " name ", Plain(str(user.name))))
