"""Scripted console sessions against the real app: help in two languages, forms, buttons, joins."""

from __future__ import annotations

import pytest

from bot.core.cog import Cog
from bot.core.commands import Access, action, command
from bot.core.events import MemberJoined, listener
from bot.core.invocation import Invocation
from bot.core.messages import Button, Buttons, Form, Message, Plain, Question, Section
from tests.fixtures.console import ConsoleRunner


async def test_help_lists_every_command_in_english(run_console: ConsoleRunner) -> None:
    run = await run_console(["/steward help", ":quit"])
    out = run.output
    assert "Demo Project — commands" in out
    for usage in (
        "/steward help",
        "/steward me",
        "/steward timezone <zone>",
        "/steward language <language>",
        "/steward reload",
    ):
        assert usage in out
    assert "List every command with its usage" in out


async def test_help_in_chinese_with_project_locale(run_console: ConsoleRunner) -> None:
    run = await run_console(["/steward help"], locale="zh-CN")
    assert "Demo Project — 命令列表" in run.output
    assert "列出所有命令及其用法" in run.output
    assert "Steward 控制台" in run.output


async def test_personal_language_overrides_project_locale(run_console: ConsoleRunner) -> None:
    run = await run_console(
        ["/steward language zh-CN", "/steward help", "/steward language en", "/steward help"]
    )
    out = run.output
    assert "从现在起我会用简体中文和你交流。" in out
    assert out.index("列出所有命令及其用法") < out.index("I will talk to you in English")
    assert out.rstrip().endswith("name:value works too.")


async def test_non_maintainers_do_not_see_or_run_maintainer_commands(run_console: ConsoleRunner) -> None:
    run = await run_console([":as newcomer", "/steward help", "/steward reload"])
    help_part = run.output.split("newcomer> /steward reload")[0]
    assert "/steward reload" not in help_part.split("newcomer> /steward help")[1]
    assert "Only maintainers can run this command." in run.output


async def test_timezone_and_me(run_console: ConsoleRunner) -> None:
    run = await run_console(
        [
            "/steward timezone asia/shanghai",
            "/steward me",
            "/steward timezone Mars/Olympus",
            "/steward timezone Europe/Berln",
            "/steward timezone",
            "/steward timezone reset",
            "/steward me",
        ]
    )
    out = run.output
    assert "Your time zone is now Asia/Shanghai." in out
    assert "Time zone: Asia/Shanghai" in out
    assert "'Mars/Olympus' is not a time zone I know." in out
    assert "Did you mean: Europe/Berlin" in out
    assert "Missing the required argument 'zone'." in out and "Usage: /steward timezone <zone>" in out
    assert "Time zone: not set (project default Europe/Berlin)" in out
    assert "Role: maintainer" in out


async def test_unknown_commands_and_controls(run_console: ConsoleRunner) -> None:
    run = await run_console(["/frobnicate", "/steward frob", ":dance", ":click 99", "# a comment"])
    out = run.output
    assert "I don't know the command 'frobnicate'" in out
    assert (
        "'frob' is not a subcommand here. Choose one of: config, digest, help, language, link, me, reload, "
        "timezone, unlink." in out
    )
    assert "Unknown console control 'dance'" in out
    assert "There is no button [99]." in out


class _ProbeCog(Cog):
    """A cog exercising buttons, forms and join events through the console."""

    name = "probe"
    joined: list[str] = []

    @command("probe ask", "steward.help.description")
    async def ask(self, inv: Invocation) -> None:
        await inv.reply(
            Message(
                [
                    Section("Pick one"),
                    Buttons(
                        (Button("Fill form", "probe.form", "v1"), Button("Docs", url="https://example.org"))
                    ),
                ]
            )
        )

    @action("probe.form")
    async def open_it(self, inv: Invocation) -> None:
        await inv.open_form(
            Form(
                "Interview",
                "probe.submit",
                (
                    Question("first", "How did you find us?"),
                    Question("second", "Anything else?", required=False, long=True),
                ),
                value=inv.value,
            )
        )

    @action("probe.submit")
    async def submit(self, inv: Invocation) -> None:
        from bot.core.errors import FormInvalid

        if inv.form_values["first"] == "bad":
            raise FormInvalid({"first": "core.console.form_required"})
        await inv.reply(
            Message.text(
                "Thanks ",
                Plain(inv.form_values["first"]),
                f" ({inv.value}) ",
                Plain(repr(inv.form_values.get("second"))),
            )
        )

    @action("probe.secret", access=Access.MAINTAINERS)
    async def secret(self, inv: Invocation) -> None:
        await inv.reply("secret")

    @listener(MemberJoined)
    async def on_join(self, event: MemberJoined) -> None:
        type(self).joined.append(event.display_name)


