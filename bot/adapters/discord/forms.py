"""Forms as Discord modals: at most 5 inputs per modal, longer forms chained step by step."""

from __future__ import annotations

import json
import secrets
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col

import discord
from bot.adapters.models import DiscordFormState
from bot.core.form_fields import field_limit, prefill
from bot.core.messages import Form, Question
from bot.db.database import Database
from bot.db.models import utcnow

INPUTS_PER_MODAL = 5
FORM_PREFIX = "~form"  # custom_ids the adapter owns; cog action names never start with "~"
_KEEP = 500  # forms in progress kept in memory (oldest dropped first; the database keeps them all)
FORM_KEPT_FOR = timedelta(days=7)


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

    Single-modal forms need none: their custom_id is ``action:value`` and survives restarts. The rest
    are written to ``discord_form_state`` (with a database) so a restart between two modals loses no
    answer; a memory copy answers the common case without a query.
    """

    def __init__(self, db: Database | None = None, now: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.now = now
        self._entries: OrderedDict[str, FormProgress] = OrderedDict()

    def _remember(self, key: str, progress: FormProgress) -> None:
        self._entries[key] = progress
        self._entries.move_to_end(key)
        while len(self._entries) > _KEEP:
            self._entries.popitem(last=False)

    async def keep(self, progress: FormProgress) -> str:
        key = secrets.token_urlsafe(9)
        self._remember(key, progress)
        await self._write(key, progress, new=True)
        return f"{FORM_PREFIX}:{key}"

    async def save(self, custom_id: str, progress: FormProgress) -> None:
        """Store the progress after a step was answered."""
        key = custom_id.partition(":")[2]
        self._remember(key, progress)
        await self._write(key, progress, new=False)

    async def get(self, custom_id: str) -> FormProgress | None:
        key = custom_id.partition(":")[2]
        found = self._entries.get(key)
        if found is not None or self.db is None:
            return found
        row = await self.db.run(lambda s: s.get(DiscordFormState, key))
        if row is None:
            return None
        progress = progress_from_json(row.data)
        self._remember(key, progress)
        return progress

    async def drop(self, custom_id: str) -> None:
        key = custom_id.partition(":")[2]
        self._entries.pop(key, None)
        if self.db is not None:
            await self.db.run(_delete, key)

    async def _write(self, key: str, progress: FormProgress, new: bool) -> None:
        if self.db is None:
            return
        now = self.now()

        def write(session: Session) -> None:
            row = session.get(DiscordFormState, key)
            if row is None:
                row = DiscordFormState(key=key, data="", created_at=now)
            row.data = progress_to_json(progress)
            session.add(row)
            if new:  # forms nobody finished within a week are dropped
                session.execute(
                    delete(DiscordFormState).where(col(DiscordFormState.created_at) < now - FORM_KEPT_FOR)
                )

        await self.db.run(write)


def _delete(session: Session, key: str) -> None:
    row = session.get(DiscordFormState, key)
    if row is not None:
        session.delete(row)


def progress_to_json(progress: FormProgress) -> str:
    form = progress.form
    return json.dumps(
        {
            "form": {
                "title": form.title,
                "action": form.action,
                "value": form.value,
                "questions": [asdict(q) for q in form.questions],
            },
            "step": progress.step,
            "answers": progress.answers,
        }
    )


def progress_from_json(text: str) -> FormProgress:
    data = json.loads(text)
    form = data["form"]
    questions = tuple(Question(**q) for q in form["questions"])
    return FormProgress(
        Form(form["title"], form["action"], questions, form["value"]),
        int(data["step"]),
        {str(k): str(v) for k, v in data["answers"].items()},
    )


LABEL_LIMIT = 45  # modal title and label text (PLATFORM-NOTES A3)
INPUT_LIMIT = 4000  # a text input's value
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
            max_length=field_limit(q, INPUT_LIMIT),
            placeholder=shorten(q.placeholder, DESCRIPTION_LIMIT) if q.placeholder else None,
            default=prefill(q, default, INPUT_LIMIT),
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
