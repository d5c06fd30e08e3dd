"""The Slack adapter (slack-bolt, Socket Mode or HTTP mode); the only code importing slack_bolt/sdk."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.adapter import EVENTS_PATH, SlackAdapter
from bot.adapters.slack.signing import EVENTS_GUARD

if TYPE_CHECKING:
    from bot.app import App

__all__ = ["EVENTS_PATH", "SlackAdapter", "build_adapter"]


def build_adapter(app: App, client: AsyncWebClient | None = None) -> SlackAdapter:
    """The Slack adapter for ``app``; HTTP mode registers ``POST /slack/events`` on its server.

    ``client`` replaces the default Web API client (tests point one at a loopback Slack).
    """
    if app.config.slack is None:
        raise ValueError("the config has no slack section")

    def config():  # type: ignore[no-untyped-def]
        assert app.config.slack is not None, "the slack section cannot be removed by a reload"
        return app.config.slack

    adapter = SlackAdapter(config, app.services, lambda: app.cogs, client=client)
    if not app.config.slack.socket_mode:
        app.http.add_route("POST", EVENTS_PATH, adapter.handle_http, EVENTS_GUARD)
    return adapter
