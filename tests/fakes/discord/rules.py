"""Discord's documented payload limits, checked the way Discord checks them (PLATFORM-NOTES A1, A3).

Each function returns a list of problems ("path: reason"); an empty list means Discord accepts it.
Written independently of the adapter so a test of the adapter's output is not circular.
"""

from __future__ import annotations

import re
from typing import Any

# Discord's name rule (unicode \w plus '-' and '''), lower-case when a lower-case variant exists.
NAME_RE = re.compile(r"^[-_'\w]{1,32}$")
LOCALES = {
    "id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl", "no",
    "pl", "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th", "zh-CN",
    "ja", "zh-TW", "ko",
}  # fmt: skip
OPTION_TYPES = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
SUBCOMMAND, GROUP = 1, 2
EMBED_TOTAL = 6000


def _name_problems(path: str, obj: dict[str, Any]) -> list[str]:
    name = obj.get("name", "")
    out = []
    if not isinstance(name, str) or not NAME_RE.match(name) or name.lower() != name:
        out.append(f"{path}.name: {name!r} is not a valid lower-case name")
    for loc, value in (obj.get("name_localizations") or {}).items():
        if loc not in LOCALES:
            out.append(f"{path}.name_localizations: unknown locale {loc!r}")
        elif not NAME_RE.match(value) or value.lower() != value:
            out.append(f"{path}.name_localizations.{loc}: invalid name {value!r}")
    return out


def _description_problems(path: str, obj: dict[str, Any]) -> list[str]:
    out = []
    desc = obj.get("description")
    if not isinstance(desc, str) or not 1 <= len(desc) <= 100:
        out.append(f"{path}.description: must be 1-100 characters (got {len(desc or '')})")
    for loc, value in (obj.get("description_localizations") or {}).items():
        if loc not in LOCALES:
            out.append(f"{path}.description_localizations: unknown locale {loc!r}")
        elif not 1 <= len(value) <= 100:
            out.append(f"{path}.description_localizations.{loc}: must be 1-100 characters")
    return out


def _longest(obj: dict[str, Any], key: str) -> int:
    values = [obj.get(key) or "", *(obj.get(f"{key}_localizations") or {}).values()]
    return max(len(str(v)) for v in values)


def _size(obj: dict[str, Any]) -> int:
    """Characters counted against the 8000 limit: names, descriptions, values (longest localization)."""
    total = _longest(obj, "name") + _longest(obj, "description")
    for choice in obj.get("choices") or []:
        total += _longest(choice, "name") + len(str(choice.get("value", "")))
    for child in obj.get("options") or []:
        total += _size(child)
    return total


def _option_problems(path: str, opt: dict[str, Any], depth: int) -> list[str]:
    out = _name_problems(path, opt) + _description_problems(path, opt)
    kind = opt.get("type")
    if kind not in OPTION_TYPES:
        out.append(f"{path}.type: unknown option type {kind!r}")
        return out
    children = opt.get("options") or []
    if kind in (SUBCOMMAND, GROUP):
        if kind == GROUP and depth > 1:
            out.append(f"{path}: subcommand groups can only be nested one level")
        if kind == GROUP and any(c.get("type") != SUBCOMMAND for c in children):
            out.append(f"{path}: a subcommand group may only contain subcommands")
        if kind == SUBCOMMAND and any(c.get("type") in (SUBCOMMAND, GROUP) for c in children):
            out.append(f"{path}: a subcommand cannot contain subcommands")
    elif children:
        out.append(f"{path}: only subcommands and groups have options")
    if len(children) > 25:
        out.append(f"{path}.options: at most 25 (got {len(children)})")
    out.extend(_options_order(path, children))
    for i, child in enumerate(children):
        out.extend(_option_problems(f"{path}.options[{i}]", child, depth + 1))
    choices = opt.get("choices") or []
    if len(choices) > 25:
        out.append(f"{path}.choices: at most 25 (got {len(choices)})")
    if choices and opt.get("autocomplete"):
        out.append(f"{path}: autocomplete cannot be combined with choices")
    for i, choice in enumerate(choices):
        if not 1 <= len(str(choice.get("name", ""))) <= 100:
            out.append(f"{path}.choices[{i}].name: must be 1-100 characters")
        value = choice.get("value")
        if isinstance(value, str) and not 1 <= len(value) <= 100:
            out.append(f"{path}.choices[{i}].value: must be 1-100 characters")
    if opt.get("max_length") is not None and not 1 <= opt["max_length"] <= 6000:
        out.append(f"{path}.max_length: must be 1-6000")
    return out


