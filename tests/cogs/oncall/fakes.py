"""Payload builders for the on-call tests."""

from __future__ import annotations

from typing import Any


def issue_payload(
    number: int,
    title: str,
    created: str,
    *,
    author: str = "newcomer",
    labels: tuple[str, ...] = (),
    body: str | None = None,
    state: str = "open",
    association: str = "NONE",
    pr: bool = False,
    closed: str | None = None,
) -> dict[str, Any]:
    """A REST issues-list item in GitHub's shape."""
    payload: dict[str, Any] = {
        "id": 10_000 + number,
        "number": number,
        "title": title,
        "state": state,
        "user": {"login": author, "type": "Bot" if author.endswith("[bot]") else "User"},
        "author_association": association,
        "labels": [{"name": n} for n in labels],
        "assignees": [],
        "comments": 0,
        "html_url": f"https://github.com/acme/widgets/issues/{number}",
        "body": body,
        "created_at": created,
        "updated_at": closed or created,
        "closed_at": closed,
    }
    if pr:
        payload["pull_request"] = {"merged_at": None}
    return payload
