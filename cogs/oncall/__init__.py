"""On-call triage rotations."""

from cogs.oncall.cog import OncallCog

__all__ = ["OncallCog"]
