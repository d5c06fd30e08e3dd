"""The onboarding service every part of the cog holds: config, progress, telling people, path groups."""

from __future__ import annotations

from bot.core.errors import UserError
from bot.core.invocation import Invocation
from cogs.onboarding.access import PathAccess


class OnboardingService(PathAccess):
    """Onboarding's logic shared by its commands, listeners and jobs (``OnboardingBase`` and the
    path groups of ``PathAccess``); each part of the cog gets this one object."""


def member_of(inv: Invocation) -> int:
    """The invoker's member id; a person the bot could not record is told so."""
    if inv.actor.member_id is None:
        raise UserError("onboarding.error.unknown_member", name=inv.actor.display_name)
    return inv.actor.member_id
