"""Load a config file: YAML with marks, ``${VAR}`` substitution, pydantic, one ConfigError listing all."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.config.assembly import installed_model
from bot.config.errors import translate_errors
from bot.config.models import StewardConfig
from bot.config.problems import ConfigError, ConfigProblem
from bot.config.yamltree import UNRESOLVED, DataPath, Located, Tree, Unresolved, build_tree, format_path

__all__ = ["MAX_CONFIG_BYTES", "OfflineCheck", "check_config_offline", "load_config", "load_config_text"]

# Far above any real config (the full example is a few KiB), far below what freezes the parser: a
# file is refused before YAML sees it, so a stray log or data file cannot stall a reload.
MAX_CONFIG_BYTES = 1024 * 1024


# Problems listed at most: past this the file is not a config with typos but something else, and
# explaining each of 100,000 unknown keys would take longer than reading them.
MAX_PROBLEMS = 100


def _listed(problems: list[ConfigProblem], more: int, filename: str) -> ConfigError:
    shown = sorted(set(problems))[:MAX_PROBLEMS]
    more += len(set(problems)) - len(shown)
    if more > 0:
        shown.append(
            ConfigProblem(
                filename, 1, 1, "", f"... and {more} more {'problem' if more == 1 else 'problems'} not listed"
            )
        )
    return ConfigError(shown)


def _too_large(filename: str) -> ConfigError:
    return ConfigError(
        [ConfigProblem(filename, 0, 0, "", f"config file is larger than {MAX_CONFIG_BYTES // 1024} KiB")]
    )


@dataclass
class OfflineCheck:
    """An offline check's outcome: the config when it could be built, and each ``${VAR}`` left unfilled."""

    config: StewardConfig | None
    unresolved: list[ConfigProblem] = field(default_factory=list)


def _read(file: Path) -> str:
    try:
        # Read at most one byte past the limit: the size is known without reading a huge file whole.
        with file.open("rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
        if len(raw) > MAX_CONFIG_BYTES:
            raise _too_large(str(file))
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError(
            [ConfigProblem(str(file), 0, 0, "", f"cannot read config file: {reason}")]
        ) from None
    return text


def load_config(path: str | Path, env: Mapping[str, str] | None = None) -> StewardConfig:
    """Load and validate the config file at ``path``; raise ``ConfigError`` listing every problem."""
    file = Path(path)
    text = _read(file)
    absolute = file.absolute()
    config = _load(text, str(file), env, absolute.parent, absolute, offline=False).config
    assert config is not None  # an online load either builds the config or raises
    return config


def check_config_offline(path: str | Path, env: Mapping[str, str] | None = None) -> OfflineCheck:
    """Validate ``path`` without its secrets: unset ``${VAR}`` references are listed, not refused.

    Raises ``ConfigError`` for every other problem, exactly as a real load would.
    """
    file = Path(path)
    absolute = file.absolute()
    return _load(_read(file), str(file), {} if env is None else env, absolute.parent, absolute, offline=True)


def load_config_text(
    text: str,
    filename: str = "<string>",
    env: Mapping[str, str] | None = None,
    base_dir: Path | None = None,
) -> StewardConfig:
    """Validate config ``text``; ``filename`` only labels problems, ``base_dir`` anchors relative paths."""
    if len(text) > MAX_CONFIG_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_CONFIG_BYTES:
        raise _too_large(filename)
    config = _load(text, filename, env, base_dir, None, offline=False).config
    assert config is not None
    return config


def _fill_unresolved(data: Any, texts: dict[DataPath, str], path: DataPath = ()) -> Any:
    """The data with each unfilled value as its ``${VAR}`` text, or dropped when ``texts`` lacks it."""
    if isinstance(data, dict):
        return {
            key: _fill_unresolved(value, texts, (*path, key))
            for key, value in data.items()
            if value is not UNRESOLVED or (*path, key) in texts
        }
    if isinstance(data, list):
        kept = [(i, v) for i, v in enumerate(data) if v is not UNRESOLVED or (*path, i) in texts]
        return [_fill_unresolved(v, texts, (*path, i)) for i, v in kept]
    return texts[path] if data is UNRESOLVED else data


def _validate(tree: Tree) -> tuple[StewardConfig | None, list[Located], int]:
    """Validate the tree. An unfilled value first stands as its own ``${VAR}`` text; where that text
    is refused (a port, a URL) the value is dropped so its default applies, one round at a time.
    Returns the config or the located problems (at most ``MAX_PROBLEMS``) and how many more there were."""
    model = installed_model()
    texts = {item.path: item.text for item in tree.unresolved}
    while True:
        try:
            return model.model_validate(_fill_unresolved(tree.data, texts)), [], 0
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
        # Errors at an unfilled value are dropped by ``translate_errors`` (``tree.reported``).
        more = max(0, len(errors) - MAX_PROBLEMS)
        located = translate_errors(errors[:MAX_PROBLEMS], tree, model)
        refused = {
            path
            for path in texts
            for error in errors
            if tuple(error["loc"])[: len(path)] == path or path[: len(error["loc"])] == tuple(error["loc"])
        }
        if located or not refused:
            return None, located, more
        texts = {path: text for path, text in texts.items() if path not in refused}


def _unresolved_problem(filename: str, item: Unresolved) -> ConfigProblem:
    names = ", ".join(f"${{{name}}}" for name in item.names)
    message = f"{names} left unresolved (checked with --no-env)"
    return ConfigProblem(filename, item.line, item.col, format_path(item.path), message)


def _load(
    text: str,
    filename: str,
    env: Mapping[str, str] | None,
    base_dir: Path | None,
    source: Path | None,
    *,
    offline: bool,
) -> OfflineCheck:
    def problem(item: Located) -> ConfigProblem:
        return ConfigProblem(filename, item.line, item.col, format_path(item.path), item.message)

    try:
        tree: Tree = build_tree(text.removeprefix("\ufeff"), os.environ if env is None else env, offline)
        if tree.fatal:
            raise _listed([problem(p) for p in tree.problems], 0, filename)
        config, invalid, more = _validate(tree)
        located = [*tree.problems, *invalid]
        unresolved = [_unresolved_problem(filename, item) for item in tree.unresolved]
        if located or (config is None and not unresolved):
            raise _listed([problem(p) for p in located], more, filename)
        if config is not None:
            config.attach_source(source, base_dir)
        return OfflineCheck(config, unresolved)
    except ConfigError:
        raise
    except RecursionError:
        raise ConfigError([ConfigProblem(filename, 1, 1, "", "config is nested too deeply")]) from None
    except (
        Exception
    ) as exc:  # the contract is "only ConfigError"; a bug here must still refuse the file cleanly
        message = f"internal error while checking the config: {type(exc).__name__}: {exc}"
        raise ConfigError([ConfigProblem(filename, 1, 1, "", message)]) from exc
