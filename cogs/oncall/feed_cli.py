"""`steward calendar-token`: the token the on-call calendar feeds require, and each feed's path."""

from __future__ import annotations

import argparse
import sys
from typing import Any
from urllib.parse import quote


def register(sub: Any) -> None:
    """Add ``steward calendar-token``."""
    p = sub.add_parser("calendar-token", help="show the on-call calendar feeds' token and paths")
    p.add_argument("--config", "-c", help="YAML config file (default: ./steward.yaml)")
    p.add_argument("--demo", action="store_true", help="the demo configuration")
    p.set_defaults(fn=cmd_calendar_token)


def cmd_calendar_token(args: argparse.Namespace) -> int:
    """Print the feed paths with their token (generating the token when none is configured)."""
    from bot.cli import resolve_config
    from bot.core.clock import SystemClock
    from bot.db import migrate
    from bot.db.database import Database
    from cogs.oncall.calendar_feed import PATH
    from cogs.oncall.config import OncallConfig
    from cogs.oncall.feed_token import stored_feed_token

    config, _ = resolve_config(args)
    oncall = config.section(OncallConfig)
    if oncall is None or not oncall.calendar_feeds:
        print("no on-call calendar feeds are configured (oncall.calendar_feeds)", file=sys.stderr)
        return 2
    token = oncall.calendar_token
    if not token:
        migrate.upgrade(config.database_url())
        db = Database(config.database_url())
        try:
            token = db.call(stored_feed_token, SystemClock().now())
        finally:
            db.dispose()
        print("token: generated for this deployment (set oncall.calendar_token to choose one)")
    else:
        print("token: oncall.calendar_token from the config")
    for rotation in oncall.rotations:
        print(PATH.format(rotation=quote(rotation.name)) + "?token=" + quote(token, safe=""))
    return 0
