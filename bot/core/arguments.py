"""Parse a command line against the command specs (Slack slash-command text, console lines).

Positional and ``key:value`` arguments, quoted strings, ``<@U123|name>`` users and
``<#C123|name>`` channels. Discord gets typed values from the platform and only runs
:func:`convert_value` so both paths validate the same way.
"""

from __future__ import annotations

import io
import re
import shlex
from dataclasses import dataclass
from typing import Any

from bot.core.commands import Command, CommandRegistry, CommandStyle, Option, OptionType
from bot.core.errors import UsageError
from bot.core.moments import Count
from bot.core.refs import ChannelRef, UserRef

_USER_RE = re.compile(r"^<@([A-Z0-9a-z]+)(?:\|([^>]*))?>$")
_DISCORD_USER_RE = re.compile(r"^<@!?(\d+)>$")
_CHANNEL_RE = re.compile(r"^<#([A-Z0-9a-z]+)(?:\|([^>]*))?>$")
_TRUE = {"true", "yes", "on", "1", "y"}
# The largest integer option value Discord accepts (2^53 - 1); the bound of options that set none.
INTEGER_LIMIT = 2**53 - 1
# The longest word option (an issue reference or URL, a zone, a login, a name) that sets no limit of
# its own: longer is never a real one, and a refusal would quote all of it back.
TOKEN_LIMIT = 300
# How much of a value it does not take a refusal quotes.
NAME_QUOTED = 60
_FALSE = {"false", "no", "off", "0", "n"}


@dataclass(frozen=True)
class ParsedCommand:
    """A command found in the registry with its converted arguments."""

    command: Command
    args: dict[str, Any]


_SHELL_QUOTING = re.compile(r"[\"'\\]")
_SHELL_WORD = re.compile(r"[^ \t\r\n]+")  # between shlex's blanks (not every Unicode space)


def tokenize(text: str) -> list[str]:
    """Split like a shell, keeping quoted strings whole; UnclosedQuote when a quote is not closed."""
    spans, broken_at = token_spans(text)
    if broken_at is not None:
        raise UnclosedQuote(text)
    return [token for token, _ in spans]


