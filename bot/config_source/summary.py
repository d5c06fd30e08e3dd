"""What a new config version changes, as catalog keys with arguments ("adds repo X to the board")."""

from __future__ import annotations

from typing import Any

from bot.config import StewardConfig
from bot.config.layered import LOCAL_ONLY
from bot.config.yamltree import format_path

Change = tuple[str, dict[str, Any]]  # (catalog key, arguments)
MAX_GENERIC = 15  # setting-by-setting lines before "and N more settings"
FEATURES = ("github", "discord", "slack", "good_first_issues", "oncall", "spotlight", "onboarding")


def _names(items: list[Any], attr: str) -> list[str]:
    return [str(getattr(item, attr)) for item in items]


def _added_removed(old: list[str], new: list[str]) -> tuple[list[str], list[str]]:
    folded_old = {o.casefold() for o in old}
    folded_new = {n.casefold() for n in new}
    return [n for n in new if n.casefold() not in folded_old], [
        o for o in old if o.casefold() not in folded_new
    ]


def _repos(old: StewardConfig, new: StewardConfig) -> list[Change]:
    before = _names(old.github.repos, "name") if old.github else []
    after = _names(new.github.repos, "name") if new.github else []
    added, removed = _added_removed(before, after)
    return [("config_source.change.repo_added", {"repo": r}) for r in added] + [
        ("config_source.change.repo_removed", {"repo": r}) for r in removed
    ]


def _rotations(old: StewardConfig, new: StewardConfig) -> list[Change]:
    before = {r.name: r for r in old.oncall.rotations} if old.oncall else {}
    after = {r.name: r for r in new.oncall.rotations} if new.oncall else {}
    changes: list[Change] = []
    for name, rotation in after.items():
        if name not in before:
            changes.append(("config_source.change.rotation_added", {"rotation": name}))
            continue
        gained, lost = _added_removed(
            [str(m) for m in before[name].members], [str(m) for m in rotation.members]
        )
        if gained:
            changes.append(
                ("config_source.change.rotation_gains", {"rotation": name, "people": ", ".join(gained)})
            )
        if lost:
            changes.append(
                ("config_source.change.rotation_loses", {"rotation": name, "people": ", ".join(lost)})
            )
    changes += [("config_source.change.rotation_removed", {"rotation": n}) for n in before if n not in after]
    return changes


def _when(schedule: Any) -> str:
    if schedule.cron:
        return f"cron {schedule.cron} ({schedule.timezone})"
    return f"every {schedule.interval}"


def _schedules(old: StewardConfig, new: StewardConfig) -> list[Change]:
    before = {s.job: _when(s) for s in old.schedules}
    after = {s.job: _when(s) for s in new.schedules}
    return [
        ("config_source.change.schedule", {"job": job, "before": before.get(job, "-"), "after": when})
        for job, when in after.items()
        if before.get(job) != when
    ]


def _maintainers(old: StewardConfig, new: StewardConfig) -> list[Change]:
    def who(config: StewardConfig) -> list[str]:
        return [m.github or m.name or m.console or "?" for m in config.maintainers]

    added, removed = _added_removed(who(old), who(new))
    return [("config_source.change.maintainer_added", {"person": p}) for p in added] + [
        ("config_source.change.maintainer_removed", {"person": p}) for p in removed
    ]


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], Any]:
    if isinstance(data, dict):
        found: dict[tuple[Any, ...], Any] = {}
        for key, value in data.items():
            found.update(_leaves(value, (*path, key)))
        return found
    return {path: data}


def _local(path: tuple[Any, ...]) -> bool:
    return any(path[: len(p)] == p for p in LOCAL_ONLY)


def _specific(path: tuple[Any, ...]) -> bool:
    """Paths the specific describers above already cover."""
    return path[:1] in (("schedules",), ("maintainers",)) or path[:2] in (
        ("github", "repos"),
        ("oncall", "rotations"),
    )


def _other_settings(old: StewardConfig, new: StewardConfig) -> list[Change]:
    before = _leaves(old.model_dump(mode="json", by_alias=True))
    after = _leaves(new.model_dump(mode="json", by_alias=True))
    changed = sorted(
        format_path(p)
        for p in set(before) | set(after)
        if before.get(p) != after.get(p)
        and not _local(p)
        and not _specific(p)
        and p[:1][0] not in _toggled(old, new)
    )
    changes: list[Change] = [("config_source.change.setting", {"path": p}) for p in changed[:MAX_GENERIC]]
    if len(changed) > MAX_GENERIC:
        changes.append(("config_source.change.more", {"count": len(changed) - MAX_GENERIC}))
    return changes


def _toggled(old: StewardConfig, new: StewardConfig) -> set[str]:
    return {f for f in FEATURES if (getattr(old, f) is None) != (getattr(new, f) is None)}


def describe_change(old: StewardConfig | None, new: StewardConfig) -> list[Change]:
    """Every change from ``old`` (None: nothing ran before) to ``new``; secrets and local settings never."""
    if old is None:
        return [("config_source.change.first", {})]
    changes: list[Change] = []
    for feature in sorted(_toggled(old, new)):
        key = "enabled" if getattr(new, feature) is not None else "disabled"
        changes.append((f"config_source.change.{key}", {"section": feature}))
    changes += _repos(old, new) + _rotations(old, new) + _schedules(old, new) + _maintainers(old, new)
    changes += _other_settings(old, new)
    return changes or [("config_source.change.none", {})]
