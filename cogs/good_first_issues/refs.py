"""Parse what people type to name an issue: ``#123``, ``123``, ``owner/repo#123`` or the GitHub URL."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cogs.good_first_issues.errors import GfiError

_SHORT = re.compile(r"^(?:(?P<repo>[A-Za-z0-9][\w.-]*/[\w.-]+))?#?(?P<num>\d{1,9})$")
_URL = re.compile(
    r"^(?:https?://)?(?:www\.)?github\.com/(?P<repo>[\w.-]+/[\w.-]+)/(?P<kind>issues|pull)/(?P<num>\d{1,9})"
    r"(?:[/?#].*)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class IssueRef:
    """A parsed reference; ``repo`` is None for a bare ``#123`` (resolved against the configured repos)."""

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
