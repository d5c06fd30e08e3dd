"""A cog composed of parts registers the parts' declarations under the cog's name, like its own."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from bot.core.cog import Cog
from bot.core.commands import Choice, CommandRegistry, action, autocomplete, command
from bot.core.events import ConfigReloaded, EventBus, listener


class Greetings:
    """A part: a command, an action, an autocomplete provider and a listener."""

    def __init__(self) -> None:
        self.reloads = 0

    @command("demo hello", "demo.hello.description")
    async def hello(self, inv: Any) -> None:
        return None

    @action("demo_wave")
    async def wave(self, inv: Any) -> None:
        return None

    @autocomplete("demo_names")
    async def names(self, inv: Any, partial: str) -> list[Choice]:
        return [Choice("ada")]

    @listener(ConfigReloaded)
    async def on_reload(self, event: ConfigReloaded) -> None:
        self.reloads += 1


class DemoCog(Cog):
    """Declares one command itself and the rest through a part."""

    name = "demo"

    def __init__(self, services: Any) -> None:
        super().__init__(services)
        self.greetings = Greetings()

    def parts(self) -> list[object]:
        return [self.greetings]

    @command("demo status", "demo.status.description")
    async def status(self, inv: Any) -> None:
        return None


async def test_parts_are_registered_like_the_cogs_own_methods() -> None:
    services = SimpleNamespace(registry=CommandRegistry(), bus=EventBus())
    cog = DemoCog(services)
    cog.register()
    registry = services.registry
    assert {c.name: c.cog for c in registry} == {"demo hello": "demo", "demo status": "demo"}
    hello = registry.find(("demo", "hello"))
    assert hello is not None and hello.handler == cog.greetings.hello
    assert registry.actions["demo_wave"].cog == "demo"
    assert registry.actions["demo_wave"].handler == cog.greetings.wave
    assert registry.autocompleters["demo_names"] == cog.greetings.names
    await services.bus.publish(ConfigReloaded())
    assert cog.greetings.reloads == 1