@pytest.fixture()
def probe_cog(monkeypatch: pytest.MonkeyPatch) -> type[_ProbeCog]:
    import bot.app

    original = bot.app.App._build_cogs

    def build(self: bot.app.App) -> list[Cog]:
        cogs = original(self)
        probe = _ProbeCog(self.services)
        probe.register()
        return [*cogs, probe]

    monkeypatch.setattr(bot.app.App, "_build_cogs", build)
    _ProbeCog.joined = []
    return _ProbeCog


async def test_buttons_forms_and_joins(run_console: ConsoleRunner, probe_cog: type[_ProbeCog]) -> None:
    run = await run_console(
        [
            "/probe ask",
            ":click 1",
            "",
            "bad",
            "",
            "found you on GitHub",
            "",
            ":join Ada Lovelace",
        ]
    )
    out = run.output
    assert "[1] Fill form  [Docs: https://example.org]" in out
    assert "Form: Interview" in out
    assert "This answer is required." in out  # empty answer to a required question
    assert "Please correct: How did you find us?: This answer is required." in out
    assert "Thanks found you on GitHub (v1) ''" in out
    assert "Ada Lovelace joined." in out
    assert probe_cog.joined == ["Ada Lovelace"]


async def test_a_command_typed_while_a_form_is_open_runs_and_the_form_waits(
    run_console: ConsoleRunner, probe_cog: type[_ProbeCog]
) -> None:
    run = await run_console(
        [
            "/probe ask",
            ":click 1",
            "/steward timezone",  # a command, not the answer to "How did you find us?"
            ":as nina",  # a control: the form stays open and asks again
            "\\/r/selfhosted, then :)",  # "\" makes a leading "/" part of the answer
            "",
            ":cancel",  # nothing left to cancel
        ]
    )
    out = run.output
    assert "a line starting with / runs a command" in out  # the form says how it reads lines
    answer = out.split("/steward timezone\n")[1].splitlines()[0]
    assert answer and not answer.startswith(("The form", "How did"))  # the command ran and answered
    assert out.count("The form is still open") == 2
    assert out.count("How did you find us?") >= 3  # asked, then asked again after each interruption
    assert "Thanks /r/selfhosted, then :) (v1) ''" in out
    assert "No form is open: nothing to cancel." in out


async def test_the_console_speaks_the_language_of_the_person_filling_the_form(
    run_console: ConsoleRunner, probe_cog: type[_ProbeCog]
) -> None:
    # The project is English; nina chose Chinese: the console's own words to her follow her choice.
    run = await run_console(
        [
            ":as nina",
            "/steward language zh-CN",
            "/probe ask",
            ":click 1",
            "",
            ":cancel",
            ":as operator",
            ":cancel",
        ]
    )
    out = run.output
    assert "表单：Interview" in out and "此题必填。" in out and "表单已取消。" in out
    assert "Form: Interview" not in out and "This answer is required." not in out
    assert out.rstrip().endswith("No form is open: nothing to cancel.")  # the operator reads English


async def test_cancel_closes_the_form(run_console: ConsoleRunner, probe_cog: type[_ProbeCog]) -> None:
    run = await run_console(["/probe ask", ":click 1", ":cancel", "/steward timezone"])
    assert "Form cancelled." in run.output
    assert "The form is still open" not in run.output and "Thanks" not in run.output