def _options_order(path: str, options: list[dict[str, Any]]) -> list[str]:
    seen_optional = False
    names: set[str] = set()
    out = []
    for opt in options:
        if opt.get("name") in names:
            out.append(f"{path}: option name {opt.get('name')!r} is duplicated")
        names.add(opt.get("name", ""))
        if opt.get("type") in (SUBCOMMAND, GROUP):
            continue
        if not opt.get("required"):
            seen_optional = True
        elif seen_optional:
            out.append(f"{path}: required options must come before optional ones")
    kinds = {o.get("type") in (SUBCOMMAND, GROUP) for o in options}
    if len(kinds) > 1:
        out.append(f"{path}: cannot mix subcommands with plain options")
    return out


def command_problems(command: dict[str, Any]) -> list[str]:
    """Problems Discord would report for one application command (CHAT_INPUT) payload."""
    path = f"/{command.get('name')}"
    if command.get("type", 1) != 1:
        return [f"{path}: only CHAT_INPUT commands are expected"]
    out = _name_problems(path, command) + _description_problems(path, command)
    options = command.get("options") or []
    if len(options) > 25:
        out.append(f"{path}.options: at most 25 (got {len(options)})")
    out.extend(_options_order(path, options))
    for i, opt in enumerate(options):
        out.extend(_option_problems(f"{path}.options[{i}]", opt, 1))
    size = _size(command)
    if size > 8000:
        out.append(f"{path}: {size} characters of names, descriptions and values (max 8000)")
    return out


def commands_problems(commands: list[dict[str, Any]]) -> list[str]:
    """Problems with a whole bulk-overwrite payload (per-command checks plus the per-app limits)."""
    out = []
    if len(commands) > 100:
        out.append(f"at most 100 chat input commands (got {len(commands)})")
    names = [c.get("name") for c in commands]
    if len(set(names)) != len(names):
        out.append("command names must be unique")
    for command in commands:
        out.extend(command_problems(command))
    return out


def _embed_problems(path: str, embed: dict[str, Any]) -> tuple[list[str], int]:
    out: list[str] = []
    limits = {"title": 256, "description": 4096}
    size = 0
    for key, limit in limits.items():
        value = (embed.get(key) or "").strip()
        size += len(value)
        if len(value) > limit:
            out.append(f"{path}.{key}: at most {limit} characters (got {len(value)})")
    fields = embed.get("fields") or []
    if len(fields) > 25:
        out.append(f"{path}.fields: at most 25")
    for i, field in enumerate(fields):
        name, value = (field.get("name") or "").strip(), (field.get("value") or "").strip()
        if not 1 <= len(name) <= 256:
            out.append(f"{path}.fields[{i}].name: must be 1-256 characters")
        if not 1 <= len(value) <= 1024:
            out.append(f"{path}.fields[{i}].value: must be 1-1024 characters")
        size += len(name) + len(value)
    footer = ((embed.get("footer") or {}).get("text") or "").strip()
    if len(footer) > 2048:
        out.append(f"{path}.footer.text: at most 2048 characters")
    author = ((embed.get("author") or {}).get("name") or "").strip()
    if len(author) > 256:
        out.append(f"{path}.author.name: at most 256 characters")
    return out, size + len(footer) + len(author)


def component_problems(components: list[dict[str, Any]]) -> list[str]:
    out = []
    if len(components) > 5:
        out.append(f"components: at most 5 action rows (got {len(components)})")
    ids: list[str] = []
    for r, row in enumerate(components):
        if row.get("type") != 1:
            out.append(f"components[{r}]: top-level components must be action rows")
            continue
        children = row.get("components") or []
        if not 1 <= len(children) <= 5:
            out.append(f"components[{r}]: an action row holds 1-5 buttons")
        for c, child in enumerate(children):
            where = f"components[{r}].components[{c}]"
            if child.get("type") != 2:
                continue
            if len(child.get("label") or "") > 80:
                out.append(f"{where}.label: at most 80 characters")
            if child.get("style") == 5:
                if not child.get("url") or len(child["url"]) > 512:
                    out.append(f"{where}.url: link buttons need a url of at most 512 characters")
                continue
            custom_id = child.get("custom_id") or ""
            if not 1 <= len(custom_id) <= 100:
                out.append(f"{where}.custom_id: must be 1-100 characters")
            ids.append(custom_id)
    if len(set(ids)) != len(ids):
        out.append("components: custom_id values must be unique within a message")
    return out


