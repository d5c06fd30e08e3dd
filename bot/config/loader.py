"""Load a config file: YAML with marks, ``${VAR}`` substitution, pydantic, one ConfigError listing all."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import ValidationError

from bot.config.errors import translate_errors
from bot.config.models import StewardConfig
from bot.config.problems import ConfigError, ConfigProblem
from bot.config.yamltree import Located, build_tree, format_path

__all__ = ["MAX_CONFIG_BYTES", "load_config", "load_config_text"]

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
        shown.append(ConfigProblem(filename, 1, 1, "", f"... and {more} more problem(s) not listed"))
    return ConfigError(shown)


def _too_large(filename: str) -> ConfigError:
    return ConfigError(
        [ConfigProblem(filename, 0, 0, "", f"config file is larger than {MAX_CONFIG_BYTES // 1024} KiB")]
    )


def load_config(path: str | Path, env: Mapping[str, str] | None = None) -> StewardConfig:
    """Load and validate the config file at ``path``; raise ``ConfigError`` listing every problem."""
    file = Path(path)
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
    absolute = file.absolute()
    return _load(text, str(file), env, absolute.parent, absolute)


def load_config_text(
    text: str,
    filename: str = "<string>",
    env: Mapping[str, str] | None = None,
    base_dir: Path | None = None,
) -> StewardConfig:
    """Validate config ``text``; ``filename`` only labels problems, ``base_dir`` anchors relative paths."""
    if len(text) > MAX_CONFIG_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_CONFIG_BYTES:
        raise _too_large(filename)
    return _load(text, filename, env, base_dir, None)


def _load(
    text: str, filename: str, env: Mapping[str, str] | None, base_dir: Path | None, source: Path | None
) -> StewardConfig:
    def problem(item: Located) -> ConfigProblem:
        return ConfigProblem(filename, item.line, item.col, format_path(item.path), item.message)

    try:
        tree = build_tree(text.removeprefix("\ufeff"), os.environ if env is None else env)
        if tree.fatal:
            raise _listed([problem(p) for p in tree.problems], 0, filename)
        located = list(tree.problems)
        config: StewardConfig | None = None
        more = 0
        try:
            config = StewardConfig.model_validate(tree.data)
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
            more = max(0, len(errors) - MAX_PROBLEMS)
            located.extend(translate_errors(errors[:MAX_PROBLEMS], tree, StewardConfig))
        if located or config is None:
            raise _listed([problem(p) for p in located], more, filename)
        config.attach_source(source, base_dir)
        return config
    except ConfigError:
        raise
    except RecursionError:
        raise ConfigError([ConfigProblem(filename, 1, 1, "", "config is nested too deeply")]) from None
    except (
        Exception
    ) as exc:  # the contract is "only ConfigError"; a bug here must still refuse the file cleanly
        message = f"internal error while checking the config: {type(exc).__name__}: {exc}"
        raise ConfigError([ConfigProblem(filename, 1, 1, "", message)]) from exc
