"""`steward sync [--full] [--repo NAME]`: sync GitHub into the database by hand, with a progress bar."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any, TextIO

BAR_WIDTH = 30


class ProgressBar:
    """A one-line bar on stderr: `owner/repo [#####.....] 12/20 pages`."""

    def __init__(self, stream: TextIO, what: str = "") -> None:
        self.stream = stream
        self.what = f" {what}" if what else ""

    def __call__(self, repo: str, done: int, total: int | None) -> None:
        total = max(total or done, 1)
        filled = BAR_WIDTH * done // total
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        self.stream.write(f"\r{repo}{self.what} [{bar}] {done}/{total} pages")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


async def _sync(args: argparse.Namespace) -> int:
    from bot.cli import resolve_config
    from bot.core.clock import SystemClock
    from bot.core.events import EventBus
    from bot.db import migrate
    from bot.db.database import Database
    from bot.github.client import GitHubClient, GitHubError
    from bot.github.service import GitHubService
    from bot.github.sync import describe

    config, _ = resolve_config(args)
    if config.github is None or not config.github.repos:
        print("no github.repos configured: nothing to sync", file=sys.stderr)
        return 2
    if config.github.demo_data:
        print("github.demo_data is set: the offline demo never talks to GitHub", file=sys.stderr)
        return 2
    await asyncio.to_thread(migrate.upgrade, config.database_url())
    db = Database(config.database_url())
    clock = SystemClock()
    client = GitHubClient(config.github, clock)
    service = GitHubService(db, clock, EventBus(), lambda: config, client)
    assert service.sync is not None
    names = [r.name for r in config.github.repos if not args.repo or r.name.lower() == args.repo.lower()]
    if not names:
        print(f"{args.repo} is not in github.repos", file=sys.stderr)
        return 2
    if config.github.token is None and config.github.app is None:
        print(
            "no github.token or github.app configured: syncing without authentication, which GitHub "
            "limits to 60 requests an hour (a token gives 5,000); public repositories only",
            file=sys.stderr,
        )
    failed = 0
    try:
        await service.identity.load()
        for name in names:
            try:
                result = await service.sync.sync(name, full=args.full, progress=ProgressBar(sys.stderr))
            except GitHubError as exc:
                failed += 1
                print(f"{name}: {exc}", file=sys.stderr)
                continue
            summary: dict[str, Any] = dict(describe(result))
            print(" ".join(f"{k}={v}" for k, v in summary.items()))
        if not args.no_history:
            # The past months' closed items, read once per repository (resumed where a run stopped).
            await service.polling.read_history(None, progress=ProgressBar(sys.stderr, "history"))
        print(
            f"requests={client.stats.requests} 304s={client.stats.not_modified} "
            f"rate_limit={describe_budget(client.budget.as_dict())}"
        )
    finally:
        await asyncio.to_thread(client.close)
        db.dispose()
    return 1 if failed else 0


def describe_budget(budget: dict[str, Any]) -> str:
    """``4,321/5,000 left, resets 14:05 UTC``: the rate budget as a person reads it."""
    if budget.get("remaining") is None or budget.get("limit") is None:
        return "unknown (no request made)"
    text = f"{budget['remaining']:,}/{budget['limit']:,} left"
    if budget.get("reset_at"):
        text += f", resets {budget['reset_at'][11:16]} UTC"
    return text


def cmd_sync(args: argparse.Namespace) -> int:
    return asyncio.run(_sync(args))


def register(subparsers: Any) -> None:
    """Add `steward sync` to the CLI."""
    p = subparsers.add_parser("sync", help="sync GitHub issues and PRs into the database now")
    p.add_argument("--config", "-c", help="YAML config file (default: ./steward.yaml)")
    p.add_argument("--full", action="store_true", help="re-read every open item, not only what changed")
    p.add_argument("--repo", help="only this repository (owner/name)")
    p.add_argument(
        "--no-history", action="store_true", help="skip reading the closed history (github.history_months)"
    )
    p.set_defaults(fn=cmd_sync, demo=False)
