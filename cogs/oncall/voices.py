"""Who reads a text decides its language and time zone.

A channel post is read by the whole rotation: the project's language and zone. A DM is read by its
recipient: their language and zone (else the project's). A reply is read by whoever ran the command
(``Invocation.t``). Times passed as ``datetime`` are written with their zone named, so a post or a DM
never leaves the reader guessing which clock it means.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session

from bot.core.members import MemberDirectory
from bot.db.database import Database
from bot.i18n import Catalog, Reader, Translate


class Voices:
    """Translators for the project (channel posts, topics) and for one member (DMs)."""

    def __init__(
        self, catalog: Catalog, project: Callable[[], Reader], members: MemberDirectory, db: Database
    ) -> None:
        self.catalog = catalog
        self.project_reader = project  # asked on each use, so a reload applies at once
        self.members = members
        self.db = db

    def of(self, reader: Reader) -> Translate:
        """Translate for ``reader``: their language, times in their zone."""
        return self.catalog.for_reader(reader)

    def project(self) -> Translate:
        """The project's language and zone: for what a channel reads."""
        return self.of(self.project_reader())

    def reader_in(self, session: Session, member_id: int) -> Reader:
        """The member's language and zone, each falling back to the project's."""
        info = self.members.info(session, member_id)
        return info.reader(self.project_reader()) if info is not None else self.project_reader()

    async def member(self, member_id: int) -> Translate:
        """Translate for a DM to ``member_id``."""
        return self.of(await self.db.run(self.reader_in, member_id))


def span(t: Translate, start: datetime, end: datetime) -> str:
    """'Dec 7, 2026, 9:00 AM China Standard Time → Dec 8, 2026, …' in ``t``'s language and zone."""
    return t("oncall.span", start=start, end=end)
