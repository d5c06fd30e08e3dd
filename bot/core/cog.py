"""The base of every feature cog and the services the composition root hands it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from bot.core.clock import Clock
from bot.core.commands import ActionRoute, Command, CommandRegistry, declared
from bot.core.events import EventBus
from bot.core.github_port import GitHubPort
from bot.core.member_reads import MemberReads
from bot.core.members import MemberDirectory, MemberInfo
from bot.core.messages import Block
from bot.core.people import PersonResolver
from bot.core.permissions import MaintainerPolicy
from bot.i18n import Catalog, Reader

if TYPE_CHECKING:
    from bot.config import StewardConfig
    from bot.config_source.coordinator import RunningVersion
    from bot.config_source.restart import ReloadOutcome
    from bot.core.posting import Poster
    from bot.db.database import Database
    from bot.http_server import HttpServer
    from bot.metrics import Metrics


class ConfigSourceView(Protocol):
    """What a cog may read of the config-source follower: the repository version this instance runs."""

    @property
    def running(self) -> RunningVersion | None: ...

    @property
    def bootstrap_file(self) -> Path | None: ...


@dataclass
class Services:
    """Everything a cog may use; built once by ``bot.app.App``. ``config`` follows reloads."""

    config_ref: Callable[[], StewardConfig]
    db: Database
    clock: Clock
    catalog: Catalog
    bus: EventBus
    registry: CommandRegistry
    members: MemberDirectory
    member_reads: MemberReads  # who a user is and their profile, kept between commands where exact
    maintainers: Callable[[], MaintainerPolicy]
    poster: Poster
    reload_config: Callable[[], Awaitable[ReloadOutcome]]
    http: HttpServer
    github: GitHubPort | None = None  # set when the config has a ``github`` section
    metrics: Metrics | None = None
    config_source: ConfigSourceView | None = None  # set when the config reads a repository file
    # Whether this instance runs the scheduled jobs (the leader); work done once per community asks it.
    is_leader: Callable[[], bool] = lambda: True
    cogs: Callable[[], list[Cog]] = lambda: []  # every loaded cog (the digest asks each for its section)
    # Warnings about a valid config (all features'), for /steward config.
    config_warnings: Callable[[StewardConfig, datetime], list[str]] = lambda config, now: []

    @property
    def config(self) -> StewardConfig:
        return self.config_ref()

    def project_reader(self) -> Reader:
        """What a channel reads: the project's language and time zone."""
        project = self.config.project
        return Reader(project.locale, project.timezone)

    def reader_for(self, info: MemberInfo | None) -> Reader:
        """What a member reads: their language and zone, each else the project's."""
        return info.reader(self.project_reader()) if info is not None else self.project_reader()

    async def reader_of(self, member_id: int) -> Reader:
        """``reader_for`` the member with id ``member_id`` (the project's for an unknown one)."""
        return self.reader_for(await self.member_reads.info(member_id))

    @property
    def people(self) -> PersonResolver:
        """The one resolver for every command argument that names a person."""
        return PersonResolver(self.config, self.members)


class Cog:
    """A feature: declares commands, actions, listeners and jobs; logic lives in its service."""

    name: ClassVar[str] = ""

    def __init__(self, services: Services) -> None:
        self.services = services

    def parts(self) -> list[object]:
        """The handler objects this cog is composed of (command groups, event handlers).

        Their methods decorated with ``@command``, ``@action``, ``@autocomplete`` and ``@listener`` are
        registered exactly like the cog's own, under this cog's name; a feature splits into small classes
        this way instead of mixins. ``register()`` asks once; return the same instances each time.
        """
        return []

    def register(self) -> None:
        """Add everything this cog and its ``parts()`` declare with the decorators to the registry and bus."""
        for owner in (self, *self.parts()):
            self._register_declared(owner)

    def _register_declared(self, owner: object) -> None:
        registry = self.services.registry
        for kind, decl, fn in declared(owner):
            if kind == "command":
                registry.add(
                    Command(
                        path=decl.path,
                        description=decl.description,
                        handler=fn,
                        options=decl.options,
                        access=decl.access,
                        ephemeral=decl.ephemeral,
                        cog=self.name,
                    )
                )
            elif kind == "action":
                name, access = decl
                registry.add_action(ActionRoute(name=name, handler=fn, cog=self.name, access=access))
            elif kind == "autocomplete":
                registry.autocompleters[decl] = fn
        for attr in dir(type(owner)):
            event_type = getattr(getattr(type(owner), attr, None), "__steward_listener__", None)
            if event_type is not None:
                self.services.bus.subscribe(event_type, getattr(owner, attr))

    def jobs(self) -> dict[str, Callable[..., Any]]:
        """Scheduled jobs this cog offers, by job name (the config's ``schedules`` chooses when)."""
        return {}

    def default_schedules(self) -> dict[str, tuple[Any, timedelta]]:
        """Job name -> (APScheduler trigger, grace) used when ``schedules:`` does not name the job.

        For jobs that must run for the feature to work at all (pollers, tickers); they still run only
        on the scheduler leader.
        """
        return {}

    async def digest_section(self, start: datetime, end: datetime, reader: Reader) -> list[Block]:
        """This feature's part of the weekly digest for [start, end), in ``reader``'s language and time
        zone (the project's when posted, the person's in a preview); empty when it has nothing."""
        return []

    async def joined_members(self, start: datetime, end: datetime) -> list[str] | None:
        """Who joined the community in [start, end), by the name they joined with, when this feature
        records joins (onboarding does); None when it does not. The digest welcomes these people."""
        return None

    async def home_section(self, member_id: int, reader: Reader) -> list[Block]:
        """This feature's part of a person's home page (Slack App Home): their claims, shifts, progress,
        in ``reader``'s (their) language and time zone."""
        return []

    def public_page(self) -> str | None:
        """The path of the public web page this feature serves on the HTTP server, if any."""
        return None

    async def start(self) -> None:
        """Called once the adapters are up."""

    async def stop(self) -> None:
        """Called on shutdown."""
