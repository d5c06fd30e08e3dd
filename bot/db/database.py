"""The `Database` service: an engine plus transactional sessions, usable from async code."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy import Engine
from sqlmodel import Session

from bot.db.engine import READ_SNAPSHOT, SQLITE_BUSY_TIMEOUT, make_engine
from bot.db.turns import Turns

T = TypeVar("T")
P = ParamSpec("P")

ChangeHook = Callable[[Session, frozenset[int]], None]
_CHANGED = "steward_changed"


def mark_changed(session: Session, topic: str, ids: Iterable[int | None]) -> None:
    """Note that rows of ``topic`` changed in this session; its commit hooks see them before commit."""
    marked: dict[str, set[int]] = session.info.setdefault(_CHANGED, {})
    marked.setdefault(topic, set()).update(i for i in ids if i is not None)


class Database:
    """Owns the engine; hands out sessions that commit on success and roll back on error."""

    def __init__(self, url: str, *, echo: bool = False, engine: Engine | None = None) -> None:
        self._url = url
        self._engine = engine if engine is not None else make_engine(url, echo=echo)
        self._hooks: dict[str, list[ChangeHook]] = {}
        # SQLite admits one writer at a time; this process's threads take turns in arrival order.
        self._turns = Turns(SQLITE_BUSY_TIMEOUT) if self.in_process else None

    @property
    def url(self) -> str:
        """The URL this database was opened with (as given, password included)."""
        return self._url

    @property
    def in_process(self) -> bool:
        """Whether the database runs inside this process (SQLite), rather than in a server."""
        return self._engine.dialect.name == "sqlite"

    @property
    def engine(self) -> Engine:
        """The underlying SQLAlchemy engine."""
        return self._engine

    @property
    def fingerprint(self) -> str:
        """A short id of where the data lives (host, port, database or file), never the password.

        `steward status` compares it with the one /healthz reports, to tell this deployment's instance
        from another one listening on the same port.
        """
        url = self._engine.url
        where = url.database or ""
        if url.get_backend_name() == "sqlite" and where and where != ":memory:":
            where = os.path.realpath(where)
        key = f"{url.get_backend_name()}|{url.host or ''}|{url.port or ''}|{where}"
        return hashlib.sha256(key.encode()).hexdigest()[:12]

    def on_change(self, topic: str, hook: ChangeHook) -> None:
        """Run ``hook(session, ids)`` inside every transaction that marked ``topic`` rows changed,
        just before it commits, so derived tables change atomically with what they derive from."""
        self._hooks.setdefault(topic, []).append(hook)

    def _run_change_hooks(self, session: Session) -> None:
        marked: dict[str, set[int]] = session.info.pop(_CHANGED, {})
        for topic, ids in marked.items():
            for hook in self._hooks.get(topic, ()):
                hook(session, frozenset(ids))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """Yield a session in a transaction; commit when the block succeeds, roll back if it raises."""
        # expire_on_commit=False: objects returned out of a finished session (e.g. from `run`) keep
        # their loaded values instead of trying to lazy-load from a closed session.
        with self._turn(), Session(self._engine, expire_on_commit=False) as session:
            try:
                yield session
                self._run_change_hooks(session)
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def _turn(self) -> Iterator[None]:
        if self._turns is None:
            yield
            return
        with self._turns.turn():
            yield

    def call(self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `fn(session, *args, **kwargs)` in one transaction on the calling thread."""
        with self.session() as session:
            return fn(session, *args, **kwargs)

    async def run(self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `fn(session, *args, **kwargs)` in one transaction on a worker thread."""

        # SQL drivers block; a worker thread keeps the event loop (gateway heartbeats etc.) responsive.
        def work() -> T:
            return self.call(fn, *args, **kwargs)

        return await asyncio.to_thread(work)

    def read_call(self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a read-only `fn(session, ...)` on a snapshot: on SQLite it never takes the write lock,
        so reads do not queue behind writers; nothing it changes is committed."""
        with self._engine.connect() as connection:
            connection = connection.execution_options(**{READ_SNAPSHOT: True})
            # Closing the session and the connection without a commit rolls the transaction back, and
            # leaves the objects read detached but loaded (a rollback would expire them).
            with Session(bind=connection, expire_on_commit=False) as session:
                return fn(session, *args, **kwargs)

    async def read(self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`read_call` on a worker thread."""

        def work() -> T:
            return self.read_call(fn, *args, **kwargs)

        return await asyncio.to_thread(work)

    async def peek(self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """A short read by key (a row or two through an index): `read`, except that on SQLite it
        runs on the calling thread.

        SQLite answers such a read in-process in about a tenth of a millisecond and a WAL snapshot
        never waits on writers, while handing it to a worker thread cost three times that, and
        under load the worker's Python held the GIL against the event loop's socket writes.
        """
        if self.in_process:
            return self.read_call(fn, *args, **kwargs)
        return await self.read(fn, *args, **kwargs)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self._engine.dispose()
