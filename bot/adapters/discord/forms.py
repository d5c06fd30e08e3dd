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

INPUTS_PER_MODAL = 5  # a modal holds 5 components: a text input in its Label, or a Text Display
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
        return len(modal_pages(self.form))

    def questions(self) -> tuple[Question, ...]:
        return modal_pages(self.form)[self.step]


def modal_pages(form: Form) -> list[tuple[Question, ...]]:
    """The form's questions, modal by modal: each modal holds 5 components, and a question whose words
    do not fit its Label takes two (a Text Display showing them whole, then the Label)."""
    pages: list[tuple[Question, ...]] = []
    page: list[Question] = []
    used = 0
    for q in form.questions:
        cost = len(question_parts(q))
        if page and used + cost > INPUTS_PER_MODAL:
            pages.append(tuple(page))
            page, used = [], 0
        page.append(q)
        used += cost
    pages.append(tuple(page))
    return pages


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
        # Single-modal forms by (action, value): a submit the cog refuses re-opens them pre-filled.
        self._recent: OrderedDict[tuple[str, str], Form] = OrderedDict()

    def remember(self, form: Form) -> None:
        """Keep ``form`` (in memory, the latest 500) so a refused submit can re-open it."""
        self._recent[(form.action, form.value)] = form
        self._recent.move_to_end((form.action, form.value))
        while len(self._recent) > _KEEP:
            self._recent.popitem(last=False)

    def last(self, action: str, value: str) -> Form | None:
        """The form last opened for (``action``, ``value``), if still kept."""
        return self._recent.get((action, value))

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


TEXT_DISPLAY_LIMIT = 4000  # a Text Display's content


@dataclass(frozen=True)
class QuestionSlots:
    """Where a question's words go in a modal; nothing is cut: what does not fit the Label's text
    (45) and description (100) is shown whole in a Text Display above it."""

    label: str
    description: str | None = None
    placeholder: str | None = None
    display: str | None = None  # Text Display content shown above the Label, when needed


def heading(text: str, limit: int) -> str:
    """The first words of ``text`` within ``limit``, used as a heading when the whole text is shown
    right next to it (in a description or a Text Display), so the reader loses nothing."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit + 1)
    return text[: cut if cut > 0 else limit].rstrip()


def question_slots(q: Question) -> QuestionSlots:
    """A question's text and placeholder placed in a Label (text ≤ 45, description ≤ 100), the text
    input's placeholder (≤ 100) or, when they do not fit, a Text Display that shows them whole."""
    placeholder = q.placeholder if q.placeholder and len(q.placeholder) <= DESCRIPTION_LIMIT else None
    hint = q.placeholder if q.placeholder and placeholder is None else None
    if len(q.label) <= LABEL_LIMIT:
        if hint is None or len(hint) > DESCRIPTION_LIMIT:
            return QuestionSlots(q.label, None, placeholder, hint)
        return QuestionSlots(q.label, hint, placeholder)
    if len(q.label) <= DESCRIPTION_LIMIT and hint is None:
        return QuestionSlots(heading(q.label, LABEL_LIMIT), q.label, placeholder)
    display = q.label if hint is None else f"{q.label}\n{hint}"
    return QuestionSlots(heading(q.label, LABEL_LIMIT), None, placeholder, display)


def question_parts(q: Question) -> list[str]:
    """The modal components ``q`` takes: ``["display", "label"]`` or ``["label"]``."""
    return ["display", "label"] if question_slots(q).display is not None else ["label"]


def modal_title(form: Form, step: int, steps: int) -> str:
    """The modal's title (≤ 45). Form titles are the bot's own words (the catalog keeps them short);
    a longer one shows its first words, never a cut word."""
    title = form.title if steps == 1 else f"{form.title} ({step + 1}/{steps})"
    return heading(title, LABEL_LIMIT)


def build_modal(progress: FormProgress, custom_id: str) -> discord.ui.Modal:
    """The modal for the current step; each question is a Label (with a description when it is long)
    around its text input, and a question too long for that gets a Text Display above it."""
    form = progress.form
    title = modal_title(form, progress.step, progress.steps)
    modal = discord.ui.Modal(title=title, custom_id=custom_id, timeout=None)
    for q in progress.questions():
        default = progress.answers.get(q.id, q.default)
        slots = question_slots(q)
        text_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
            custom_id=q.id,
            style=discord.TextStyle.paragraph if q.long else discord.TextStyle.short,
            required=q.required,
            max_length=field_limit(q, INPUT_LIMIT),
            placeholder=slots.placeholder,
            default=prefill(q, default, INPUT_LIMIT),
        )
        if slots.display is not None:
            modal.add_item(discord.ui.TextDisplay(slots.display))
        modal.add_item(
            discord.ui.Label(text=slots.label, description=slots.description, component=text_input)
        )
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
