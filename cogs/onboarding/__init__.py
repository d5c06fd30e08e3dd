"""Newcomer onboarding: greetings, onboarding paths and progress from GitHub."""

from cogs.onboarding.cog import OnboardingCog

__all__ = ["OnboardingCog"]
