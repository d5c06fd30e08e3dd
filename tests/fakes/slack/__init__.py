"""A loopback Slack (Web API, uploads, response URLs, Socket Mode) that real slack-sdk/bolt talk to."""

from tests.fakes.slack.blocks import pings, texts_of, validate_blocks
from tests.fakes.slack.records import ApiCall, FakeUser, Recorded
from tests.fakes.slack.server import FakeSlack, SlackWorld

__all__ = [
    "ApiCall",
    "FakeSlack",
    "FakeUser",
    "Recorded",
    "SlackWorld",
    "pings",
    "texts_of",
    "validate_blocks",
]
