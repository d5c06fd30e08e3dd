"""Joins: each newcomer is recorded, welcomed by DM, and greeted in the batched channel greeting."""

from __future__ import annotations

from bot.core.cog import Services
from bot.core.events import MemberJoined, listener
from bot.core.messages import Message
from bot.i18n import normalize_locale
from cogs.onboarding import views
from cogs.onboarding.greetings import Greeted, Greeter
from cogs.onboarding.service import OnboardingService


class Welcomes:
    """Owns the greeter: records joins, and its job posts the greetings once per batch window."""

    def __init__(self, service: OnboardingService, services: Services) -> None:
        self.service = service
        self.services = services  # the greeter sends through the poster and records in the database
        self.greeter = Greeter(
            services,
            welcome_channel=lambda: service.cfg.welcome_channel,
            max_names=lambda: service.cfg.greet_batch_max_names,
            channel_greeting=self._channel_greeting,
            welcome_dm=self._welcome_dm,
        )

    async def start(self) -> None:
        self.greeter.start()

    async def stop(self) -> None:
        await self.greeter.stop()

    @listener(MemberJoined)
    async def on_join(self, event: MemberJoined) -> None:
        await self.greeter.record(event)

    async def greetings_job(self) -> None:
        """Once a window: the batched channel greeting, and any welcome DMs left over from a restart."""
        leader = self.services.is_leader()
        await self.greeter.release_stale(leader)
        self.greeter.kick()
        await self.greeter.post_greetings()

    def _channel_greeting(self, greeted: Greeted) -> Message:
        locale = self.service.project_locale()
        return views.channel_greeting(self.service.tr(locale), locale, greeted, self.service.cfg.paths)

    def _welcome_dm(self, member_locale: str | None) -> Message:
        service = self.service
        locale = normalize_locale(member_locale) or service.project_locale()
        project = self.services.config.project.name
        return views.welcome_dm(service.tr(locale), locale, project, service.cfg.paths)
