"""Steward: the shared core. Knows nothing about Discord or Slack."""

__version__ = "0.1.0"
