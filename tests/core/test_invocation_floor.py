"""No invocation goes unanswered: whatever fails, the person gets the generic error with a ref."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.app import App
from bot.core.invocation import Invocation
from bot.core.member_cache import MemberCache
from bot.core.member_reads import MemberReads
from bot.core.members import MemberDirectory
from bot.db.models import Member
from tests.fixtures.chat import ChatFactory

GENERIC = re.compile(r"Something went wrong on our side; .* ref [0-9a-f]+\.")


async def test_a_command_that_raises_is_answered(chat_factory: ChatFactory) -> None:
    async with chat_factory() as chat:
        command = chat.app.services.registry.find(("steward", "me"))
        assert command is not None

        async def broken(inv: Invocation, **_: Any) -> None:
            raise RuntimeError("a bug in a handler")

        command.handler = broken
        [reply] = await chat.command("alice", "/steward me")
        assert GENERIC.search(reply.text), reply.text
        assert reply.ephemeral
        assert "a bug in a handler" not in reply.text


class _BrokenDirectory(MemberDirectory):
    """The member lookup fails (a database error before any handler runs)."""

    def known(self, session: Session, platform: str, user_id: str, display_name: str) -> Member | None:
        raise RuntimeError("the database went away")

    def ensure(
        self, session: Session, platform: str, user_id: str, display_name: str, now: datetime
    ) -> Member:
        raise RuntimeError("the database went away")


def _break_member_lookups(app: App) -> None:
    broken = _BrokenDirectory()
    app.services.members = broken
    # Known people are kept in memory between commands; nothing kept here, so the lookup runs.
    app.services.member_reads = MemberReads(app.db, broken, MemberCache(app.db.engine, ttl=0))


async def test_a_failure_before_the_handler_is_answered(chat_factory: ChatFactory) -> None:
    async with chat_factory() as chat:
        _break_member_lookups(chat.app)
        [reply] = await chat.command("bob", "/steward help")
        assert GENERIC.search(reply.text), reply.text
        assert "database went away" not in reply.text


async def test_the_generic_error_speaks_the_language_of_normal_replies(chat_factory: ChatFactory) -> None:
    # The project speaks Chinese; a platform that reports the person's own language (Discord) wins.
    async with chat_factory(locale="zh-CN") as chat:
        [normal] = await chat.command("carol", "/steward help")
        chinese = "列出所有命令及其用法" in normal.text
        _break_member_lookups(chat.app)
        [reply] = await chat.command("carol", "/steward help")
        assert ("我们这边出了点问题" in reply.text) is chinese, reply.text
        assert ("Something went wrong" in reply.text) is not chinese, reply.text
