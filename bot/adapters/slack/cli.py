"""``steward slack-manifest``: print the Slack app manifest (YAML) for the configured bot."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "slack-manifest", help="print the Slack app manifest (YAML) to paste when creating the app"
    )
    p.add_argument("--config", "-c", help="YAML config file (default: ./steward.yaml)")
    p.add_argument("--demo", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--url", help="HTTP mode: the public base URL Slack calls (…/slack/events is appended)")
    p.set_defaults(fn=cmd_slack_manifest)


def cmd_slack_manifest(args: argparse.Namespace) -> int:
    from bot.adapters.slack.manifest import PLACEHOLDER_URL, build_manifest, manifest_yaml
    from bot.app import App
    from bot.cli import EXIT_CONFIG, resolve_config

    config, path = resolve_config(args)
    if config.slack is None:
        print("the config has no slack section; add one (see config/steward.example.yaml)", file=sys.stderr)
        return EXIT_CONFIG
    # The App builds the cogs of every enabled feature, so the manifest lists exactly their commands.
    app = App(config, config_path=path, run_migrations=False)
    try:
        manifest = build_manifest(config, app.registry, app.catalog, args.url)
    finally:
        app.db.dispose()
    if not config.slack.socket_mode and not args.url:
        print(f"no --url given: request URLs use {PLACEHOLDER_URL}; replace it", file=sys.stderr)
    sys.stdout.write(manifest_yaml(manifest))
    return 0
