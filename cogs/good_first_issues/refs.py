"""Issue references both ways: what people type (``#123``, ``123``, ``repo#123``, ``owner/repo#123``
or the GitHub URL) and what the bot prints, so every reference the bot shows can be typed back."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from cogs.good_first_issues.errors import GfiError

_REPO = r"[\w.-]+(?:/[\w.-]+)?"  # "owner/name", or "name" alone (a configured repo's short name)
_SHORT = re.compile(rf"^(?:(?P<repo>{_REPO})#|#)?(?P<num>\d{{1,9}})$")
_URL = re.compile(
    r"^(?:https?://)?(?:www\.)?github\.com/(?P<repo>[\w.-]+/[\w.-]+)/(?P<kind>issues|pull)/(?P<num>\d{1,9})"
    r"(?:[/?#].*)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class IssueRef:
    """A parsed reference; ``repo`` is ``owner/name``, a short ``name``, or None for a bare ``#123``
    (both resolved against the configured repos)."""

    repo: str | None
    number: int
    is_pull_url: bool = False

    def __str__(self) -> str:
        return f"{self.repo}#{self.number}" if self.repo else f"#{self.number}"


def parse_issue_ref(text: str) -> IssueRef:
    """The reference in ``text``; a GfiError naming the accepted forms when it is none of them."""
    value = text.strip().strip("<>")
    if m := _URL.match(value):
        return IssueRef(m.group("repo"), int(m.group("num")), m.group("kind").lower() == "pull")
    if m := _SHORT.match(value):
        return IssueRef(m.group("repo"), int(m.group("num")))
    raise GfiError("gfi.error.bad_ref", outside={"ref": text})


def repo_name(full_name: str) -> str:
    """``owner/name`` -> ``name``."""
    return full_name.rsplit("/", 1)[-1]


def repos_named(name: str, configured: Iterable[str]) -> list[str]:
    """The configured repos (full names) that ``name`` means: its full name, or its short name."""
    low = name.casefold()
    repos = list(configured)
    exact = [r for r in repos if r.casefold() == low]
    if exact or "/" in name:
        return exact
    return [r for r in repos if repo_name(r).casefold() == low]


def short_ref(ref: str, configured: Iterable[str]) -> str:
    """``owner/repo#12`` -> ``repo#12`` when no other configured repo is called ``repo`` (so the
    short form still names one issue when typed back), else the full reference."""
    repo, sep, number = ref.rpartition("#")
    if not sep or "/" not in repo:
        return ref
    named = repos_named(repo_name(repo), configured)
    return f"{repo_name(repo)}#{number}" if len(named) == 1 else ref
