"""Core Forms as Slack modals (views.open) and view_submission payloads back as answers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.adapters.slack.blocks import escape, fits, heading, plain_text, split_text
from bot.core.form_fields import field_limit, prefill
from bot.core.messages import Form

FORM_CALLBACK = "stw-form"
INPUT_ACTION = "answer"
MAX_TITLE = 24  # modal title, submit and close texts
MAX_LABEL = 2000
MAX_PLACEHOLDER = 150
MAX_HINT = 2000
MAX_INPUT = 3000
MAX_METADATA = 3000
MAX_BLOCKS = 100


@dataclass(frozen=True)
class FormMeta:
    """What a modal carries to its submission: the cog action, its value, where it was opened."""

    action: str
    value: str
    channel_id: str | None
    locale: str | None = None


def form_view(
    form: Form, submit: str, close: str, channel_id: str | None, locale: str | None
) -> dict[str, Any]:
    """The modal view for ``form``; question ids become block ids (inline errors point at them)."""
    blocks: list[dict[str, Any]] = []
    for q in form.questions:
        element: dict[str, Any] = {
            "type": "plain_text_input",
            "action_id": INPUT_ACTION,
            "multiline": q.long,
            "max_length": field_limit(q, MAX_INPUT),
        }
        # A question's words are never cut: what does not fit its slot moves to a larger one (a long
        # placeholder becomes the hint under the input; a longer question or hint, a section above it).
        above: list[str] = []
        hint = None
        if q.placeholder and fits(q.placeholder, MAX_PLACEHOLDER):
            element["placeholder"] = plain_text(q.placeholder, MAX_PLACEHOLDER)
        elif q.placeholder and fits(q.placeholder, MAX_HINT):
            hint = q.placeholder
        elif q.placeholder:
            above.append(q.placeholder)
        if not fits(q.label, MAX_LABEL):
            above.insert(0, q.label)
        initial = prefill(q, q.default, MAX_INPUT)
        if initial:
            element["initial_value"] = initial
        block: dict[str, Any] = {
            "type": "input",
            "block_id": q.id,
            "label": plain_text(heading(q.label, MAX_LABEL), MAX_LABEL),
            "element": element,
            "optional": not q.required,
        }
        if hint is not None:
            block["hint"] = plain_text(hint, MAX_HINT)
        for text in above:
            blocks += [
                {"type": "section", "text": {"type": "plain_text", "text": p}}
                for p in split_text(escape(text))
            ]
        blocks.append(block)
    meta = json.dumps(
        {"a": form.action, "v": form.value, "c": channel_id, "l": locale}, separators=(",", ":")
    )
    if len(blocks) > MAX_BLOCKS:  # never a form with its last questions silently left off
        raise ValueError(f"form {form.action!r}: {len(blocks)} blocks do not fit a Slack modal")
    if len(meta) > MAX_METADATA:
        raise ValueError(f"form {form.action!r}: value too long for a Slack modal")
    return {
        "type": "modal",
        "callback_id": FORM_CALLBACK,
        # The title and buttons are the bot's own words (the catalog keeps them short).
        "title": plain_text(heading(form.title, MAX_TITLE), MAX_TITLE),
        "submit": plain_text(heading(submit, MAX_TITLE), MAX_TITLE),
        "close": plain_text(heading(close, MAX_TITLE), MAX_TITLE),
        "private_metadata": meta,
        "blocks": blocks,
    }


def form_meta(view: dict[str, Any]) -> FormMeta:
    data = json.loads(view.get("private_metadata") or "{}")
    return FormMeta(str(data.get("a", "")), str(data.get("v", "")), data.get("c"), data.get("l"))


def form_answers(view: dict[str, Any]) -> dict[str, str]:
    """Question id -> answer text from ``view.state.values`` (empty optional answers are "")."""
    values = (view.get("state") or {}).get("values") or {}
    answers: dict[str, str] = {}
    for block_id, actions in values.items():
        entry = actions.get(INPUT_ACTION) or {}
        answers[block_id] = str(entry.get("value") or "")
    return answers
