"""The command registry as Discord application commands, and interactions back to commands."""

from __future__ import annotations

from typing import Any

from bot.core.commands import Choice, Command, CommandRegistry, Option, OptionType
from bot.core.refs import ChannelRef, UserRef
from bot.i18n import Catalog

PLATFORM = "discord"
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
OPTION_TYPES = {
    OptionType.STRING: 3,
    OptionType.INTEGER: 4,
    OptionType.BOOLEAN: 5,
    OptionType.USER: 6,
    OptionType.CHANNEL: 7,
}
GUILD_TEXT, GUILD_ANNOUNCEMENT, PUBLIC_THREAD = 0, 5, 11
# Discord's locale code for each catalog locale other than the default (English).
DISCORD_LOCALES = {"zh-CN": "zh-CN"}
DESCRIPTION_LIMIT = 100


def _clip(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _localized(catalog: Catalog, key: str, field: str, fallback: str, **params: Any) -> dict[str, Any]:
    """``{field: english, field_localizations: {...}}`` from a catalog key (literal if not a key)."""
    if not catalog.has(key):
        return {field: _clip(fallback or key)}
    english = _clip(catalog.translate("en", key, **params))
    out: dict[str, Any] = {field: english}
    localized = {
        code: text
        for loc, code in DISCORD_LOCALES.items()
        if catalog.has(key, loc) and (text := _clip(catalog.translate(loc, key, **params))) != english
    }
    if localized:
        out[f"{field}_localizations"] = localized
    return out


def _group_description(catalog: Catalog, path: tuple[str, ...]) -> dict[str, Any]:
    key = ".".join(path) + ".description"  # same convention as commands: "gfi.description"
    if catalog.has(key):
        return _localized(catalog, key, "description", "")
    return _localized(catalog, "discord.commands.group", "description", "", name="/" + " ".join(path))


def _choice(catalog: Catalog, choice: Choice) -> dict[str, Any]:
    label = choice.label or str(choice.value)
    out = _localized(catalog, label, "name", label)
    out["value"] = choice.value
    return out


def option_payload(catalog: Catalog, opt: Option) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": OPTION_TYPES[opt.type],
        "name": opt.name,
        **_localized(catalog, opt.description, "description", opt.name),
        "required": opt.required,
    }
    if opt.choices:
        out["choices"] = [_choice(catalog, c) for c in opt.choices[:25]]
    elif opt.autocomplete and opt.type in (OptionType.STRING, OptionType.INTEGER):
        out["autocomplete"] = True
    if opt.min_value is not None:
        out["min_value"] = opt.min_value
    if opt.max_value is not None:
        out["max_value"] = opt.max_value
    if opt.max_length is not None:
        out["max_length"] = min(opt.max_length, 6000)
    if opt.type is OptionType.CHANNEL:
        out["channel_types"] = [GUILD_TEXT, GUILD_ANNOUNCEMENT, PUBLIC_THREAD]
    return out


def _leaf(catalog: Catalog, command: Command, kind: int | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": command.path[-1],
        **_localized(catalog, command.description, "description", ""),
    }
    if kind is not None:
        out["type"] = kind
    out["options"] = [option_payload(catalog, o) for o in command.options]
    return out


def command_payloads(registry: CommandRegistry, catalog: Catalog) -> list[dict[str, Any]]:
    """One CHAT_INPUT command per top-level name: groups hold subcommands (and one level of groups)."""
    payloads = []
    for top in registry.top_level():
        command = registry.find((top,))
        if command is not None:
            payload = _leaf(catalog, command, None)
        else:
            payload = {"name": top, **_group_description(catalog, (top,)), "options": []}
            for child in registry.children((top,)):
                sub = registry.find((top, child))
                if sub is not None:
                    payload["options"].append(_leaf(catalog, sub, SUB_COMMAND))
                    continue
                group = {
                    "type": SUB_COMMAND_GROUP,
                    "name": child,
                    **_group_description(catalog, (top, child)),
                }
                group["options"] = [
                    _leaf(catalog, leaf, SUB_COMMAND)
                    for name in registry.children((top, child))
                    if (leaf := registry.find((top, child, name))) is not None
                ]
                payload["options"].append(group)
        payload["type"] = 1
        payload["contexts"] = [0]  # guild only: maintainer checks need the member's roles
        payload["integration_types"] = [0]
        payloads.append(payload)
    return payloads


def invoked(
    registry: CommandRegistry, data: dict[str, Any]
) -> tuple[Command | None, dict[str, Any], str | None]:
    """The command an APPLICATION_COMMAND/AUTOCOMPLETE payload names, its raw option values, and the
    focused option's name (autocomplete)."""
    path = [data.get("name", "")]
    options: list[dict[str, Any]] = data.get("options") or []
    while options and options[0].get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP):
        path.append(options[0]["name"])
        options = options[0].get("options") or []
    command = registry.find(tuple(path))
    if command is None:
        return None, {}, None
    resolved = data.get("resolved") or {}
    by_name = {o.name: o for o in command.options}
    values: dict[str, Any] = {}
    focused = None
    for item in options:
        opt = by_name.get(item.get("name", ""))
        if opt is None:
            continue
        if item.get("focused"):
            focused = opt.name
        values[opt.name] = _typed(opt, item.get("value"), resolved)
    return command, values, focused


def _typed(opt: Option, value: Any, resolved: dict[str, Any]) -> Any:
    if opt.type is OptionType.USER and value is not None:
        uid = str(value)
        user = (resolved.get("users") or {}).get(uid) or {}
        member = (resolved.get("members") or {}).get(uid) or {}
        name = member.get("nick") or user.get("global_name") or user.get("username")
        return UserRef(PLATFORM, uid, name)
    if opt.type is OptionType.CHANNEL and value is not None:
        cid = str(value)
        channel = (resolved.get("channels") or {}).get(cid) or {}
        return ChannelRef(PLATFORM, cid, channel.get("name"))
    return value
