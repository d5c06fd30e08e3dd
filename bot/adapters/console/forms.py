"""A form filled in at the terminal: one question a line, answers checked as they come."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from bot.core.dispatch import PlatformUser
from bot.core.messages import TOO_LONG, Form
from bot.i18n import Translate

# (user, form, answers) -> what was wrong with each refused answer, by question id
Submit = Callable[[PlatformUser, Form, dict[str, str]], Awaitable[dict[str, str] | None]]


class FormOutput(Protocol):
    """Where a form shows itself: printed lines, notes to the person filling it (kept as replies),
    and the record of each form opened."""

    def print_line(self, text: str) -> None: ...

    def note(self, user: str, text: str) -> None: ...

    def record_form(self, form: Form, user: PlatformUser) -> None: ...


@dataclass
class _Filling:
    form: Form
    user: PlatformUser
    answers: dict[str, str] = field(default_factory=dict)
    index: int = 0


class ConsoleForm:
    """The form being filled in, if any: asks its questions in turn and submits the answers."""

    def __init__(self, output: FormOutput, t_for: Callable[[str], Translate], submit: Submit) -> None:
        self.output = output
        self.t_for = t_for  # the console's own words, in the language of the person filling the form
        self.submit = submit
        self._filling: _Filling | None = None

    @property
    def form(self) -> Form | None:
        """The form being filled in, if any."""
        return self._filling.form if self._filling is not None else None

    @property
    def question(self) -> str | None:
        """The id of the question being asked, if a form is being filled in."""
        filling = self._filling
        return filling.form.questions[filling.index].id if filling is not None else None

    def begin(self, form: Form, user: PlatformUser) -> None:
        """Open ``form`` for ``user`` (replacing any other) and ask its first question."""
        self._filling = _Filling(form, user)
        self.output.record_form(form, user)
        t = self.t_for(user.user_id)
        self.output.print_line(t("core.console.form_title", title=form.title))
        self.output.print_line(t("core.console.form_help"))
        self.ask()

    def cancel(self) -> bool:
        """Drop the form being filled in; False when there was none."""
        had = self._filling is not None
        self._filling = None
        return had

    def ask(self) -> None:
        """Print the current question again."""
        assert self._filling is not None
        q = self._filling.form.questions[self._filling.index]
        t = self.t_for(self._filling.user.user_id)
        # The label is the cog's (with its own numbering, if any): the console adds no second one.
        marker = "" if q.required else t("core.console.form_optional")
        default = t("core.console.form_default", default=q.default) if q.default else ""
        self.output.print_line(f"{q.label}{marker}{default}")

    async def answer(self, text: str) -> None:
        """Take ``text`` as the answer to the current question; submit after the last one."""
        filling = self._filling
        assert filling is not None
        q = filling.form.questions[filling.index]
        t = self.t_for(filling.user.user_id)
        value = text or (q.default or "")
        if not value and q.required:
            self._refuse(filling, t("core.console.form_required"))
            return
        over = q.too_long(value)
        if over is not None:  # refused and asked again: an answer is never cut
            self._refuse(filling, t(TOO_LONG, **over))
            return
        filling.answers[q.id] = value
        filling.index += 1
        if filling.index < len(filling.form.questions):
            self.ask()
            return
        self._filling = None
        errors = await self.submit(filling.user, filling.form, filling.answers)
        if errors:
            labels = {q.id: q.label for q in filling.form.questions}
            for qid, err in errors.items():
                said = t("core.console.form_invalid", question=labels.get(qid, qid), error=err)
                self.output.note(filling.user.user_id, said)
            self.begin(filling.form, filling.user)

    def _refuse(self, filling: _Filling, why: str) -> None:
        self.output.note(filling.user.user_id, why)
        self.ask()
