"""Newcomer onboarding: greetings, onboarding paths and progress from GitHub."""

from bot.core.feature import Feature
from cogs.onboarding.cog import OnboardingCog
from cogs.onboarding.config import OnboardingConfig

FEATURE = Feature(
    name="onboarding",
    cog=OnboardingCog,
    section="onboarding",
    config_model=OnboardingConfig,
    description="Newcomer onboarding.",
    jobs=frozenset({"onboarding_nudges", "onboarding_greetings"}),
    group="onboard",
)

__all__ = ["FEATURE", "OnboardingCog"]
