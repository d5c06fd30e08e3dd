"""A loopback Discord (REST + gateway) that real discord.py connects to; see ``server.FakeDiscord``."""

from tests.fakes.discord.server import FakeDiscord, FakeInteraction, FakeMessage

__all__ = ["FakeDiscord", "FakeInteraction", "FakeMessage"]
