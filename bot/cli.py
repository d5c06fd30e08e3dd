"""The ``steward`` command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.config import (
    ConfigError,
    StewardConfig,
    check_config_offline,
    load_config,
    load_config_text,
)
from bot.core.adapter import PlatformStartFailed
from bot.counted import counted
from bot.data_dir import demo_files_dir, prepare_demo_state
from bot.logs import setup_logging
from bot.shards import ShardPlan, ShardPlanError, shard_plan

if TYPE_CHECKING:
    from bot.adapters.console import ConsoleAdapter
    from bot.app import App

log = logging.getLogger("steward")
# Exit codes, the same for every subcommand: 0 done, 1 the work failed (a platform refused, the
# deployment is unhealthy), 2 a usage or config problem the operator fixes before trying again.
EXIT_FAILED = 1
EXIT_CONFIG = 2
DEFAULT_CONFIG_FILE = "steward.yaml"
BUILTIN_CONFIG = "project:\n  name: Steward\n"


class UsageProblem(Exception):
    """A usage or config problem found by a subcommand: printed as one line, exit code 2."""


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
            raise UsageProblem(f"demo config not found at {path}: run from a checkout of Steward")
        # The demo's database lives in the per-user data folder, never in the checkout; the variable
        # (not a one-off override) so a config reload (SIGHUP) reads the same path.
        prepare_demo_state(os.environ, reset=getattr(args, "reset", False))
    elif getattr(args, "reset", False):
        raise UsageProblem("--reset only applies to the demo (--demo)")
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


def _check_one_config(file: str, offline: bool) -> bool:
    from bot.config import config_warnings
    from bot.core.clock import SystemClock

    try:
        if offline:
            check = check_config_offline(file)
            config, unresolved = check.config, check.unresolved
        else:
            config, unresolved = load_config(file), []
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{counted(len(exc.problems), 'problem', 'problems')} in {file}", file=sys.stderr)
        return False
    for item in unresolved:
        print(item, file=sys.stderr)
    # Warnings never refuse the file (e.g. on-call coverage gaps): the config is valid as it is.
    warnings = config_warnings(config, SystemClock().now()) if config is not None else []
    for warning in warnings:
        print(f"{file}: warning: {warning}", file=sys.stderr)
    details = []
    if warnings:
        details.append(counted(len(warnings), "warning", "warnings"))
    if unresolved:
        details.append(counted(len(unresolved), "variable left unresolved", "variables left unresolved"))
    print(f"{file}: OK" + (f" ({', '.join(details)})" if details else ""))
    return True


def cmd_check_config(args: argparse.Namespace) -> int:
    results = [_check_one_config(file, args.offline) for file in args.files]
    return 0 if all(results) else EXIT_CONFIG


def cmd_config_schema(args: argparse.Namespace) -> int:
    from bot.config.schema import render_schema

    sys.stdout.write(render_schema())
    return 0


def cmd_config_example(args: argparse.Namespace) -> int:
    from bot.config.example import render_example

    sys.stdout.write(render_example())
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from alembic.util.exc import CommandError
    from sqlalchemy.exc import OperationalError

    from bot.db import migrate

    config, _ = resolve_config(args)
    url = config.database_url()
    try:
        if args.downgrade:
            migrate.downgrade(url, args.downgrade)
        else:
            migrate.upgrade(url, args.revision)
        revision = migrate.current_revision(url)
    except CommandError as exc:  # an unknown revision: a usage problem, said in Alembic's words
        raise UsageProblem(str(exc)) from None
    except OperationalError as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0]
        print(f"steward migrate: cannot use the database: {reason}", file=sys.stderr)
        return EXIT_FAILED
    print(f"database at revision {revision}" if revision else "database has no migrations applied (base)")
    return 0


def chat_platforms(config: StewardConfig) -> list[str]:
    return [name for name in ("discord", "slack") if getattr(config, name, None) is not None]


def announce_addresses(app: App) -> None:
    """Say where the HTTP server listens (with ``http.port: 0``, the demo's, the OS picked the port) and
    where the public pages are, when this process serves them."""
    if app.http.listening:
        print(f"HTTP server (/healthz, calendar feeds) at {app.http.url()}", file=sys.stderr, flush=True)
    url = app.public_pages_url()
    if url is not None:
        print(f"Public pages: {url}", file=sys.stderr, flush=True)


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
        read_input=False,  # until everything is up (started below)
        files_dir=demo_files_dir() if getattr(args, "demo", False) else None,
        journal=Path(args.transcript) if getattr(args, "transcript", None) else None,
    )
    app = App(config, config_path=path, adapters=[console], console_operator=operator)
    console.language_of = partial(console_language, app)
    add_demo_controls(app, console)

    def started(app: App) -> None:
        announce_addresses(app)
        console.start_reading()

    await app.run_until_stopped(until=console.finished, on_started=started)
    return 0


async def console_language(app: App, user_id: str) -> str | None:
    """The language a console user chose with /steward language, if any."""
    from bot.adapters.console.adapter import PLATFORM
    from bot.i18n import normalize_locale

    known = await app.services.member_reads.known(PLATFORM, user_id, user_id)
    return normalize_locale(known.locale) if known is not None else None


def add_demo_controls(app: App, console: ConsoleAdapter) -> None:
    """With offline demo data, the console gets ``:merge`` and ``:run`` (listed by ``:help``)."""
    github = app.config.github
    if github is None or not github.demo_data:
        return
    from bot.demo_github import DemoMerges, demo_controls

    locale = app.config.project.locale
    merges = DemoMerges(app.db, app.clock, app.bus)
    console.extra_controls.update(demo_controls(app.catalog, locale, merges, app.scheduler.run_job_now))
    console.extra_help = app.catalog.translate(locale, "core.console.demo_controls")


def _console(config: StewardConfig, path: Path | None, args: argparse.Namespace) -> int:
    script = getattr(args, "script", None)
    if not script:
        return asyncio.run(_run_console(config, path, args, sys.stdin))
    try:
        stdin = open(script, encoding="utf-8")
    except OSError as exc:
        raise UsageProblem(f"cannot read --script {script}: {exc.strerror or exc}") from None
    with stdin:
        return asyncio.run(_run_console(config, path, args, stdin))


def cmd_console(args: argparse.Namespace) -> int:
    config, path = resolve_config(args)
    config = _with_repo_config(config, path)
    setup_logging(args.log_level or "WARNING", config.logging.json_format)
    return _console(config, path, args)


def _with_repo_config(config: StewardConfig, path: Path | None) -> StewardConfig:
    """With ``config_source``, the repository file merged over the bootstrap file (config_source/startup)."""
    if config.config_source is None:
        return config
    from bot.config_source.startup import startup_config

    return startup_config(config, path)


def cmd_run(args: argparse.Namespace) -> int:
    try:
        shards = shard_plan(args.shard_ids, args.shard_count, os.environ)
    except ShardPlanError as exc:
        print(f"steward run: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    config, path = resolve_config(args)
    config = _with_repo_config(config, path)
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
    from bot.app import App

    app = App(config, config_path=path, discord_shards=shards)
    app.add_chat_adapters()
    await app.run_until_stopped(on_started=announce_addresses)
    return 0


TRANSCRIPT_HELP = (
    "console only: append every scheduled post to FILE, the console's channel history; "
    "a restarted or second instance reads it so nothing is posted twice"
)


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
    p.add_argument("--reset", action="store_true", help="with --demo: delete the demo's saved state first")
    p.add_argument("--as", dest="as_user", help="console only: your name (default: operator)")
    p.add_argument("--transcript", metavar="FILE", help=TRANSCRIPT_HELP)
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
    p.add_argument("--reset", action="store_true", help="with --demo: delete the demo's saved state first")
    p.add_argument("--script", help="read console lines from this file instead of stdin")
    p.add_argument("--as", dest="as_user", help="your name (default: operator, a maintainer)")
    p.add_argument("--transcript", metavar="FILE", help=TRANSCRIPT_HELP)
    p.set_defaults(fn=cmd_console)

    p = sub.add_parser(
        "check-config",
        help="validate config files (exit 0 when all are valid, 2 when not)",
        description="Validate one or more config files. Nothing is started and nothing is written.",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument(
        "--no-env",
        "--offline",
        dest="offline",
        action="store_true",
        help="check without the environment: ${VAR} references are listed as unresolved, not refused "
        "(for a project's own CI, which has no secrets)",
    )
    p.set_defaults(fn=cmd_check_config)

    p = sub.add_parser("config-schema", help="print the config's JSON Schema")
    p.set_defaults(fn=cmd_config_schema)

    p = sub.add_parser("config-example", help="print the example config, every option with a comment")
    p.set_defaults(fn=cmd_config_example)

    p = sub.add_parser("migrate", help="apply database migrations")
    with_config(p)
    p.add_argument("--revision", default="head", help="upgrade to this revision (default: head, the newest)")
    p.add_argument("--downgrade", metavar="REV", help="downgrade to REV instead (e.g. base)")
    p.set_defaults(fn=cmd_migrate)

    # Parts that add their own subcommands; imported here, not at the top, so `steward --help` stays quick.
    from bot.adapters.discord import cli as discord_cli
    from bot.adapters.slack import cli as slack_cli
    from bot.data import cli as data_cli
    from bot.features import FEATURES
    from bot.github import cli as github_cli
    from bot.ops_cli import register as ops_register

    for register in (
        github_cli.register,
        discord_cli.register,
        slack_cli.register,
        ops_register,
        data_cli.register,
    ):
        register(sub)
    for feature in FEATURES:
        if feature.cli is not None:
            feature.cli(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.fn(args))
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_CONFIG
    except UsageProblem as exc:
        print(f"steward {args.cmd}: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except OSError as exc:
        from bot.http_server import PortInUse  # aiohttp loads only for commands that serve HTTP

        if not isinstance(exc, PortInUse):
            raise
        # A configuration problem like any other: one line, no traceback.
        print(f"steward: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except PlatformStartFailed as exc:
        print(f"steward {args.cmd}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
