"""The console adapter: a terminal chat for trying Steward with no accounts, and for scripted tests."""

from bot.adapters.console.adapter import ConsoleAdapter

__all__ = ["ConsoleAdapter"]
