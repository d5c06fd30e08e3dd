"""Read ports for suggesting issues: the label -> area map a feature defines ("docs" ->
documentation), and the labels that make an issue a good first issue, so other features can suggest
issues by area without reading that feature's settings.

The good-first-issue board implements both from ``good_first_issues.areas`` and ``.labels``;
onboarding asks them for a step's issues. Without a provider an area can only match a label of the
same name, and any issue carrying it fits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol, runtime_checkable


@runtime_checkable
class IssueAreas(Protocol):
    """Implemented by a cog that groups issue labels into areas."""

    def issue_areas(self) -> Mapping[str, str]:
        """Issue label -> area name, as configured now."""
        ...


@runtime_checkable
class NewcomerLabels(Protocol):
    """Implemented by a cog that lists issues for newcomers by label (the good-first-issue board)."""

    def newcomer_labels(self) -> Sequence[str]:
        """The labels that make an issue one for newcomers, as configured now."""
        ...


def issue_areas(providers: Iterable[object]) -> dict[str, str] | None:
    """Every provider's label -> area map merged; None when no loaded feature provides one."""
    found: dict[str, str] | None = None
    for provider in providers:
        if isinstance(provider, IssueAreas):
            found = {**(found or {}), **provider.issue_areas()}
    return found


def newcomer_labels(providers: Iterable[object]) -> list[str] | None:
    """Every provider's newcomer labels; None when no loaded feature lists issues for newcomers."""
    found: list[str] | None = None
    for provider in providers:
        if isinstance(provider, NewcomerLabels):
            found = [*(found or []), *provider.newcomer_labels()]
    return found
