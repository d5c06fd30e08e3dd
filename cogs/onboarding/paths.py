"""Looking up the configured paths and steps, and which good-first-issue labels fit a step."""

from __future__ import annotations

from collections.abc import Mapping

from cogs.onboarding.config import OnboardingConfig, PathConfig, StepConfig


def find_path(cfg: OnboardingConfig, path_id: str) -> PathConfig | None:
    """The path with this id (case-insensitive), or None."""
    wanted = path_id.strip().lower()
    return next((p for p in cfg.paths if p.id.lower() == wanted), None)


def path_named(cfg: OnboardingConfig, text: str) -> PathConfig | None:
    """The path a person means by ``text``: its id, else its title in any language (case-insensitive).

    ``/onboard paths`` shows both, so either typed back (``kernels`` or ``"GPU kernels"``) must work.
    """
    by_id = find_path(cfg, text)
    if by_id is not None:
        return by_id
    wanted = " ".join(text.split()).casefold()
    titled = [p for p in cfg.paths if wanted in {" ".join(t.split()).casefold() for t in _titles(p)}]
    return titled[0] if len(titled) == 1 else None


def _titles(path: PathConfig) -> list[str]:
    return [path.title.en] + ([path.title.zh_CN] if path.title.zh_CN else [])


def step_at(path: PathConfig, index: int) -> StepConfig | None:
    """The step at ``index`` (None past the end: the path is finished)."""
    return path.steps[index] if 0 <= index < len(path.steps) else None


def step_labels(step: StepConfig, areas: Mapping[str, str] | None) -> list[str]:
    """The issue labels that fit a step: its own labels plus those mapped to its areas (``areas``:
    label -> area from the features that define areas, None when none does)."""
    labels = list(step.labels)
    if areas is not None and step.areas:
        wanted = {a.casefold() for a in step.areas}
        labels += [label for label, area in areas.items() if area.casefold() in wanted]
    if areas is None:
        # Without a feature that defines areas an area can only be the label's own name.
        labels += step.areas
    return list(dict.fromkeys(labels))
