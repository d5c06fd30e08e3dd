"""Forms as Discord modals: at most 5 inputs per modal, longer forms chained step by step."""

from __future__ import annotations

import secrets
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Any

import discord
from bot.core.messages import Form, Question

INPUTS_PER_MODAL = 5
FORM_PREFIX = "~form"  # custom_ids the adapter owns; cog action names never start with "~"
_KEEP = 500  # forms in progress kept in memory (oldest dropped first)


@dataclass
class FormProgress:
    """A chained or re-opened form: which step is next and the answers so far."""

    form: Form
    step: int = 0
    answers: dict[str, str] = field(default_factory=dict)

    @property
    def steps(self) -> int:
        return max(1, -(-len(self.form.questions) // INPUTS_PER_MODAL))

    def questions(self) -> tuple[Question, ...]:
        start = self.step * INPUTS_PER_MODAL
        return self.form.questions[start : start + INPUTS_PER_MODAL]


class FormBook:
    """Forms that need state between modals (chained steps, re-opening with answers pre-filled).

    Single-modal forms need none: their custom_id is ``action:value`` and survives restarts.
    """

    def __init__(self) -> None:
        self._entries: OrderedDict[str, FormProgress] = OrderedDict()

    def keep(self, progress: FormProgress) -> str:
        key = secrets.token_urlsafe(9)
        self._entries[key] = progress
        while len(self._entries) > _KEEP:
            self._entries.popitem(last=False)
        return f"{FORM_PREFIX}:{key}"

    def get(self, custom_id: str) -> FormProgress | None:
        return self._entries.get(custom_id.partition(":")[2])

    def drop(self, custom_id: str) -> None:
        self._entries.pop(custom_id.partition(":")[2], None)


LABEL_LIMIT = 45  # modal title and label text (PLATFORM-NOTES A3)
DESCRIPTION_LIMIT = 100  # a Label's description, and a text input's placeholder


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word boundary, ending in "…" when cut."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    head = text[: cut if cut > limit // 2 else limit - 1].rstrip(" ,;:-—")
    return head[: limit - 1] + "…"


def question_label(text: str) -> tuple[str, str | None]:
    """A question as Label text (≤ 45) and description (≤ 100): short questions fit the label; longer
    ones keep their start in the label and the whole question (or, past 100, its rest) below it."""
    label = shorten(text, LABEL_LIMIT)
    if label == text:
        return label, None
    if len(text) <= DESCRIPTION_LIMIT:
        return label, text
    rest = text[len(label) - 1 :].lstrip()
    return label, shorten("…" + rest, DESCRIPTION_LIMIT)


def build_modal(progress: FormProgress, custom_id: str) -> discord.ui.Modal:
    """The modal for the current step; each question is a Label (with a description when it is long)
    around its text input, so a long question stays readable even when the answer is pre-filled."""
    form = progress.form
    title = form.title if progress.steps == 1 else f"{form.title} ({progress.step + 1}/{progress.steps})"
    modal = discord.ui.Modal(title=shorten(title, LABEL_LIMIT), custom_id=custom_id, timeout=None)
    for q in progress.questions():
        default = progress.answers.get(q.id, q.default)
        label, description = question_label(q.label)
        text_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
            custom_id=q.id,
            style=discord.TextStyle.paragraph if q.long else discord.TextStyle.short,
            required=q.required,
            max_length=min(q.max_length, 4000),
            placeholder=shorten(q.placeholder, DESCRIPTION_LIMIT) if q.placeholder else None,
            default=default[:4000] if default else None,
        )
        modal.add_item(discord.ui.Label(text=label, description=description, component=text_input))
    modal.stop()  # routed by custom_id in the adapter, never through discord.py's view store
    return modal


def with_answers(form: Form, answers: dict[str, str]) -> Form:
    """The same form, its inputs pre-filled with ``answers`` (re-opening after a failed submit)."""
    return replace(
        form, questions=tuple(replace(q, default=answers.get(q.id, q.default)) for q in form.questions)
    )


def submitted_values(components: list[dict[str, Any]]) -> dict[str, str]:
    """Answers by question id from a MODAL_SUBMIT payload (action rows or labels)."""
    values: dict[str, str] = {}
    for row in components:
        inner: list[Any] = row.get("components") or ([row["component"]] if row.get("component") else [])
        for item in inner:
            if isinstance(item, dict) and item.get("custom_id"):
                values[str(item["custom_id"])] = str(item.get("value") or "")
    return values
