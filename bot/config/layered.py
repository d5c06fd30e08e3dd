"""A repository-held config file merged over the local bootstrap file, each problem on its own file's line.

The bootstrap file (on the host) keeps what must never come from a repository anyone can open a pull
request against: secrets, the database, the HTTP server and ``config_source`` itself. The repository
file holds the community's settings; its mappings merge key by key over the bootstrap's, its lists
and values replace the bootstrap's.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.config.assembly import installed_model
from bot.config.errors import translate_errors
from bot.config.models import StewardConfig
from bot.config.problems import ConfigError, ConfigProblem
from bot.config.yamltree import DataPath, Located, Tree, build_tree, format_path

__all__ = ["CORE_LOCAL_ONLY", "load_layered", "local_only", "repo_file_problems"]

# Settings only the bootstrap file may set (secrets, where the bot stores data and listens, and where
# its credentials are sent: a repository pointing `api_url` elsewhere would receive the token).
CORE_LOCAL_ONLY: tuple[DataPath, ...] = (
    ("config_source",),
    ("database",),
    ("http",),
    ("logging",),
    ("github", "token"),
    ("github", "app"),
    ("github", "webhook_secret"),
    ("github", "api_url"),
    ("github", "oauth_base_url"),
    ("github", "demo_data"),
    ("discord", "token"),
    ("slack", "bot_token"),
    ("slack", "app_token"),
    ("slack", "signing_secret"),
)


def local_only() -> tuple[DataPath, ...]:
    """The core's local-only settings and each installed feature's (``FeatureSection.local_only``)."""
    features = installed_model().feature_models.items()
    return CORE_LOCAL_ONLY + tuple((key, *path) for key, model in features for path in model.local_only)


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        merged = dict(base)
        for key, value in over.items():
            merged[key] = _merge(base[key], value) if key in base else value
        return merged
    return over


def _present(data: Any, path: DataPath) -> bool:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return False
        data = data[part]
    return True


def _local_only_problems(tree: Tree) -> list[Located]:
    found = []
    for path in local_only():
        if _present(tree.data, path):
            line, col = tree.keys.get(path, (1, 1))
            message = (
                f"'{format_path(path)}' can only be set in the local bootstrap file"
                " (secrets, the database and the server settings are never read from the repository)"
            )
            found.append(Located(line, col, path, message))
    return found


def repo_file_problems(text: str, filename: str) -> tuple[Tree, list[ConfigProblem]]:
    """Read a repository config file on its own: YAML problems, ``${VAR}`` and local-only keys."""
    tree = build_tree(text.removeprefix("\ufeff"), None)
    problems = [ConfigProblem(filename, p.line, p.col, format_path(p.path), p.message) for p in tree.problems]
    if not tree.fatal:
        problems += [
            ConfigProblem(filename, p.line, p.col, format_path(p.path), p.message)
            for p in _local_only_problems(tree)
        ]
    return tree, sorted(set(problems))


def _owner(path: DataPath, repo: Tree, boot: Tree, repo_name: str, boot_name: str) -> str:
    """The file a problem at ``path`` belongs to: the deepest located prefix, the repository's first."""
    for end in range(len(path), -1, -1):
        prefix = path[:end]
        if prefix in repo.values or prefix in repo.keys:
            return repo_name
        if prefix in boot.values or prefix in boot.keys:
            return boot_name
    return repo_name


def load_layered(
    bootstrap_text: str,
    bootstrap_name: str,
    repo_text: str,
    repo_name: str,
    env: Mapping[str, str] | None = None,
    base_dir: Path | None = None,
    source: Path | None = None,
) -> StewardConfig:
    """Validate the repository file merged over the bootstrap file; ``ConfigError`` lists every problem."""
    try:
        boot = build_tree(bootstrap_text.removeprefix("\ufeff"), os.environ if env is None else env)
        boot_problems = [
            ConfigProblem(bootstrap_name, p.line, p.col, format_path(p.path), p.message)
            for p in boot.problems
        ]
        repo, problems = repo_file_problems(repo_text, repo_name)
        problems += boot_problems
        if boot.fatal or repo.fatal or problems:
            raise ConfigError(sorted(set(problems)))
        merged = Tree(
            data=_merge(boot.data, repo.data),
            values={**boot.values, **repo.values},
            keys={**boot.keys, **repo.keys},
            reported=boot.reported | repo.reported,
        )
        try:
            config = installed_model().model_validate(merged.data)
        except ValidationError as exc:
            located = translate_errors(exc.errors(include_url=False), merged, installed_model())
            raise ConfigError(
                sorted(
                    {
                        ConfigProblem(
                            _owner(p.path, repo, boot, repo_name, bootstrap_name),
                            p.line,
                            p.col,
                            format_path(p.path),
                            p.message,
                        )
                        for p in located
                    }
                )
            ) from None
        config.attach_source(source, base_dir)
        return config
    except ConfigError:
        raise
    except RecursionError:
        raise ConfigError([ConfigProblem(repo_name, 1, 1, "", "config is nested too deeply")]) from None
    except Exception as exc:  # the contract is "only ConfigError": a bug must still refuse the file cleanly
        message = f"internal error while checking the config: {type(exc).__name__}: {exc}"
        raise ConfigError([ConfigProblem(repo_name, 1, 1, "", message)]) from exc
