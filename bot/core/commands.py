"""Command specs: declared once by a cog, turned into slash commands / line parsers by adapters."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.core.invocation import Invocation

# Discord's rule for command and option names (the strictest platform), lower-case only.
NAME_RE = re.compile(r"^[-_\w]{1,32}$")
MAX_DEPTH = 3  # group, subcommand group, subcommand: the only nesting Discord supports


class OptionType(StrEnum):
    """What kind of value an option takes."""

    STRING = "string"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    USER = "user"
    CHANNEL = "channel"


class Access(StrEnum):
    """Who may run a command."""

    EVERYONE = "everyone"
    MAINTAINERS = "maintainers"


@dataclass(frozen=True)
class Choice:
    """One allowed value of an option; ``label`` is a catalog key or literal text.

    ``short_label`` is what an adapter shows instead when its platform cannot show ``label`` whole
    (a suggestion list with a length limit); labels are never cut.
    """

    value: str | int
    label: str | None = None
    short_label: str | None = None


@dataclass(frozen=True)
class Option:
    """A typed command option. ``description`` is a catalog key."""

    name: str
    description: str
    type: OptionType = OptionType.STRING
    required: bool = True
    choices: tuple[Choice, ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    max_length: int | None = None
    greedy: bool = False  # a trailing string that takes the rest of the line (e.g. a note)
    autocomplete: str | None = None  # name of a cog autocomplete provider

    def usage(self) -> str:
        return f"<{self.name}>" if self.required else f"[{self.name}]"


@dataclass(frozen=True)
class CommandStyle:
    """How people type commands on one platform: a prefix, and top-level groups renamed there."""

    prefix: str = "/"
    renamed: Mapping[str, str] = field(default_factory=dict)  # group -> what is typed, e.g. "/triage"

    @classmethod
    def of(cls, style: str | CommandStyle) -> CommandStyle:
        return style if isinstance(style, CommandStyle) else cls(prefix=style)

    def top(self, group: str) -> str:
        """What a person types for the top-level ``group`` (``/oncall`` or ``/triage``)."""
        return self.renamed.get(group) or self.prefix + group


Handler = Callable[..., Awaitable[None]]
AutocompleteProvider = Callable[["Invocation", str], Awaitable[list[Choice]]]


@dataclass
class Command:
    """A command at ``path`` (e.g. ``("gfi", "claim")``) bound to a handler."""

    path: tuple[str, ...]
    description: str
    handler: Handler
    options: tuple[Option, ...] = ()
    access: Access = Access.EVERYONE
    ephemeral: bool = True
    cog: str = ""

    @property
    def name(self) -> str:
        return " ".join(self.path)

    def usage(self, style: str | CommandStyle = "/") -> str:
        """The usage line as typed on a platform, e.g. ``/gfi claim <issue>``."""
        first = CommandStyle.of(style).top(self.path[0])
        return " ".join([first, *self.path[1:], *(o.usage() for o in self.options)])


@dataclass
class ActionRoute:
    """A button/form action name routed to a cog handler; names survive restarts."""

    name: str
    handler: Handler
    cog: str = ""
    access: Access = Access.EVERYONE


class CommandSpecError(ValueError):
    """A command declaration breaks a platform rule (caught at start-up, not at sync time)."""


@dataclass
class CommandRegistry:
    """Every command, action and autocomplete provider the loaded cogs declare."""

    commands: dict[tuple[str, ...], Command] = field(default_factory=dict)
    actions: dict[str, ActionRoute] = field(default_factory=dict)
    autocompleters: dict[str, AutocompleteProvider] = field(default_factory=dict)
    # Top-level command groups of features this community's config leaves off -> their config section.
    switched_off: dict[str, str] = field(default_factory=dict)
    _children: dict[tuple[str, ...], list[str]] = field(default_factory=dict, repr=False, compare=False)

    def add(self, command: Command) -> None:
        path = command.path
        if not 1 <= len(path) <= MAX_DEPTH:
            raise CommandSpecError(f"{command.name}: commands nest at most {MAX_DEPTH} levels")
        for part in path:
            if not NAME_RE.match(part) or part.lower() != part:
                raise CommandSpecError(f"{command.name}: {part!r} is not a valid lower-case command name")
        if path in self.commands:
            raise CommandSpecError(f"{command.name}: declared twice")
        for other in self.commands:
            shorter, longer = sorted((other, path), key=len)
            if longer[: len(shorter)] == shorter:
                raise CommandSpecError(
                    f"{command.name}: conflicts with {' '.join(other)} (a command cannot also be a group)"
                )
        seen: set[str] = set()
        for i, opt in enumerate(command.options):
            if not NAME_RE.match(opt.name) or opt.name.lower() != opt.name:
                raise CommandSpecError(f"{command.name}: option {opt.name!r} is not a valid name")
            if opt.name in seen:
                raise CommandSpecError(f"{command.name}: option {opt.name!r} declared twice")
            seen.add(opt.name)
            if opt.greedy and (i != len(command.options) - 1 or opt.type is not OptionType.STRING):
                raise CommandSpecError(f"{command.name}: only the last string option can be greedy")
        required_seen_optional = False
        for opt in command.options:
            if not opt.required:
                required_seen_optional = True
            elif required_seen_optional:
                raise CommandSpecError(f"{command.name}: required options must come before optional ones")
        if len(command.options) > 25:
            raise CommandSpecError(f"{command.name}: at most 25 options")
        self.commands[path] = command
        self._children.clear()

    def add_action(self, route: ActionRoute) -> None:
        if route.name in self.actions:
            raise CommandSpecError(f"action {route.name!r} declared twice")
        if len(route.name) > 40 or ":" in route.name:
            # custom_ids carry "action:value" in <= 100 chars, so keep the name short and colon-free.
            raise CommandSpecError(f"action {route.name!r} must be <= 40 chars without ':'")
        self.actions[route.name] = route

    def find(self, path: tuple[str, ...]) -> Command | None:
        return self.commands.get(path)

    def children(self, prefix: tuple[str, ...]) -> list[str]:
        """Names one level below ``prefix`` (subcommands or groups), sorted."""
        # Asked for every typed command line; the commands are all added before the bot starts.
        known = self._children.get(prefix)
        if known is None:
            n = len(prefix)
            known = self._children[prefix] = sorted(
                {p[n] for p in self.commands if len(p) > n and p[:n] == prefix}
            )
        return list(known)

    def top_level(self) -> list[str]:
        return self.children(())

    def under(self, top: str) -> Iterator[Command]:
        """Commands whose first path element is ``top``, in declaration order."""
        return (c for c in self.commands.values() if c.path[0] == top)

    def __iter__(self) -> Iterator[Command]:
        return iter(self.commands.values())


@dataclass(frozen=True)
class CommandDecl:
    """What the @command decorator attaches to a cog method."""

    path: tuple[str, ...]
    description: str
    options: tuple[Option, ...]
    access: Access
    ephemeral: bool


def command(
    path: str,
    description: str,
    *options: Option,
    access: Access = Access.EVERYONE,
    ephemeral: bool = True,
) -> Callable[[Handler], Handler]:
    """Declare a cog method as the handler of ``path`` ("gfi claim"); options in order."""

    def wrap(fn: Handler) -> Handler:
        fn.__steward_command__ = CommandDecl(  # type: ignore[attr-defined]
            tuple(path.split()), description, options, access, ephemeral
        )
        return fn

    return wrap


def action(name: str, access: Access = Access.EVERYONE) -> Callable[[Handler], Handler]:
    """Declare a cog method as the handler of button/form action ``name``."""

    def wrap(fn: Handler) -> Handler:
        fn.__steward_action__ = (name, access)  # type: ignore[attr-defined]
        return fn

    return wrap


def autocomplete(name: str) -> Callable[[Callable[..., Awaitable[list[Choice]]]], Callable[..., Any]]:
    """Declare a cog method ``(self, inv, partial) -> list[Choice]`` as autocomplete provider ``name``."""

    def wrap(fn: Callable[..., Awaitable[list[Choice]]]) -> Callable[..., Any]:
        fn.__steward_autocomplete__ = name  # type: ignore[attr-defined]
        return fn

    return wrap


def declared(obj: Any) -> Iterator[tuple[str, Any, Any]]:
    """Yield (kind, declaration, bound method) for everything a cog instance declares."""
    for attr in dir(type(obj)):
        fn = getattr(type(obj), attr, None)
        for kind in ("command", "action", "autocomplete"):
            decl = getattr(fn, f"__steward_{kind}__", None)
            if decl is not None:
                yield kind, decl, getattr(obj, attr)