def message_problems(payload: dict[str, Any], has_files: bool = False) -> list[str]:
    """Problems Discord would report for a create-message (or interaction message) payload."""
    out = []
    content = payload.get("content") or ""
    if len(content) > 2000:
        out.append(f"content: at most 2000 characters (got {len(content)})")
    embeds = payload.get("embeds") or []
    if len(embeds) > 10:
        out.append(f"embeds: at most 10 (got {len(embeds)})")
    total = 0
    for i, embed in enumerate(embeds):
        problems, size = _embed_problems(f"embeds[{i}]", embed)
        out.extend(problems)
        total += size
    if total > EMBED_TOTAL:
        out.append(f"embeds: {total} characters in total (max {EMBED_TOTAL})")
    components = payload.get("components") or []
    out.extend(component_problems(components))
    mentions = payload.get("allowed_mentions")
    if mentions:
        parse = mentions.get("parse") or []
        for kind in ("users", "roles"):
            if kind in parse and mentions.get(kind):
                out.append(f"allowed_mentions: parse:[{kind}] and {kind} are mutually exclusive")
    for i, attachment in enumerate(payload.get("attachments") or []):
        if len(attachment.get("description") or "") > 1024:
            out.append(f"attachments[{i}].description: at most 1024 characters")
    if not (content.strip() or embeds or components or has_files or payload.get("attachments")):
        out.append("Cannot send an empty message")
    return out


def modal_problems(data: dict[str, Any]) -> list[str]:
    out = []
    if not 1 <= len(data.get("title") or "") <= 45:
        out.append("modal.title: must be 1-45 characters")
    if not 1 <= len(data.get("custom_id") or "") <= 100:
        out.append("modal.custom_id: must be 1-100 characters")
    rows = data.get("components") or []
    if not 1 <= len(rows) <= 5:
        out.append(f"modal.components: 1-5 components (got {len(rows)})")
    for r, row in enumerate(rows):
        if row.get("type") == 10:  # Text Display
            if not 1 <= len(row.get("content") or "") <= 4000:
                out.append(f"modal.components[{r}].content: must be 1-4000 characters")
            continue
        inputs = row.get("components") or ([row.get("component")] if row.get("component") else [])
        label = row.get("label")
        if row.get("type") not in (1, 18) or len(inputs) != 1:
            out.append(f"modal.components[{r}]: each row holds exactly one text input")
            continue
        text = inputs[0]
        label = label if row.get("type") == 18 else text.get("label")
        if not 1 <= len(label or "") <= 45:
            out.append(f"modal.components[{r}].label: must be 1-45 characters")
        if len(row.get("description") or "") > 100:
            out.append(f"modal.components[{r}].description: at most 100 characters")
        if not 1 <= len(text.get("custom_id") or "") <= 100:
            out.append(f"modal.components[{r}].custom_id: must be 1-100 characters")
        if len(text.get("placeholder") or "") > 100:
            out.append(f"modal.components[{r}].placeholder: at most 100 characters")
        if len(text.get("value") or "") > 4000 or (text.get("max_length") or 0) > 4000:
            out.append(f"modal.components[{r}]: values are at most 4000 characters")
    return out


def autocomplete_problems(data: dict[str, Any]) -> list[str]:
    choices = data.get("choices") or []
    out = [f"choices: at most 25 (got {len(choices)})"] if len(choices) > 25 else []
    for i, choice in enumerate(choices):
        if not 1 <= len(choice.get("name") or "") <= 100:
            out.append(f"choices[{i}].name: must be 1-100 characters")
        if isinstance(choice.get("value"), str) and len(choice["value"]) > 100:
            out.append(f"choices[{i}].value: at most 100 characters")
    return out
