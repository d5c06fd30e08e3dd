"""Looking up the configured paths and steps, and which good-first-issue labels fit a step."""

from __future__ import annotations

from bot.config.sections.community import GoodFirstIssuesConfig
from bot.config.sections.onboarding import OnboardingConfig, PathConfig, StepConfig


def find_path(cfg: OnboardingConfig, path_id: str) -> PathConfig | None:
    """The path with this id (case-insensitive), or None."""
    wanted = path_id.strip().lower()
    return next((p for p in cfg.paths if p.id.lower() == wanted), None)


def step_at(path: PathConfig, index: int) -> StepConfig | None:
    """The step at ``index`` (None past the end: the path is finished)."""
    return path.steps[index] if 0 <= index < len(path.steps) else None


def step_labels(step: StepConfig, gfi: GoodFirstIssuesConfig | None) -> list[str]:
    """The issue labels that fit a step: its own labels plus those mapped to its areas."""
    labels = list(step.labels)
    if gfi is not None and step.areas:
        wanted = {a.casefold() for a in step.areas}
        labels += [label for label, area in gfi.areas.items() if area.casefold() in wanted]
    if gfi is None:
        # Without a good_first_issues section an area can only be the label's own name.
        labels += step.areas
    return list(dict.fromkeys(labels))