def token_spans(text: str) -> tuple[list[tuple[str, int]], int | None]:
    """The shell's split of ``text``, each token with the offset it starts at, and the offset of a
    token whose quote is never closed (None when every quote is): the tokens before it still count.
    The offsets let a rest-of-line argument take the text exactly as it was typed."""
    if not _SHELL_QUOTING.search(text):
        # No quote or escape: the shell's split is a split at its blanks (most lines; shlex reads a
        # character at a time).
        return [(m.group(), m.start()) for m in _SHELL_WORD.finditer(text)], None
    stream = io.StringIO(text)
    lexer = shlex.shlex(stream, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    spans: list[tuple[str, int]] = []
    end = 0
    while True:
        start = _word_start(text, end)
        try:
            token = lexer.get_token()
        except ValueError:  # an unbalanced quote (or a lone backslash at the end)
            return spans, start
        if token is None:  # posix shlex's end of input (an empty quoted token is "")
            return spans, None
        spans.append((token, start))
        end = stream.tell()  # shlex reads one character at a time: just past the token's end


def _word_start(text: str, offset: int) -> int:
    """Where the next token starts: the first character at or after ``offset`` that is no blank."""
    found = _SHELL_WORD.search(text, offset)
    return found.start() if found else len(text)


class UnclosedQuote(ValueError):
    """A line whose quote is never closed (the command it names still has a usage line to show)."""


def resolve(
    registry: CommandRegistry, tokens: list[str], prefix: str | CommandStyle = "/"
) -> tuple[Command, list[str]]:
    """Walk the command tree with the leading tokens; the rest are arguments."""
    style = CommandStyle.of(prefix)
    help_usage = style.top("steward") + " help"
    path: tuple[str, ...] = ()
    rest = list(tokens)
    while True:
        found = registry.find(path) if path else None
        if found is not None:
            return found, rest
        children = registry.children(path)
        if not children:
            raise UsageError("core.usage.unknown_command", usage=help_usage, name=" ".join(path))
        group = " ".join([style.top(path[0]), *path[1:]]) if path else ""
        if path and not rest:  # a group alone: what it offers, not an error about its own name
            raise UsageError(
                "core.usage.group_commands",
                usage=f"{group} <{'|'.join(children)}>",
                group=group,
                choices=", ".join(children),
            )
        if not rest or rest[0].lower() not in children:
            if not path and rest and rest[0].lower() in registry.switched_off:
                section = registry.switched_off[rest[0].lower()]
                raise UsageError("core.usage.not_enabled", usage=help_usage, name=rest[0], section=section)
            if not path and not rest:  # a slash alone: no name to quote back
                raise UsageError("core.usage.no_command", usage=help_usage, help=help_usage)
            if not path:
                raise UsageError("core.usage.unknown_command", usage=help_usage, name=_quoted(rest[0]))
            raise UsageError(
                "core.usage.choose_subcommand",
                usage=f"{' '.join([style.top(path[0]), *path[1:]])} <{'|'.join(children)}>",
                name=(rest[0] if rest else " ".join(path)),
                choices=", ".join(children),
            )
        path = (*path, rest.pop(0).lower())


def parse_line(
    registry: CommandRegistry, text: str, platform: str, prefix: str | CommandStyle = "/"
) -> ParsedCommand:
    """Parse a whole line such as ``gfi claim #123`` (without the leading slash)."""
    spans, broken_at = token_spans(text)
    command, rest = resolve(registry, [token for token, _ in spans], prefix)
    line = TypedLine(text, [start for _, start in spans[len(spans) - len(rest) :]], broken_at)
    return ParsedCommand(command, bind_arguments(command, rest, platform, prefix, line=line))


@dataclass(frozen=True)
class TypedLine:
    """The line as typed, where each argument token starts in it, and where an unclosed quote starts
    (see :func:`token_spans`): a rest-of-line argument is taken from it verbatim."""

    text: str
    starts: list[int]
    broken_at: int | None = None

    def rest(self, start: int) -> str:
        """The text from ``start`` on as typed, blanks around it aside; a whole of it in quotes (with
        no such quote inside) loses them, as quotes only group words."""
        rest = self.text[start:].strip(" \t\r\n")
        quote = rest[:1]
        if quote in ("'", '"') and len(rest) > 1 and rest.endswith(quote) and quote not in rest[1:-1]:
            return rest[1:-1]
        return rest


def bind_arguments(
    command: Command,
    tokens: list[str],
    platform: str,
    prefix: str | CommandStyle = "/",
    line: TypedLine | None = None,
) -> dict[str, Any]:
    """Assign tokens to options (named ``key:value`` first, then positional) and convert them. With
    the ``line`` they came from, a greedy option takes the rest of it exactly as typed."""
    usage = command.usage(prefix)
    by_name = {o.name: o for o in command.options}
    raw_values: dict[str, str] = {}
    positional: list[str] = []
    greedy_taken = False
    for i, token in enumerate(tokens):
        key, sep, value = token.partition(":")
        if sep and key.lower() in by_name and not token.startswith("<"):
            if key.lower() in raw_values:
                raise UsageError("core.usage.duplicate_option", usage=usage, option=key)
            if not value.strip() and not by_name[key.lower()].required:
                continue  # `repo:` with nothing after it: the optional option is simply not given
            raw_values[key.lower()] = value
            continue
        greedy = _next_positional(command, raw_values, positional)
        if greedy is not None and greedy.greedy:
            positional.append(line.rest(line.starts[i]) if line is not None else " ".join(tokens[i:]))
            greedy_taken = True
            break
        positional.append(token)
    if line is not None and line.broken_at is not None and not greedy_taken:
        # A quote left open is only text where the rest of the line is (a note saying "it's").
        greedy = _next_positional(command, raw_values, positional)
        if greedy is None or not greedy.greedy:
            raise UsageError("core.usage.unbalanced_quotes", usage=usage)
        positional.append(line.rest(line.broken_at))
    free = [o for o in command.options if o.name not in raw_values]
    if len(positional) > len(free):
        extra = positional[len(free) :]
        raise UsageError("core.usage.too_many", usage=usage, extra=" ".join(extra), count=len(extra))
    for opt, value in zip(free, positional, strict=False):
        raw_values[opt.name] = value
    args: dict[str, Any] = {}
    for opt in command.options:
        if opt.name in raw_values:
            args[opt.name] = convert_value(opt, raw_values[opt.name], platform, usage)
        elif opt.required:
            raise UsageError("core.usage.missing", usage=usage, option=opt.name)
        else:
            args[opt.name] = None
    return args


def _quoted(typed: str) -> str:
    """What a refusal quotes of a value it does not take: the start of a long one is enough to see
    which it was, and the whole of it could fill several messages."""
    return typed if len(typed) <= NAME_QUOTED else typed[:NAME_QUOTED] + "…"


def _next_positional(command: Command, named: dict[str, str], positional: list[str]) -> Option | None:
    free = [o for o in command.options if o.name not in named]
    return free[len(positional)] if len(positional) < len(free) else None


def convert_value(opt: Option, value: Any, platform: str, usage: str) -> Any:
    """Convert and validate one option value; raises UsageError with the usage line."""
    if opt.type is OptionType.INTEGER:
        try:
            number = int(str(value).strip().lstrip("#"))
        except ValueError:
            raise UsageError(
                "core.usage.not_integer", usage=usage, option=opt.name, value=_quoted(str(value))
            ) from None
        # Without bounds of its own, an option takes what Discord's integer options take: a 20-digit
        # number would otherwise reach the database (SQLite's integers are 64-bit) or timedelta.
        low = opt.min_value if opt.min_value is not None else -INTEGER_LIMIT
        high = opt.max_value if opt.max_value is not None else INTEGER_LIMIT
        if number < low:
            raise UsageError("core.usage.too_small", usage=usage, option=opt.name, min=Count(low))
        if number > high:
            raise UsageError("core.usage.too_large", usage=usage, option=opt.name, max=Count(high))
        result: Any = number
    elif opt.type is OptionType.BOOLEAN:
        if isinstance(value, bool):
            result = value
        elif str(value).lower() in _TRUE:
            result = True
        elif str(value).lower() in _FALSE:
            result = False
        else:
            raise UsageError(
                "core.usage.not_boolean", usage=usage, option=opt.name, value=_quoted(str(value))
            )
    elif opt.type is OptionType.USER:
        result = value if isinstance(value, UserRef) else parse_user(str(value), platform)
    elif opt.type is OptionType.CHANNEL:
        result = value if isinstance(value, ChannelRef) else parse_channel(str(value), platform)
    else:
        result = str(value)
        if not result.strip():
            raise UsageError("core.usage.missing", usage=usage, option=opt.name)
        limit = opt.max_length if opt.max_length is not None or opt.greedy else TOKEN_LIMIT
        if limit is not None and len(result) > limit:
            raise UsageError("core.usage.too_long", usage=usage, option=opt.name, max=Count(limit))
    if opt.choices:
        allowed = {str(c.value).lower(): c.value for c in opt.choices}
        key = str(result).lower()
        if key not in allowed:
            raise UsageError(
                "core.usage.bad_choice",
                usage=usage,
                option=opt.name,
                value=result,
                choices=", ".join(str(c.value) for c in opt.choices),  # spelled as documented: zh-CN
            )
        result = allowed[key]
    return result


def parse_user(text: str, platform: str) -> UserRef:
    """``<@U123|name>``, ``<@123>``, ``@name`` or a bare name/id."""
    if m := _USER_RE.match(text):
        return UserRef(platform, m.group(1), m.group(2) or None)
    if m := _DISCORD_USER_RE.match(text):
        return UserRef(platform, m.group(1))
    name = text.lstrip("@")
    return UserRef(platform, None, name)


def parse_channel(text: str, platform: str) -> ChannelRef:
    """``<#C123|name>``, ``#name`` or a bare id/name."""
    if m := _CHANNEL_RE.match(text):
        return ChannelRef(platform, m.group(1), m.group(2) or None)
    return ChannelRef(platform, None, text.lstrip("#"))
