"""Cog-side reply helpers: a GfiError becomes a localized ephemeral reply."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from bot.core.invocation import Invocation
from bot.core.messages import Button, Buttons, Message, Section
from cogs.good_first_issues import views
from cogs.good_first_issues.errors import GfiError, localized_parts

Handler = Callable[..., Awaitable[None]]


def refusals(fn: Handler) -> Handler:
    """Show a GfiError as a localized reply whose outside parts stay plain text."""

    @functools.wraps(fn)
    async def wrapper(self: Any, inv: Invocation, *args: Any, **kwargs: Any) -> None:
        try:
            await fn(self, inv, *args, **kwargs)
        except GfiError as exc:
            params = {k: v for k, v in exc.params.items() if k != "issue_id"}
            msg = Message([Section(*localized_parts(inv.t, exc.key, params, exc.outside))])
            if exc.key == "gfi.error.already_claimed" and "issue_id" in exc.params:
                msg.add(
                    Buttons(
                        (Button(inv.t("gfi.button.wait"), views.ACTION_WAIT, str(exc.params["issue_id"])),)
                    )
                )
            await inv.reply(msg, ephemeral=True)

    return wrapper


def member_of(inv: Invocation) -> int:
    assert inv.actor.member_id is not None
    return inv.actor.member_id
