"""Commands keep working while another thread writes to the database back to back (a first sync)."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session

from bot.db.database import Database
from bot.db.turns import Turns, TurnTimeout
from tests.fixtures.chat import ConsoleDriver, console_chat
from tests.fixtures.waiting import eventually


def _write_pages(db: Database, stop: threading.Event, pages: list[int]) -> None:
    """Page after page of slow write transactions with no pause between them, like a large first sync
    on a loaded machine (the sleep is the page's workload, not synchronisation)."""
    while not stop.is_set():

        def page(session: Session) -> None:
            session.execute(text("UPDATE member SET display_name = display_name WHERE id < 0"))
            time.sleep(1.0)

        db.call(page)
        pages.append(1)


async def test_commands_are_answered_during_a_large_first_sync(database_url: str, tmp_path: Path) -> None:
    async with console_chat(database_url, tmp_path) as chat:
        assert isinstance(chat, ConsoleDriver)
        stop, pages = threading.Event(), []
        writer = threading.Thread(target=_write_pages, args=(chat.app.services.db, stop, pages))
        writer.start()
        try:
            users = [f"person{i}" for i in range(12)]
            await asyncio.gather(*(chat.command(u, "/steward me") for u in users))
        finally:
            stop.set()
            await asyncio.to_thread(writer.join)
        replies = {r.target: r.text for r in chat.console.transcript if r.kind == "reply"}
        assert sorted(replies) == sorted(users)
        assert not [t for t in replies.values() if "Something went wrong" in t]
        assert pages, "the writer ran"


async def test_threads_take_turns_in_arrival_order() -> None:
    turns = Turns(timeout=30)
    order: list[str] = []
    holding = turns.turn()
    holding.__enter__()

    def waiter(name: str) -> None:
        with turns.turn():
            order.append(name)

    threads = []
    for name in ("first", "second", "third"):
        t = threading.Thread(target=waiter, args=(name,))
        t.start()
        threads.append(t)
        # Each must be queued before the next arrives; the queue is what the test inspects.
        await eventually(lambda: len(turns._queue) == len(threads), f"{name} to queue")
    with turns.turn():  # the holder re-enters without waiting on the queue behind it
        pass
    holding.__exit__(None, None, None)
    for t in threads:
        await asyncio.to_thread(t.join)
    assert order == ["first", "second", "third"]


def test_a_turn_not_granted_in_time_fails_like_sqlite_would() -> None:
    turns = Turns(timeout=0.05)
    ready, release = threading.Event(), threading.Event()

    def hold() -> None:
        with turns.turn():
            ready.set()
            release.wait()

    holder = threading.Thread(target=hold)
    holder.start()
    ready.wait()
    try:
        with pytest.raises(TurnTimeout, match="database is locked"), turns.turn():
            pass
    finally:
        release.set()
        holder.join()
    with turns.turn():  # the abandoned place in the queue does not block the next thread
        pass
