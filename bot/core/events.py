"""Typed events and the in-process bus that delivers them to cog listeners."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """Base class of everything published on the bus."""


@dataclass(frozen=True)
class MemberJoined(Event):
    """Someone joined a Discord server, a Slack workspace or a watched channel (console: ``:join``)."""

    platform: str
    user_id: str
    display_name: str
    is_bot: bool = False
    channel_id: str | None = None


@dataclass(frozen=True)
class HomeChanged(Event):
    """Something a person's home page shows changed (a claim, a shift); adapters with one refresh it."""

    member_id: int


@dataclass(frozen=True)
class ConfigReloaded(Event):
    """The YAML file was re-read and the new config is in force."""


E = TypeVar("E", bound=Event)
Listener = Callable[[Any], Awaitable[None]]
ListenerMethod = TypeVar("ListenerMethod", bound=Callable[..., Awaitable[None]])


class EventBus:
    """Delivers each event to every listener of its type (and base types); a failing listener is logged."""

    def __init__(self) -> None:
        self._listeners: dict[type[Event], list[Listener]] = defaultdict(list)

    def subscribe(self, event_type: type[E], listener: Callable[[E], Awaitable[None]]) -> None:
        self._listeners[event_type].append(listener)

    async def publish(self, event: Event) -> None:
        listeners = [fn for cls in type(event).__mro__ for fn in self._listeners.get(cls, [])]
        if not listeners:
            return
        results = await asyncio.gather(*(fn(event) for fn in listeners), return_exceptions=True)
        for fn, result in zip(listeners, results, strict=True):
            if isinstance(result, BaseException):
                log.error("listener %s failed on %s", getattr(fn, "__qualname__", fn), event, exc_info=result)


def listener(event_type: type[Event]) -> Callable[[ListenerMethod], ListenerMethod]:
    """Declare a cog method as a listener of ``event_type``."""

    def wrap(fn: ListenerMethod) -> ListenerMethod:
        fn.__steward_listener__ = event_type  # type: ignore[attr-defined]
        return fn

    return wrap
