"""The ``steward`` command line."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import logging
import os
import sys
from pathlib import Path
from typing import TextIO

from bot.config import ConfigError, StewardConfig, config_json_schema, load_config, load_config_text
from bot.logs import setup_logging
from bot.shards import ShardPlan, ShardPlanError, shard_plan

log = logging.getLogger("steward")
EXIT_CONFIG = 2
DEFAULT_CONFIG_FILE = "steward.yaml"
# Modules that add their own subcommands: each has ``register(subparsers)``. Missing ones are skipped
# so the CLI works while a part is not built yet.
CLI_EXTENSIONS = ("bot.github.cli", "bot.adapters.discord.cli", "bot.adapters.slack.cli", "bot.ops_cli")
BUILTIN_CONFIG = "project:\n  name: Steward\n"


def project_root() -> Path:
    return Path(__file__).resolve().parent.parent


def demo_config_path() -> Path:
    return project_root() / "config" / "demo" / "steward.yaml"


def resolve_config(args: argparse.Namespace) -> tuple[StewardConfig, Path | None]:
    """The config named by --config/--demo, else ./steward.yaml, else the built-in defaults."""
    path: Path | None = None
    if getattr(args, "demo", False):
        path = demo_config_path()
        if not path.exists():
            raise SystemExit(f"demo config not found at {path}: run from a checkout of Steward")
    elif args.config:
        path = Path(args.config)
    elif Path(DEFAULT_CONFIG_FILE).exists():
        path = Path(DEFAULT_CONFIG_FILE)
    if path is None:
        print(
            f"No --config given and no ./{DEFAULT_CONFIG_FILE}: using built-in defaults "
            "(SQLite in ./steward.db). Try --demo for sample data.",
            file=sys.stderr,
        )
        return load_config_text(BUILTIN_CONFIG, "<defaults>", base_dir=Path.cwd()), None
    return load_config(path), path


def cmd_check_config(args: argparse.Namespace) -> int:
    from bot.app import config_warnings
    from bot.core.clock import SystemClock

    try:
        config = load_config(args.file)
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) in {args.file}; nothing applied", file=sys.stderr)
        return EXIT_CONFIG
    # Warnings never refuse the file (e.g. on-call coverage gaps): the config is valid as it is.
    warnings = config_warnings(config, SystemClock().now())
    for warning in warnings:
        print(f"{args.file}: warning: {warning}", file=sys.stderr)
    print(f"{args.file}: OK" + (f" ({len(warnings)} warning(s))" if warnings else ""))
    return 0


def cmd_config_schema(args: argparse.Namespace) -> int:
    print(json.dumps(config_json_schema(), indent=2, ensure_ascii=False))
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from bot.db import migrate

    config, _ = resolve_config(args)
    url = config.database_url()
    if args.downgrade:
        migrate.downgrade(url, args.downgrade)
    else:
        migrate.upgrade(url, args.revision)
    print(f"database at revision {migrate.current_revision(url)}")
    return 0


def chat_platforms(config: StewardConfig) -> list[str]:
    return [name for name in ("discord", "slack") if getattr(config, name, None) is not None]


async def _run_console(
    config: StewardConfig, path: Path | None, args: argparse.Namespace, stdin: TextIO
) -> int:
    from bot.adapters.console import ConsoleAdapter
    from bot.app import App
    from bot.i18n import Catalog, catalog_directories

    operator = args.as_user or "operator"
    console = ConsoleAdapter(
        Catalog(catalog_directories(), zone=config.project.timezone),
        locale=config.project.locale,
        stdin=stdin,
        operator=operator,
        echo=not stdin.isatty(),
    )
    app = App(config, config_path=path, adapters=[console], console_operator=operator)
    await app.run_until_stopped(until=console.finished)
    return 0


def _console(config: StewardConfig, path: Path | None, args: argparse.Namespace) -> int:
    script = getattr(args, "script", None)
    if not script:
        return asyncio.run(_run_console(config, path, args, sys.stdin))
    with open(script, encoding="utf-8") as stdin:
        return asyncio.run(_run_console(config, path, args, stdin))


def cmd_console(args: argparse.Namespace) -> int:
    config, path = resolve_config(args)
    setup_logging(args.log_level or "WARNING", config.logging.json_format)
    return _console(config, path, args)


def cmd_run(args: argparse.Namespace) -> int:
    try:
        shards = shard_plan(args.shard_ids, args.shard_count, os.environ)
    except ShardPlanError as exc:
        print(f"steward run: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    config, path = resolve_config(args)
    platforms = chat_platforms(config)
    if shards is not None and "discord" not in platforms:
        print(
            f"steward run: {shards.describe()} requested but the config has no discord: section; "
            "shards only split the Discord gateway connection",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    if not platforms:
        setup_logging(args.log_level or "WARNING", config.logging.json_format)
        print("No Discord or Slack credentials configured: starting the console adapter.", file=sys.stderr)
        return _console(config, path, args)
    setup_logging(args.log_level or config.logging.level, config.logging.json_format)
    return asyncio.run(_run_chat(config, path, shards))


async def _run_chat(config: StewardConfig, path: Path | None, shards: ShardPlan | None = None) -> int:
    from bot.app import AdapterUnavailable, App

    app = App(config, config_path=path, discord_shards=shards)
    try:
        app.add_chat_adapters()
    except AdapterUnavailable as exc:
        print(f"{exc}; remove that section or use `steward console`.", file=sys.stderr)
        return EXIT_CONFIG
    await app.run_until_stopped()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="steward", description="Community-operations bot for open-source projects."
    )
    parser.add_argument("--log-level", default=None, help="DEBUG, INFO, WARNING or ERROR")
    sub = parser.add_subparsers(dest="cmd", required=True)

    def with_config(p: argparse.ArgumentParser) -> None:
        p.add_argument("--config", "-c", help=f"YAML config file (default: ./{DEFAULT_CONFIG_FILE})")
        p.add_argument("--demo", action="store_true", help="use config/demo with offline sample data")

    p = sub.add_parser("run", help="start everything the config enables")
    with_config(p)
    p.add_argument("--as", dest="as_user", help="console only: your name (default: operator)")
    p.add_argument(
        "--shard-ids",
        metavar="IDS",
        help="Discord: run only these shards, comma-separated (e.g. 0,1; env STEWARD_SHARD_IDS); "
        "needs --shard-count",
    )
    p.add_argument(
        "--shard-count",
        metavar="N",
        help="Discord: total shards across all instances (env STEWARD_SHARD_COUNT); needs --shard-ids",
    )
    p.set_defaults(fn=cmd_run)

    p = sub.add_parser("console", help="chat with the bot in this terminal")
    with_config(p)
    p.add_argument("--script", help="read console lines from this file instead of stdin")
    p.add_argument("--as", dest="as_user", help="your name (default: operator, a maintainer)")
    p.set_defaults(fn=cmd_console)

    p = sub.add_parser("check-config", help="validate a config file (exit 0 when valid, 2 when not)")
    p.add_argument("file")
    p.set_defaults(fn=cmd_check_config)

    p = sub.add_parser("config-schema", help="print the config's JSON Schema")
    p.set_defaults(fn=cmd_config_schema)

    p = sub.add_parser("migrate", help="apply database migrations")
    with_config(p)
    p.add_argument("--revision", default="head")
    p.add_argument("--downgrade", metavar="REV", help="downgrade to REV instead (e.g. base)")
    p.set_defaults(fn=cmd_migrate)

    for module_name in CLI_EXTENSIONS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            # Only "that part is not built" is tolerated; a broken import inside it is not.
            if exc.name is None or not module_name.startswith(exc.name):
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.fn(args))
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
