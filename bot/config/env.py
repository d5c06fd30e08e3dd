"""``${VAR}`` substitution inside string scalars (secrets come from the environment, never the file)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["EnvResult", "substitute"]

# "$${" escapes a literal "${"; otherwise "${NAME}" or "${NAME:-default}".
_TOKEN = re.compile(r"\$\$\{|\$\{([^}]*)\}|\$\{")
_REFERENCE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$", re.DOTALL)


@dataclass
class EnvResult:
    """The substituted text plus one message per variable that could not be resolved."""

    text: str
    errors: list[str] = field(default_factory=list)
    used: list[str] = field(default_factory=list)
    # Variables that are unset and have no default (each also has a message in ``errors``).
    missing: list[str] = field(default_factory=list)


def substitute(text: str, env: Mapping[str, str]) -> EnvResult:
    """Replace ``${VAR}`` / ``${VAR:-default}`` in ``text``; ``$${`` yields a literal ``${``."""
    if "${" not in text:
        return EnvResult(text)
    result = EnvResult("")
    out: list[str] = []
    pos = 0
    for match in _TOKEN.finditer(text):
        out.append(text[pos : match.start()])
        pos = match.end()
        token = match.group(0)
        if token == "$${":
            out.append("${")
            continue
        inner = match.group(1)
        ref = _REFERENCE.match(inner) if inner is not None else None
        if ref is None:
            result.errors.append(
                f"malformed environment reference {token!r}: use ${{NAME}} or ${{NAME:-default}}"
                " (write $${ for a literal ${)"
            )
            out.append(token)
            continue
        name, default = ref.group(1), ref.group(2)
        result.used.append(name)
        value = env.get(name)
        # Like the shell's ":-", an empty variable also falls back to the default.
        if (value is None or value == "") and default is not None:
            out.append(default)
        elif value is None:
            result.missing.append(name)
            result.errors.append(f"environment variable {name!r} is not set (referenced as ${{{name}}})")
            out.append(token)
        elif value == "":
            # An env file's "NAME=" line sets it empty. A secret is never the empty string, and an
            # empty token or URL read as "not set" would switch a feature off without a word.
            result.errors.append(
                f"environment variable {name!r} is empty (referenced as ${{{name}}}); set it, or write"
                f" ${{{name}:-}} where empty means not set"
            )
            out.append(token)
        else:
            out.append(value)
    out.append(text[pos:])
    result.text = "".join(out)
    return result
