"""A read port: the label -> area map a feature defines ("docs" -> documentation), so other features
can suggest issues by area without reading that feature's settings.

The good-first-issue board implements it from ``good_first_issues.areas``; onboarding asks it for a
step's areas. Without a provider an area can only match a label of the same name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol, runtime_checkable


@runtime_checkable
class IssueAreas(Protocol):
    """Implemented by a cog that groups issue labels into areas."""

    def issue_areas(self) -> Mapping[str, str]:
        """Issue label -> area name, as configured now."""
        ...


def issue_areas(providers: Iterable[object]) -> dict[str, str] | None:
    """Every provider's label -> area map merged; None when no loaded feature provides one."""
    found: dict[str, str] | None = None
    for provider in providers:
        if isinstance(provider, IssueAreas):
            found = {**(found or {}), **provider.issue_areas()}
    return found
