"""``steward slack-manifest``: print the Slack app manifest (YAML) for the configured bot."""

from __future__ import annotations

import argparse
import sys
from typing import Any
from urllib.parse import urlsplit


def public_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be the public base URL Slack calls, or None when it can."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return f"--url {url!r} is not a URL"
    if parts.scheme != "https":
        return f"--url must be an https:// address Slack can reach (got {url!r})"
    if not parts.hostname or "." not in parts.hostname.strip("."):
        return f"--url needs a public host name, like https://steward.example.org (got {url!r})"
    if parts.query or parts.fragment:
        return f"--url is a base address without '?' or '#' (got {url!r})"
    return None


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
    from bot.cli import UsageProblem, resolve_config

    config, path = resolve_config(args)
    if config.slack is None:
        raise UsageProblem("the config has no slack: section (see config/steward.example.yaml)")
    if args.url and config.slack.socket_mode:
        raise UsageProblem(
            "--url is for HTTP mode, but the config uses Socket Mode (slack.app_token is set): Socket "
            "Mode has no request URLs (drop --url, or replace slack.app_token with slack.signing_secret "
            "for HTTP mode)"
        )
    if args.url and (problem := public_url_problem(args.url)):
        raise UsageProblem(problem)
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
