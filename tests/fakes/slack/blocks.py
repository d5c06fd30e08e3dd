"""Slack's Block Kit rules as the fake checks them, and what a person would be notified of."""

from __future__ import annotations

import re
from typing import Any

PING_RE = re.compile(
    r"<!(?:channel|here|everyone)(?:\|[^>]*)?>|<!subteam\^[^>]+>|<@[UW][A-Z0-9]+(?:\|[^>]*)?>"
)
KNOWN_BLOCKS = {"section", "header", "actions", "context", "divider", "image", "input", "rich_text"}


def pings(text: str) -> list[str]:
    """Every token in mrkdwn ``text`` that Slack would turn into a notification."""
    return PING_RE.findall(text)


def texts_of(blocks: list[dict[str, Any]]) -> list[str]:
    """Every mrkdwn/plain text string in ``blocks`` (for ping and content checks)."""
    out: list[str] = []
    for b in blocks:
        if "text" in b and isinstance(b["text"], dict):
            out.append(b["text"].get("text", ""))
        out.extend(f.get("text", "") for f in b.get("fields") or [])
        for el in b.get("elements") or []:
            if isinstance(el.get("text"), dict):
                out.append(el["text"].get("text", ""))
            elif isinstance(el.get("text"), str):
                out.append(el["text"])
    return out


def validate_blocks(blocks: Any, limit: int, surface: str = "message") -> list[str]:
    """Slack's Block Kit rules that Steward relies on; an empty list means valid."""
    errors: list[str] = []
    if not isinstance(blocks, list):
        return ["blocks must be an array"]
    if len(blocks) > limit:
        errors.append(f"no more than {limit} items allowed [json-pointer:/blocks]")
    block_ids: set[str] = set()
    action_ids: set[str] = set()
    for i, b in enumerate(blocks):
        where = f"/blocks/{i}"
        kind = b.get("type")
        if kind not in KNOWN_BLOCKS or (kind == "input" and surface == "message"):
            errors.append(f"unsupported type {kind!r} [{where}]")
            continue
        if "block_id" in b:
            if b["block_id"] in block_ids or len(b["block_id"]) > 255:
                errors.append(f"duplicate or long block_id [{where}]")
            block_ids.add(b["block_id"])
        if kind == "section":
            text, fields = b.get("text"), b.get("fields")
            if text is None and not fields:
                errors.append(f"section needs text or fields [{where}]")
            if text is not None and not 1 <= len(text.get("text", "")) <= 3000:
                errors.append(f"must be between 1 and 3000 characters [{where}/text]")
            if fields is not None and (
                len(fields) > 10 or any(len(f.get("text", "")) > 2000 for f in fields)
            ):
                errors.append(f"at most 10 fields of 2000 characters [{where}/fields]")
        elif kind == "header":
            text = b.get("text") or {}
            if text.get("type") != "plain_text" or not 1 <= len(text.get("text", "")) <= 150:
                errors.append(f"header must be plain_text of 1..150 characters [{where}/text]")
        elif kind == "actions":
            elements = b.get("elements") or []
            if not 1 <= len(elements) <= 25:
                errors.append(f"actions need 1..25 elements [{where}]")
            for el in elements:
                label = (el.get("text") or {}).get("text", "")
                if el.get("type") == "button" and not 1 <= len(label) <= 75:
                    errors.append(f"button text must be 1..75 characters [{where}]")
                aid = el.get("action_id", "")
                if aid in action_ids or len(aid) > 255:
                    errors.append(f"duplicate or long action_id {aid!r} [{where}]")
                action_ids.add(aid)
                if len(el.get("value", "")) > 2000:
                    errors.append(f"button value over 2000 characters [{where}]")
        elif kind == "context":
            elements = b.get("elements") or []
            if not 1 <= len(elements) <= 10:
                errors.append(f"context needs 1..10 elements [{where}]")
            if any(len(e.get("text", "")) > 3000 for e in elements):
                errors.append(f"context text over 3000 characters [{where}]")
        elif kind == "image":
            if not b.get("image_url") or not b.get("alt_text"):
                errors.append(f"image needs image_url and alt_text [{where}]")
        elif kind == "input":
            if len((b.get("label") or {}).get("text", "")) > 2000 or "element" not in b:
                errors.append(f"bad input block [{where}]")
    return errors
