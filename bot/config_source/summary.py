"""What a new config version changes, as catalog keys with arguments ("adds repo X to the board")."""

from __future__ import annotations

from typing import Any

from bot.config import StewardConfig, installed_model
from bot.config.layered import local_only
from bot.config.yamltree import format_path

Change = tuple[str, dict[str, Any]]  # (catalog key, arguments)
MAX_GENERIC = 15  # setting-by-setting lines before "and N more settings"
CORE_SECTIONS = ("github", "discord", "slack")


def _names(items: list[Any], attr: str) -> list[str]:
    return [str(getattr(item, attr)) for item in items]


def added_removed(old: list[str], new: list[str]) -> tuple[list[str], list[str]]:
    folded_old = {o.casefold() for o in old}
    folded_new = {n.casefold() for n in new}
    return [n for n in new if n.casefold() not in folded_old], [
        o for o in old if o.casefold() not in folded_new
    ]


def _repos(old: StewardConfig, new: StewardConfig) -> list[Change]:
    before = _names(old.github.repos, "name") if old.github else []
    after = _names(new.github.repos, "name") if new.github else []
    added, removed = added_removed(before, after)
    return [("config_source.change.repo_added", {"repo": r}) for r in added] + [
        ("config_source.change.repo_removed", {"repo": r}) for r in removed
    ]


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

    added, removed = added_removed(who(old), who(new))
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
    return any(path[: len(p)] == p for p in local_only())


def _specific(path: tuple[Any, ...]) -> bool:
    """Paths the specific describers above already cover."""
    if path[:1] in (("schedules",), ("maintainers",)) or path[:2] == ("github", "repos"):
        return True
    model = installed_model().feature_models.get(str(path[0])) if path else None
    return model is not None and any(path[1 : 1 + len(p)] == p for p in model.described)


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
    sections = (*CORE_SECTIONS, *type(new).feature_models)
    return {f for f in sections if (getattr(old, f, None) is None) != (getattr(new, f, None) is None)}


def describe_change(old: StewardConfig | None, new: StewardConfig) -> list[Change]:
    """Every change from ``old`` (None: nothing ran before) to ``new``; secrets and local settings never."""
    if old is None:
        return [("config_source.change.first", {})]
    changes: list[Change] = []
    for feature in sorted(_toggled(old, new)):
        key = "enabled" if getattr(new, feature, None) is not None else "disabled"
        changes.append((f"config_source.change.{key}", {"section": feature}))
    changes += _repos(old, new)
    for key, model in type(new).feature_models.items():
        changes += model.describe_changes(getattr(old, key, None), getattr(new, key, None))
    changes += _schedules(old, new) + _maintainers(old, new)
    changes += _other_settings(old, new)
    return changes or [("config_source.change.none", {})]
